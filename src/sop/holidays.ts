import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { HolidaysFileError } from './errors.js';

/** The shipped list; admins extend it in place or point the service at their own copy. */
export const DEFAULT_HOLIDAYS_FILE = fileURLToPath(new URL('../../holidays/indonesia.yaml', import.meta.url));

const holidayEntrySchema = z.object({
  /** A local date in the calendar's time zone, not an instant. */
  date: z.iso.date('write the date as YYYY-MM-DD, e.g. 2026-08-17'),
  kind: z.enum(['libur-nasional', 'cuti-bersama']),
  name: z.string().min(1),
  /** The decree that set the day, so an admin can check it against the SKB. */
  source: z.string().min(1),
});

export type HolidayEntry = z.infer<typeof holidayEntrySchema>;
export type HolidayKind = HolidayEntry['kind'];

/** Days off sorted by date, one entry a day. */
export type HolidayCalendar = readonly HolidayEntry[];

const holidayFileSchema = z.array(holidayEntrySchema).superRefine((entries, ctx) => {
  // Two entries for one day would mean two sources disagree about it; the admin must pick one.
  const firstIndex = new Map<string, number>();
  entries.forEach((entry, index) => {
    const earlier = firstIndex.get(entry.date);
    if (earlier === undefined) firstIndex.set(entry.date, index);
    else
      ctx.addIssue({
        code: 'custom',
        path: [index, 'date'],
        message: `${entry.date} is already listed at [${earlier}]`,
      });
  });
});

/** Reads and validates a holidays YAML file (a list of entries). Throws HolidaysFileError. */
export function loadHolidays(file: string): HolidayCalendar {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    const reason = err instanceof Error ? (err.message.split('\n')[0] ?? err.message) : String(err);
    throw new HolidaysFileError(file, [`cannot be read as YAML: ${reason}`]);
  }
  const result = holidayFileSchema.safeParse(raw);
  if (!result.success) {
    throw new HolidaysFileError(
      file,
      result.error.issues.map((issue) => `${describePath(raw, issue.path)}: ${issue.message}`),
    );
  }
  return [...result.data].sort((a, b) => a.date.localeCompare(b.date));
}

/** "[12] (2025-09-05).kind" points an admin at the line to fix; entries count from 0 in file order. */
function describePath(raw: unknown, path: ReadonlyArray<PropertyKey>): string {
  const [index, ...rest] = path;
  if (typeof index !== 'number') return '(root) must be a list of entries';
  const entry = Array.isArray(raw) ? (raw[index] as unknown) : undefined;
  const date = entry && typeof entry === 'object' && 'date' in entry ? ` (${String(entry.date)})` : '';
  return `[${index}]${date}${rest.map((key) => `.${String(key)}`).join('')}`;
}

/**
 * Years whose list is an estimate (an entry's source says "perkiraan"), to be replaced by the
 * year's SKB: deadlines counted over them are marked as such.
 */
export function estimatedYears(entries: readonly HolidayEntry[]): ReadonlySet<number> {
  return new Set(entries.filter((e) => /perkiraan/i.test(e.source)).map((e) => Number(e.date.slice(0, 4))));
}

/** Whether the list holds a confirmed (SKB) year: listed, and no entry of it an estimate. */
export function isConfirmedYear(entries: readonly HolidayEntry[], year: number): boolean {
  const prefix = `${year}-`;
  return entries.some((e) => e.date.startsWith(prefix)) && !estimatedYears(entries).has(year);
}
