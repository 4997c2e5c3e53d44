import { DateTime, IANAZone } from 'luxon';
import type { WorkingCalendar } from './calendar.js';
import type { HolidayEntry } from './holidays.js';

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** One stretch of office time on a day, local "HH:mm"; `end` may be "24:00". */
export interface OfficeHours {
  readonly start: string;
  readonly end: string;
}

/** Office hours per weekday; a weekday left out has none. */
export type WorkingHours = Readonly<Partial<Record<IsoWeekday, readonly OfficeHours[]>>>;

const EIGHT_TO_FOUR: readonly OfficeHours[] = [{ start: '08:00', end: '16:00' }];
export const DEFAULT_WORKING_HOURS: WorkingHours = {
  1: EIGHT_TO_FOUR,
  2: EIGHT_TO_FOUR,
  3: EIGHT_TO_FOUR,
  4: EIGHT_TO_FOUR,
  5: EIGHT_TO_FOUR,
};

/** Round the clock, every day: for 24/7 units and tests. Holidays still apply unless none are passed. */
const WHOLE_DAY: readonly OfficeHours[] = [{ start: '00:00', end: '24:00' }];
export const ALWAYS_WORKING: WorkingHours = {
  1: WHOLE_DAY,
  2: WHOLE_DAY,
  3: WHOLE_DAY,
  4: WHOLE_DAY,
  5: WHOLE_DAY,
  6: WHOLE_DAY,
  7: WHOLE_DAY,
};

/** Indonesia's three zones by the names officials use. */
export const TIME_ZONES = { WIB: 'Asia/Jakarta', WITA: 'Asia/Makassar', WIT: 'Asia/Jayapura' } as const;

/** The IANA zone for "WIB", "WITA", "WIT" (any case) or an IANA name; throws on anything else. */
export function zoneOf(name: string): string {
  const short = name.trim().toUpperCase();
  if (Object.hasOwn(TIME_ZONES, short)) return TIME_ZONES[short as keyof typeof TIME_ZONES];
  if (IANAZone.isValidZone(name)) return name;
  throw new Error(`unknown time zone "${name}": use WIB, WITA, WIT or an IANA name such as Asia/Jakarta`);
}

export interface WorkingCalendarOptions {
  /** IANA zone (or WIB/WITA/WIT) in which office hours and holiday dates are read. */
  readonly timeZone: string;
  readonly hours: WorkingHours;
  readonly holidays: readonly HolidayEntry[];
}

/** Minutes after local midnight. */
interface MinuteSpan {
  readonly start: number;
  readonly end: number;
}

/** Epoch milliseconds. */
interface Span {
  readonly start: number;
  readonly end: number;
}

const WORKING_UNIT_MS = { second: 1_000, minute: 60_000, hour: 3_600_000 } as const;

/**
 * The working calendar of one unit. Time is walked a working stretch or a day at a time, never a
 * minute at a time, so "14 hari kerja" costs about twenty steps.
 */
