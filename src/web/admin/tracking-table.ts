import type { SopRegistry } from '../../cases/index.js';
import { html, type SafeHtml } from '../../html.js';
import { type Language, t } from '../../i18n/index.js';
import { formatDate, formatDateTime } from './console-format.js';
import { type SeedColumns, seedColumns } from './tracking-columns.js';
import { isOverdue, statusWords, type TrackingRow, type TrackingSort, uraianOf } from './tracking-query.js';

/** What a row's cells are drawn from: the row and the values worked out for it once. */
export interface TrackingLine {
  readonly row: TrackingRow;
  /** Its number in the whole selection, from 1. */
  readonly n: number;
  readonly seed: SeedColumns;
  readonly status: string;
  readonly late: boolean;
}

export interface TrackingTableContext {
  readonly sops: SopRegistry;
  readonly language: Language;
  readonly zone: string;
  readonly now: Date;
  readonly unitNames: ReadonlyMap<string, string>;
}

interface TrackingColumn {
  /** Text key suffix under `admin.tracking.col.` */
  readonly key: string;
  /** The page's sort order behind the header, where the column can be sorted. */
  readonly sort?: TrackingSort;
  /** On the page as well as in the exports; some exist only in the files, some only as a badge. */
  readonly onPage: boolean;
  readonly inExport: boolean;
  /** The XLSX column's width in characters. */
  readonly width: number;
  /** The exported value: numbers stay numbers in the XLSX. */
  cell(line: TrackingLine, ctx: TrackingTableContext): string | number;
  /** The page's cell, where it says more than the exported value. */
  html?(line: TrackingLine, ctx: TrackingTableContext): SafeHtml | string;
}

const both = { onPage: true, inExport: true } as const;
const exportOnly = { onPage: false, inExport: true } as const;

/**
 * Seed 004's tracking table, once: the page's columns and both exports follow this list, so a
 * column is added, moved or widened in one place.
 */
export const TRACKING_COLUMNS: readonly TrackingColumn[] = [
  { key: 'no', ...both, width: 8, cell: (l) => l.n },
  {
    key: 'ticket',
    sort: 'ticket',
    ...both,
    width: 20,
    cell: (l) => l.row.ticket,
    html: (l) => html`<a href="/admin/cases/${encodeURIComponent(l.row.ticket)}">${l.row.ticket}</a>`,
  },
  { key: 'document', ...both, width: 18, cell: (l) => l.seed.documentNumber },
  { key: 'revision', ...both, width: 10, cell: (l) => l.seed.revision },
  { key: 'revision_date', ...both, width: 14, cell: (l) => l.seed.revisionDate },
  { key: 'uraian', ...both, width: 60, cell: (l) => uraianOf(l.row, 300), html: (l) => uraianOf(l.row) },
  { key: 'category', ...both, width: 18, cell: (l) => l.seed.category },
  { key: 'status', ...both, width: 30, cell: (l) => l.status },
  { key: 'closed', sort: 'closed', ...both, width: 16, cell: (l, c) => formatDate(l.row.closedAt, c.language, c.zone) },
  {
    key: 'owner',
    ...both,
    width: 24,
    cell: (l) => l.row.ownerName ?? '',
    html: (l, c) =>
      l.row.status !== 'open'
        ? ''
        : (l.row.ownerName ?? html`<span class="muted">${t(c.language, 'admin.tracking.unassigned')}</span>`),
  },
  {
    key: 'due',
    sort: 'due',
    ...both,
    width: 18,
    cell: (l, c) => formatDateTime(l.row.dueAt, c.language, c.zone),
    html: (l, c) =>
      html`${formatDateTime(l.row.dueAt, c.language, c.zone)}${l.late ? html` <strong class="late badge">⚠ ${t(c.language, 'admin.tracking.late')}</strong>` : ''}`,
  },
  {
    key: 'late',
    ...exportOnly,
    width: 12,
    cell: (l, c) => t(c.language, l.late ? 'admin.tracking.yes' : 'admin.tracking.no'),
  },
  {
    key: 'opened',
    sort: 'opened',
    ...both,
    width: 18,
    cell: (l, c) => formatDateTime(l.row.openedAt, c.language, c.zone),
  },
  { key: 'sop', ...exportOnly, width: 18, cell: (l) => l.row.sopId },
  { key: 'unit', ...exportOnly, width: 24, cell: (l, c) => c.unitNames.get(l.row.unitId) ?? l.row.unitId },
  { key: 'channel', ...exportOnly, width: 12, cell: (l) => l.row.channel ?? '' },
];

export const PAGE_COLUMNS = TRACKING_COLUMNS.filter((c) => c.onPage);
export const EXPORT_COLUMNS = TRACKING_COLUMNS.filter((c) => c.inExport);

export function headerText(column: TrackingColumn, language: Language): string {
  return t(language, `admin.tracking.col.${column.key}`);
}

export async function lineOf(row: TrackingRow, n: number, ctx: TrackingTableContext): Promise<TrackingLine> {
  const [seed, status] = await Promise.all([
    seedColumns(ctx.sops, row, ctx.zone, ctx.language),
    statusWords(ctx.sops, row, ctx.language),
  ]);
  return { row, n, seed, status, late: isOverdue(row, ctx.now) };
}
