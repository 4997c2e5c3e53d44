/**
 * A mutu-baku time limit ("waktu") as written in an SOP: "10 menit", "2.5 jam", "14 hari",
 * "3 hari kerja", "1 minggu". Units without "kerja" count wall-clock time, except minutes and
 * hours, which count working time: an official is never due outside office hours.
 */
export type DurationUnit = 'second' | 'minute' | 'hour' | 'day' | 'workday' | 'week';

export interface Duration {
  readonly amount: number;
  readonly unit: DurationUnit;
  /** The text it was parsed from, kept for display ("14 Hari"). */
  readonly text: string;
}

const UNIT_WORDS: ReadonlyArray<readonly [RegExp, DurationUnit]> = [
  [/^(hari kerja|hk|workdays?|working days?)$/, 'workday'],
  [/^(detik|s|sec|seconds?)$/, 'second'],
  [/^(menit|m|min|minutes?)$/, 'minute'],
  [/^(jam|h|hours?)$/, 'hour'],
  [/^(hari|d|days?)$/, 'day'],
  [/^(minggu|pekan|w|weeks?)$/, 'week'],
];

const PATTERN = /^\s*(\d+(?:[.,]\d+)?)\s*([a-z ]+?)\s*$/;

/** Returns the parsed duration, or null when the text is not a duration this parser knows. */
export function parseDuration(text: string): Duration | null {
  const match = PATTERN.exec(text.toLowerCase());
  if (!match) return null;
  const amount = Number(match[1]?.replace(',', '.'));
  const word = match[2] ?? '';
  const unit = UNIT_WORDS.find(([re]) => re.test(word))?.[1];
  if (!unit || !Number.isFinite(amount) || amount < 0) return null;
  return { amount, unit, text: text.trim() };
}

export const ZERO: Duration = { amount: 0, unit: 'minute', text: '0 menit' };