export function createWorkingCalendar(opts: WorkingCalendarOptions): WorkingCalendar {
  const zone = zoneOf(opts.timeZone);
  const schedule = parseSchedule(opts.hours);
  const holidays = new Set(opts.holidays.map((h) => h.date));

  const dayOf = (ms: number): DateTime => DateTime.fromMillis(ms, { zone }).startOf('day');
  const isWorkingDay = (day: DateTime): boolean =>
    (schedule[day.weekday]?.length ?? 0) > 0 && !holidays.has(day.toFormat('yyyy-MM-dd'));

  const spansOn = (day: DateTime): Span[] =>
    isWorkingDay(day)
      ? (schedule[day.weekday] ?? []).map((s) => ({ start: atMinute(day, s.start), end: atMinute(day, s.end) }))
      : [];

  /**
   * Working stretches from `t` on, the first clipped to start at `t`. A stretch ending exactly at `t`
   * is included: closing time still counts as inside office hours, so a deadline at 16:00 stays there.
   * Endless, but every week has working time and the holiday list is finite, so each caller's
   * stopping condition is reached.
   */
  function* spansFrom(t: number): Generator<Span, never> {
    for (let day = dayOf(t); ; day = day.plus({ days: 1 })) {
      for (const span of spansOn(day)) {
        if (span.end >= t) yield { start: Math.max(span.start, t), end: span.end };
      }
    }
  }

  const nextWorkingMoment = (t: number): number => spansFrom(t).next().value.start;

  /** The earliest moment by which `ms` of working time has passed since `t`. */
  const addWorkingMs = (t: number, ms: number): number => {
    if (ms <= 0) return t;
    let left = ms;
    const spans = spansFrom(t);
    for (;;) {
      const span = spans.next().value;
      const length = span.end - span.start;
      if (left <= length) return span.start + left;
      left -= length;
    }
  };

  /**
   * The same local time of day on the Nth following working day. When that day's hours differ and
   * the time falls outside them, the deadline stays on that day: the next stretch's start, or else
   * its closing time. A fraction counts that share of the landing day's office time.
   */
  const addWorkdays = (t: number, amount: number): number => {
    const from = DateTime.fromMillis(nextWorkingMoment(t), { zone });
    let day = from.startOf('day');
    for (let counted = 0; counted < Math.floor(amount); ) {
      day = day.plus({ days: 1 });
      if (isWorkingDay(day)) counted++;
    }
    const spans = spansOn(day);
    const wanted = day
      .set({ hour: from.hour, minute: from.minute, second: from.second, millisecond: from.millisecond })
      .toMillis();
    const inside = spans.find((s) => s.end >= wanted);
    const landed = inside ? Math.max(inside.start, wanted) : (spans.at(-1)?.end ?? wanted);
    const dayLength = spans.reduce((sum, s) => sum + s.end - s.start, 0);
    return addWorkingMs(landed, Math.round((amount % 1) * dayLength));
  };

  return {
    add(start, duration) {
      const { amount, unit } = duration;
      // An endless amount would walk the calendar forever; a negative one has no meaning here.
      if (!Number.isFinite(amount) || amount < 0) {
        throw new RangeError(`cannot add "${duration.text}": the amount must be a finite number ≥ 0`);
      }
      const t = start.getTime();
      switch (unit) {
        case 'second':
        case 'minute':
        case 'hour':
          return new Date(addWorkingMs(t, Math.round(amount * WORKING_UNIT_MS[unit])));
        case 'day':
        case 'week': {
          const days = unit === 'week' ? amount * 7 : amount;
          return new Date(nextWorkingMoment(DateTime.fromMillis(t, { zone }).plus({ days }).toMillis()));
        }
        case 'workday':
          return new Date(addWorkdays(t, amount));
      }
    },

    workingMsBetween(from, to) {
      const end = to.getTime();
      let total = 0;
      for (const span of spansFrom(from.getTime())) {
        if (span.start >= end) break;
        total += Math.min(span.end, end) - span.start;
      }
      return total;
    },
  };
}

/** Local wall-clock time on `day`; luxon moves a time inside a DST gap forward. */
function atMinute(day: DateTime, minute: number): number {
  return day
    .plus({ days: Math.floor(minute / 1440) })
    .set({ hour: Math.floor(minute / 60) % 24, minute: minute % 60 })
    .toMillis();
}

const HH_MM = /^(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$/;

function toMinute(text: string, where: string): number {
  const match = HH_MM.exec(text);
  if (!match) throw new Error(`working hours ${where}: "${text}" is not a time; write HH:mm, e.g. 08:00 or 24:00`);
  return Number(match[1] ?? match[3]) * 60 + Number(match[2] ?? match[4]);
}

/** Validates the hours table into minute spans indexed by ISO weekday (index 0 unused). */
function parseSchedule(hours: WorkingHours): ReadonlyArray<readonly MinuteSpan[]> {
  const schedule: MinuteSpan[][] = [[], [], [], [], [], [], [], []];
  for (const [key, list] of Object.entries(hours) as [string, readonly OfficeHours[] | undefined][]) {
    const weekday = Number(key);
    if (!Number.isInteger(weekday) || weekday < 1 || weekday > 7) {
      throw new Error(`working hours: "${key}" is not an ISO weekday (1 = Monday … 7 = Sunday)`);
    }
    const where = `for weekday ${weekday}`;
    const spans = (list ?? [])
      .map((h) => ({ start: toMinute(h.start, where), end: toMinute(h.end, where) }))
      .sort((a, b) => a.start - b.start);
    spans.forEach((span, i) => {
      if (span.start >= span.end) throw new Error(`working hours ${where}: a stretch must end after it starts`);
      const previous = spans[i - 1];
      if (previous && previous.end > span.start) throw new Error(`working hours ${where}: stretches overlap`);
    });
    schedule[weekday] = spans;
  }
  // Without any office time no deadline could ever be reached, and every walk would run forever.
  if (schedule.every((spans) => spans.length === 0)) {
    throw new Error('working hours have no working time on any weekday');
  }
  return schedule;
}
