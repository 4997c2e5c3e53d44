import { formatMoment } from '../i18n/index.js';
import { zoneOf } from '../sop/index.js';

/**
 * Columns padded to their widest cell. An empty cell shows as "-" and a line break in a cell (a
 * note, say) as a space, so every row stays one line.
 */
export function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const cells = [headers, ...rows].map((row) =>
    row.map((cell) => (cell === '' ? '-' : cell.replace(/\s*\n\s*/g, ' '))),
  );
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  // The last column is not padded: long text such as a title or kegiatan may run on.
  return cells
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** "2 Mar 2026 08:00 WIB", the one date style, in English as the CLI speaks it; "-" for no time. */
export function formatTime(at: Date | null, zone: string): string {
  return at ? formatMoment(at, 'en', zoneOf(zone)) : '-';
}
