import { DateTime, IANAZone } from 'luxon';
import type { WorkingCalendar } from './calendar.js';
import { WORKDAYS_PER_WEEK } from './duration.js';
import { estimatedYears, type HolidayEntry } from './holidays.js';

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** One window of office time on a day, local "HH:mm"; `end` may be "24:00". */
export interface OfficeHours {
  readonly start: string;
  readonly end: string;
}

/** Office hours per weekday, each day one or more windows (ISHOMA splits a day); a weekday left out has none. */
export type WorkingHours = Readonly<Partial<Record<IsoWeekday, readonly OfficeHours[]>>>;

/** A date range with its own hours, e.g. jam kerja Ramadan set each year by the unit. */
export interface HoursPeriod {
  /** First and last local date, YYYY-MM-DD, both included. */
  readonly from: string;
  readonly to: string;
  readonly name: string;
  readonly hours: WorkingHours;
}

/** A unit's own change to the national list: a local day off, or a day the unit works after all. */
export interface UnitDayOff {
  /** Local date, YYYY-MM-DD. */
  readonly date: string;
  /** true: the unit is closed that day; false: it works although the national list says otherwise. */
  readonly off: boolean;
  readonly reason: string;
}

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

/**
 * IANA names found valid. Luxon's check builds an Intl.DateTimeFormat at every call, and every
 * message rendered checks its recipient's zone: in a burst of reminders that was a tenth of the
 * process's CPU. Only valid names are kept, so the set is bounded by the zone database.
 */
const validZones = new Set<string>();

/** The IANA zone for "WIB", "WITA", "WIT" (any case) or an IANA name; throws on anything else. */
export function zoneOf(name: string): string {
  const short = name.trim().toUpperCase();
  if (Object.hasOwn(TIME_ZONES, short)) return TIME_ZONES[short as keyof typeof TIME_ZONES];
  if (validZones.has(name)) return name;
  if (IANAZone.isValidZone(name)) {
    validZones.add(name);
    return name;
  }
  throw new Error(`unknown time zone "${name}": use WIB, WITA, WIT or an IANA name such as Asia/Jakarta`);
}

/** WIB, WITA or WIT for an IANA zone; the zone itself for any other. */
export function zoneLabel(zone: string): string {
  return Object.entries(TIME_ZONES).find(([, iana]) => iana === zone)?.[0] ?? zone;
}

export interface WorkingCalendarOptions {
  /** IANA zone (or WIB/WITA/WIT) in which office hours and holiday dates are read. */
  readonly timeZone: string;
  readonly hours: WorkingHours;
  readonly holidays: readonly HolidayEntry[];
  /** Date ranges with their own hours (jam kerja Ramadan); default none. */
  readonly periods?: readonly HoursPeriod[];
  /** The unit's own days off, and national days off it works; default none. */
  readonly daysOff?: readonly UnitDayOff[];
}

/** Minutes after local midnight. */
interface MinuteSpan {
  readonly start: number;
  readonly end: number;
}

/** One local day as the walks need it: its bounds and working windows in epoch ms. */
interface Day {
  readonly number: number;
  readonly start: number;
  readonly end: number;
  /** Working windows as [start, end, start, end, …], in order. */
  readonly spans: readonly number[];
  readonly work: number;
}

const DAY_MS = 86_400_000;
const GUESS_AT = Date.UTC(2026, 0, 1);
const WORKING_UNIT_MS = { second: 1_000, minute: 60_000, hour: 3_600_000 } as const;
/** A walk that finds no working time in this many days is a broken calendar, not a long wait. */
const MAX_WALK_DAYS = 50 * 366;
/** Cached days per calendar; about 27 years, far more than live deadlines ever span. */
const MAX_CACHED_DAYS = 10_000;

/**
 * The working calendar of one unit. Each local day's windows are worked out once (luxon is slow
 * next to the engine) and kept, so a deadline costs a few array reads per day it crosses; whole
 * days are skipped by their total, so "14 hari kerja" costs about twenty steps.
 */
