/**
 * The workbook an SOP is exported to and imported from. "Prosedur" is laid out like the
 * procedure table of the SOP AP form (No, Kegiatan, a column per pelaksana marked "X", Mutu Baku,
 * Keterangan, and for a decision its Ya/Tidak targets); what SIPUT needs beyond the form sits in
 * columns after it and in the sheets Identitas, Peran and Aksi.
 */
export const SHEETS = { identity: 'Identitas', roles: 'Peran', steps: 'Prosedur', actions: 'Aksi' } as const;

/** Prosedur: two header rows like the form, then a row of role ids under the lanes; steps below. */
export const STEP_HEADER_ROWS = 3;

/** Identity keys in sheet order. Lists are one entry per line; structured values are YAML. */
export const IDENTITY_KEYS = [
  'id',
  'version',
  'title',
  'nomor',
  'instansi',
  'tanggalPembuatan',
  'tanggalRevisi',
  'tanggalEfektif',
  'disahkanOleh',
  'dasarHukum',
  'kualifikasiPelaksana',
  'keterkaitan',
  'peralatan',
  'peringatan',
  'pencatatan',
  'ticketPrefix',
  'intake',
  'initiators',
  'form',
  'menuLabel',
  'subjectLabel',
  'intakeFiles',
  'fields',
  'ladder',
  'ceiling',
  'start',
  'reopen',
  'reopenWithin',
] as const;

export const LIST_KEYS = new Set<string>([
  'dasarHukum',
  'kualifikasiPelaksana',
  'keterkaitan',
  'peralatan',
  'peringatan',
  'pencatatan',
  'initiators',
  'intakeFiles',
]);
export const YAML_KEYS = new Set<string>(['disahkanOleh', 'menuLabel', 'subjectLabel', 'fields', 'ladder']);

export const ROLE_COLUMNS = ['id', 'Nama', 'Atasan (id)'] as const;

/** Prosedur columns after the lanes, in order: the form's, then SIPUT's. */
export const STEP_TAIL = [
  { key: 'kelengkapan', title: 'Kelengkapan', group: 'Mutu Baku' },
  { key: 'waktu', title: 'Waktu', group: 'Mutu Baku' },
  { key: 'output', title: 'Output', group: 'Mutu Baku' },
  { key: 'keterangan', title: 'Keterangan' },
  { key: 'ya', title: 'Ya' },
  { key: 'tidak', title: 'Tidak' },
  { key: 'waktuDefault', title: 'Waktu bawaan SIPUT' },
  { key: 'effort', title: 'Upaya' },
  { key: 'scope', title: 'Lingkup' },
  { key: 'status', title: 'Status' },
  { key: 'statusEn', title: 'Status (en)' },
  { key: 'notifyStakeholder', title: 'Beri tahu pelapor' },
  { key: 'ladder', title: 'Ladder (YAML)' },
] as const;

export const ACTION_COLUMNS = [
  { key: 'step', title: 'Langkah' },
  { key: 'id', title: 'Id' },
  { key: 'kind', title: 'Jenis' },
  { key: 'label', title: 'Label' },
  { key: 'labelEn', title: 'Label (en)' },
  { key: 'to', title: 'Ke' },
  { key: 'outcome', title: 'Hasil' },
  { key: 'requires', title: 'Kelengkapan wajib' },
  { key: 'mayBeAbsent', title: 'Boleh tidak ada' },
  { key: 'note', title: 'Catatan' },
  { key: 'tindakLanjut', title: 'Tindak lanjut' },
  { key: 'publishes', title: 'Diterbitkan sebagai' },
] as const;

/** How a decision's Ya/Tidak cell names the two ways that are not a step. */
export const PREVIOUS_WORD = 'sebelumnya';
export const END_WORD = 'selesai';
export const MARK = 'X';
export const YES = 'ya';

/** "A", "B", … "AA": the column letter people see in Excel. */
export function columnLetter(column: number): string {
  let n = column;
  let out = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    out = String.fromCharCode(65 + r) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}
