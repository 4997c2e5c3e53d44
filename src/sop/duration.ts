/**
 * A mutu-baku time limit ("waktu") as written in an SOP: "10 menit", "2.5 jam", "3 hari",
 * "1 minggu", "14 hari kalender". The seeds run their services "selama jam kerja kedinasan" and
 * their times feed workload analysis (ABK), which counts working time: a plain "hari" is a hari
 * kerja and a "minggu" five of them. "hari kalender" / "minggu kalender" are for what truly runs on
 * the calendar (a trip, an off-site meeting).
 */
export type DurationUnit =
  | 'second'
  | 'minute'
  | 'hour'
  | 'workday'
  | 'workweek'
  /** Calendar days: what SOP versions before "hari = hari kerja" stored for a plain "hari". */
  | 'day'
  /** Seven calendar days. */
  | 'week';

export interface Duration {
  readonly amount: number;
  readonly unit: DurationUnit;
  /** The text it was parsed from, kept for display ("14 Hari"). */
  readonly text: string;
}

/** Working days in a minggu kerja: Monday to Friday. */
export const WORKDAYS_PER_WEEK = 5;

const UNIT_WORDS: ReadonlyArray<readonly [RegExp, DurationUnit]> = [
  [/^(hari kalender|calendar days?)$/, 'day'],
  [/^(minggu kalender|pekan kalender|calendar weeks?)$/, 'week'],
  [/^(hari kerja|hari|hk|d|workdays?|working days?|days?)$/, 'workday'],
  [/^(minggu kerja|minggu|pekan|w|weeks?|working weeks?)$/, 'workweek'],
  [/^(detik|s|sec|seconds?)$/, 'second'],
  [/^(menit|m|min|minutes?)$/, 'minute'],
  [/^(jam|h|hours?)$/, 'hour'],
];

const PATTERN = /^\s*(\d+(?:[.,]\d+)?)\s*([a-z ]+?)\s*$/;

/** Returns the parsed duration, or null when the text is not a duration this parser knows. */
export function parseDuration(text: string): Duration | null {
  const match = PATTERN.exec(text.toLowerCase());
  if (!match) return null;
  const amount = Number(match[1]?.replace(',', '.'));
  const word = (match[2] ?? '').replace(/\s+/g, ' ');
  const unit = UNIT_WORDS.find(([re]) => re.test(word))?.[1];
  if (!unit || !Number.isFinite(amount) || amount < 0) return null;
  return { amount, unit, text: text.trim() };
}

/** A share of a step's waktu, written "80%" in a ladder rung. Returns the fraction, or null. */
export function parsePercent(text: string): number | null {
  const match = /^\s*(\d+(?:[.,]\d+)?)\s*%\s*$/.exec(text);
  if (!match) return null;
  const value = Number(match[1]?.replace(',', '.')) / 100;
  return Number.isFinite(value) ? value : null;
}

export const ZERO: Duration = { amount: 0, unit: 'minute', text: '0 menit' };
