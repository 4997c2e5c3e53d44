import { DateTime } from 'luxon';
import { TIME_ZONES, zoneOf } from '../sop/working-calendar.js';

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

/** "WIB", "WITA" or "WIT" for Indonesia's zones; the IANA name for any other. */
export function zoneLabel(zone: string): string {
  const iana = zoneOf(zone);
  const short = Object.entries(TIME_ZONES).find(([, name]) => name === iana)?.[0];
  return short ?? iana;
}

/** "2026-03-02 08:00 WIB": local time in the zone, labelled; "-" for no time. */
export function formatTime(at: Date | null, zone: string): string {
  if (!at) return '-';
  return `${DateTime.fromJSDate(at, { zone: zoneOf(zone) }).toFormat('yyyy-MM-dd HH:mm')} ${zoneLabel(zone)}`;
}