export function createWorkingCalendar(opts: WorkingCalendarOptions): WorkingCalendar {
  const zone = zoneOf(opts.timeZone);
  const schedule = parseSchedule(opts.hours, 'working hours');
  const periods = parsePeriods(opts.periods ?? []);
  const closed = new Set(opts.holidays.map((h) => h.date));
  for (const change of opts.daysOff ?? []) {
    if (change.off) closed.add(change.date);
    else closed.delete(change.date);
  }
  const estimated = estimatedYears(opts.holidays);
  const firstListed = opts.holidays.reduce((min, h) => Math.min(min, Number(h.date.slice(0, 4))), Infinity);
  const lastListed = opts.holidays.reduce((max, h) => Math.max(max, Number(h.date.slice(0, 4))), -Infinity);
  // The zone's offset at one fixed moment, for a first guess of a moment's local day; the day's
  // bounds correct it where the offset has changed since.
  const guessOffset = IANAZone.create(zone).offset(GUESS_AT) * 60_000;
  const days = new Map<number, Day>();

  const buildDay = (n: number): Day => {
    const date = new Date(n * DAY_MS);
    const year = date.getUTCFullYear();
    const month = date.getUTCMonth() + 1;
    const dayOfMonth = date.getUTCDate();
    const iso = date.toISOString().slice(0, 10);
    const weekday = ((((n + 3) % 7) + 7) % 7) + 1;
    const midnight = DateTime.fromObject({ year, month, day: dayOfMonth }, { zone });
    const start = midnight.toMillis();
    const end = midnight.plus({ days: 1 }).toMillis();
    const windows = closed.has(iso)
      ? []
      : ((periods.find((p) => p.from <= iso && iso <= p.to)?.schedule ?? schedule)[weekday] ?? []);
    const spans: number[] = [];
    let work = 0;
    for (const w of windows) {
      const s = atMinute(midnight, w.start);
      const e = atMinute(midnight, w.end);
      spans.push(s, e);
      work += e - s;
    }
    return { number: n, start, end, spans, work };
  };

  const dayNumbered = (n: number): Day => {
    let day = days.get(n);
    if (!day) {
      if (days.size >= MAX_CACHED_DAYS) days.clear();
      day = buildDay(n);
      days.set(n, day);
    }
    return day;
  };

  const yearOf = (t: number) => new Date(dayAt(t).number * DAY_MS).getUTCFullYear();

  const dayAt = (t: number): Day => {
    let day = dayNumbered(Math.floor((t + guessOffset) / DAY_MS));
    while (t < day.start) day = dayNumbered(day.number - 1);
    while (t >= day.end) day = dayNumbered(day.number + 1);
    return day;
  };

  /**
   * The first working moment at or after `t`. A window ending exactly at `t` counts: closing time is
   * still inside office hours, so a deadline at 16:00 stays there.
   */
  const nextWorkingMoment = (t: number): number => {
    let day = dayAt(t);
    for (let walked = 0; walked < MAX_WALK_DAYS; walked++, day = dayNumbered(day.number + 1)) {
      const { spans } = day;
      for (let i = 0; i < spans.length; i += 2) {
        if ((spans[i + 1] as number) >= t) return Math.max(spans[i] as number, t);
      }
    }
    throw new Error('no working time found in fifty years: check the office hours and days off');
  };

  const addWorkingMs = (t: number, ms: number): number => {
    if (ms <= 0) return t;
    let left = ms;
    let day = dayAt(t);
    for (let walked = 0; walked < MAX_WALK_DAYS; walked++, day = dayNumbered(day.number + 1)) {
      if (day.start >= t && day.work < left) {
        left -= day.work;
        continue;
      }
      const { spans } = day;
      for (let i = 0; i < spans.length; i += 2) {
        const end = spans[i + 1] as number;
        if (end < t) continue;
        const start = Math.max(spans[i] as number, t);
        if (left <= end - start) return start + left;
        left -= end - start;
      }
    }
    throw new Error('no working time found in fifty years: check the office hours and days off');
  };

  const workingMsBetween = (from: number, to: number): number => {
    if (to <= from) return 0;
    let total = 0;
    for (let day = dayAt(from); day.start < to; day = dayNumbered(day.number + 1)) {
      if (day.start >= from && day.end <= to) {
        total += day.work;
        continue;
      }
      const { spans } = day;
      for (let i = 0; i < spans.length; i += 2) {
        const start = Math.max(spans[i] as number, from);
        const end = Math.min(spans[i + 1] as number, to);
        if (end > start) total += end - start;
      }
    }
    return total;
  };

  /**
   * The same local time of day on the Nth following working day: Friday 15:00 + 1 hari kerja is
   * Monday 15:00. A start outside office hours counts from the next opening. When the landing day's
   * hours differ and the time falls outside them, the deadline stays on that day: the next window's
   * start, or else its closing time. A fraction counts that share of the landing day's office time.
   */
  const addWorkdays = (t: number, amount: number): number => {
    const from = nextWorkingMoment(t);
    let day = dayAt(from);
    const timeOfDay = from - day.start;
    for (let counted = 0; counted < Math.floor(amount); ) {
      day = dayNumbered(day.number + 1);
      if (day.work > 0) counted++;
    }
    const wanted = day.start + timeOfDay;
    const { spans } = day;
    let landed = spans.at(-1) ?? wanted;
    for (let i = 0; i < spans.length; i += 2) {
      if ((spans[i + 1] as number) >= wanted) {
        landed = Math.max(spans[i] as number, wanted);
        break;
      }
    }
    return addWorkingMs(landed, Math.round((amount % 1) * day.work));
  };

  return {
    timeZone: zone,

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
        case 'workday':
          return new Date(addWorkdays(t, amount));
        case 'workweek':
          return new Date(addWorkdays(t, amount * WORKDAYS_PER_WEEK));
        case 'day':
        case 'week': {
          const calendarDays = unit === 'week' ? amount * 7 : amount;
          return new Date(nextWorkingMoment(DateTime.fromMillis(t, { zone }).plus({ days: calendarDays }).toMillis()));
        }
      }
    },

    addWorkingMs: (start, ms) => new Date(addWorkingMs(start.getTime(), ms)),

    workingMsBetween: (from, to) => workingMsBetween(from.getTime(), to.getTime()),

    estimatedBetween(from, to) {
      const first = yearOf(from.getTime());
      const last = yearOf(Math.max(from.getTime(), to.getTime()));
      for (let year = first; year <= last; year++) {
        if (estimated.has(year) || year < firstListed || year > lastListed) return true;
      }
      return false;
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
  if (!match) throw new Error(`${where}: "${text}" is not a time; write HH:mm, e.g. 08:00 or 24:00`);
  return Number(match[1] ?? match[3]) * 60 + Number(match[2] ?? match[4]);
}

