import type { SopRegistry } from '../../cases/index.js';
import { fieldText } from '../../cases/index.js';
import type { Language } from '../../i18n/index.js';
import type { TrackingColumn } from '../../sop/index.js';
import { formatDate } from './console-format.js';
import type { TrackingRow } from './tracking-query.js';

/** Seed 004's columns of one case: what the SOP's own fields say where it declares them. */
export interface SeedColumns {
  /** No. dokumen: the SOP document's number (fasilitasi-sop); empty for SOPs without one. */
  readonly documentNumber: string;
  /** Revisi: the document's revision, else how many times the case was returned for rework. */
  readonly revision: string;
  readonly revisionDate: string;
  readonly category: string;
}

/**
 * A case's values for the table's Revisi, Tgl. Revisi, Kategori and No. dokumen columns. An SOP
 * field marked `tracking: <column>` fills its column; otherwise the case-wide value stands.
 */
export async function seedColumns(
  sops: SopRegistry,
  row: TrackingRow,
  zone: string,
  language: Language,
): Promise<SeedColumns> {
  const sop = await sops.get(row.sopId, row.sopVersion);
  const columnValue = (column: TrackingColumn): string | undefined => {
    const field = sop?.fields?.find((f) => f.tracking === column);
    return field ? fieldText(field, row.fields[field.id], language) : undefined;
  };
  const revisionDate = columnValue('tgl-revisi');
  return {
    documentNumber: columnValue('nomor-dokumen') ?? '',
    revision: columnValue('revisi') ?? String(row.revisions),
    revisionDate: revisionDate ?? formatDate(row.lastRevisionAt, language, zone),
    category: columnValue('kategori') ?? row.category ?? '',
  };
}