/** Validates an hours table into minute spans indexed by ISO weekday (index 0 unused). */
function parseSchedule(hours: WorkingHours, what: string, mustWork = true): ReadonlyArray<readonly MinuteSpan[]> {
  const schedule: MinuteSpan[][] = [[], [], [], [], [], [], [], []];
  for (const [key, list] of Object.entries(hours) as [string, readonly OfficeHours[] | undefined][]) {
    const weekday = Number(key);
    if (!Number.isInteger(weekday) || weekday < 1 || weekday > 7) {
      throw new Error(`${what}: "${key}" is not an ISO weekday (1 = Monday … 7 = Sunday)`);
    }
    const where = `${what} for weekday ${weekday}`;
    const spans = (list ?? [])
      .map((h) => ({ start: toMinute(h.start, where), end: toMinute(h.end, where) }))
      .sort((a, b) => a.start - b.start);
    spans.forEach((span, i) => {
      if (span.start >= span.end) throw new Error(`${where}: a window must end after it starts`);
      const previous = spans[i - 1];
      if (previous && previous.end > span.start) throw new Error(`${where}: windows overlap`);
    });
    schedule[weekday] = spans;
  }
  // Without any office time no deadline could ever be reached, and every walk would run forever.
  if (mustWork && schedule.every((spans) => spans.length === 0)) {
    throw new Error(`${what} have no working time on any weekday`);
  }
  return schedule;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function parsePeriods(periods: readonly HoursPeriod[]) {
  const parsed = periods
    .map((p) => {
      const what = `hours of "${p.name}"`;
      if (
        !ISO_DATE.test(p.from) ||
        !ISO_DATE.test(p.to) ||
        !DateTime.fromISO(p.from).isValid ||
        !DateTime.fromISO(p.to).isValid
      ) {
        throw new Error(`${what}: write the dates as YYYY-MM-DD`);
      }
      if (p.to < p.from) throw new Error(`${what}: ${p.to} is before ${p.from}`);
      return { from: p.from, to: p.to, name: p.name, schedule: parseSchedule(p.hours, what, false) };
    })
    .sort((a, b) => a.from.localeCompare(b.from));
  parsed.forEach((p, i) => {
    const previous = parsed[i - 1];
    if (previous && previous.to >= p.from) {
      throw new Error(`hours of "${p.name}" (${p.from}–${p.to}) overlap those of "${previous.name}"`);
    }
  });
  return parsed;
}
