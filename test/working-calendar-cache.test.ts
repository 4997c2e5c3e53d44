import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { type Duration, parseDuration } from '../src/sop/duration.js';
import { DEFAULT_HOLIDAYS_FILE, loadHolidays } from '../src/sop/holidays.js';
import {
  createWorkingCalendar,
  type HoursPeriod,
  type OfficeHours,
  TIME_ZONES,
  type UnitDayOff,
  type WorkingCalendarOptions,
  type WorkingHours,
} from '../src/sop/working-calendar.js';

// The working calendar keeps each local day's windows once worked out, so a deadline costs a few
// array reads per day. These properties hold it to the same answers as a computation that works
// every day out again from luxon and the lists, with nothing kept between calls.

const holidays = loadHolidays(DEFAULT_HOLIDAYS_FILE);

const ishoma: readonly OfficeHours[] = [
  { start: '08:00', end: '12:00' },
  { start: '13:00', end: '16:00' },
];
const friday: readonly OfficeHours[] = [
  { start: '07:30', end: '11:30' },
  { start: '13:00', end: '16:30' },
];
const HOURS: WorkingHours = {
  1: ishoma,
  2: ishoma,
  3: ishoma,
  4: ishoma,
  5: friday,
  6: [{ start: '08:00', end: '12:00' }],
};
/** Jam kerja khusus: Ramadan 1447 H, and a week of round-the-clock service. */
const PERIODS: readonly HoursPeriod[] = [
  {
    from: '2026-02-18',
    to: '2026-03-19',
    name: 'Ramadan 1447 H',
    hours: {
      1: [{ start: '08:00', end: '15:00' }],
      2: [{ start: '08:00', end: '15:00' }],
      5: [{ start: '08:00', end: '15:30' }],
    },
  },
  {
    from: '2026-08-10',
    to: '2026-08-16',
    name: 'layanan 24 jam',
    hours: { 1: [{ start: '00:00', end: '24:00' }], 6: [{ start: '00:00', end: '24:00' }] },
  },
];
const DAYS_OFF: readonly UnitDayOff[] = [
  { date: '2026-06-15', off: true, reason: 'hari jadi kabupaten' },
  { date: '2026-12-24', off: false, reason: 'kantor tetap buka pada cuti bersama' },
];

/** One day's windows as epoch ms pairs, worked out from scratch. */
function windowsOn(opts: WorkingCalendarOptions, day: DateTime): Array<[number, number]> {
  const iso = day.toISODate() ?? '';
  const change = opts.daysOff?.find((c) => c.date === iso);
  const closed = change ? change.off : opts.holidays.some((h) => h.date === iso);
  if (closed) return [];
  const period = opts.periods?.find((p) => p.from <= iso && iso <= p.to);
  const hours = (period?.hours ?? opts.hours)[day.weekday as 1 | 2 | 3 | 4 | 5 | 6 | 7] ?? [];
  const at = (hhmm: string) =>
    hhmm === '24:00'
      ? day.plus({ days: 1 }).toMillis()
      : day.set({ hour: Number(hhmm.slice(0, 2)), minute: Number(hhmm.slice(3)) }).toMillis();
  return hours.map((w) => [at(w.start), at(w.end)] as [number, number]);
}

/** The uncached computation: the calendar's rules, every local day worked out again with luxon. */
function uncached(opts: WorkingCalendarOptions) {
  const zone = opts.timeZone;
  const dayOf = (t: number) => DateTime.fromMillis(t, { zone }).startOf('day');
  const work = (day: DateTime) => windowsOn(opts, day).reduce((sum, [s, e]) => sum + e - s, 0);

  const nextWorkingMoment = (t: number): number => {
    for (let day = dayOf(t); ; day = day.plus({ days: 1 })) {
      for (const [s, e] of windowsOn(opts, day)) if (e >= t) return Math.max(s, t);
    }
  };
  const addWorkingMs = (t: number, ms: number): number => {
    if (ms <= 0) return t;
    let left = ms;
    for (let day = dayOf(t); ; day = day.plus({ days: 1 })) {
      for (const [s, e] of windowsOn(opts, day)) {
        if (e < t) continue;
        const start = Math.max(s, t);
        if (left <= e - start) return start + left;
        left -= e - start;
      }
    }
  };
  const workingMsBetween = (from: number, to: number): number => {
    let total = 0;
    for (let day = dayOf(from); day.toMillis() < to; day = day.plus({ days: 1 })) {
      for (const [s, e] of windowsOn(opts, day)) total += Math.max(0, Math.min(e, to) - Math.max(s, from));
    }
    return total;
  };
  const addWorkdays = (t: number, amount: number): number => {
    const from = nextWorkingMoment(t);
    let day = dayOf(from);
    const timeOfDay = from - day.toMillis();
    for (let counted = 0; counted < Math.floor(amount); ) {
      day = day.plus({ days: 1 });
      if (work(day) > 0) counted++;
    }
    const wanted = day.toMillis() + timeOfDay;
    const windows = windowsOn(opts, day);
    const hit = windows.find(([, e]) => e >= wanted);
    const landed = hit ? Math.max(hit[0], wanted) : (windows.at(-1)?.[1] ?? wanted);
    return addWorkingMs(landed, Math.round((amount % 1) * work(day)));
  };
  return {
    add(t: number, d: Duration): number {
      switch (d.unit) {
        case 'second':
          return addWorkingMs(t, Math.round(d.amount * 1_000));
        case 'minute':
          return addWorkingMs(t, Math.round(d.amount * 60_000));
        case 'hour':
          return addWorkingMs(t, Math.round(d.amount * 3_600_000));
        case 'workday':
          return addWorkdays(t, d.amount);
        case 'workweek':
          return addWorkdays(t, d.amount * 5);
        case 'day':
          return nextWorkingMoment(DateTime.fromMillis(t, { zone }).plus({ days: d.amount }).toMillis());
        case 'week':
          return nextWorkingMoment(
            DateTime.fromMillis(t, { zone })
              .plus({ days: d.amount * 7 })
              .toMillis(),
          );
      }
    },
    addWorkingMs,
    workingMsBetween,
  };
}

const DURATIONS = [
  '30 menit',
  '4 jam',
  '1 hari kerja',
  '3 hari',
  '14 hari kerja',
  '0,5 hari kerja',
  '2 minggu',
  '3 hari kalender',
  '1 minggu kalender',
].map((text) => {
  const parsed = parseDuration(text);
  if (!parsed) throw new Error(`test duration "${text}" does not parse`);
  return parsed;
});

/** Any minute of 2026, local to none of the zones, so instants fall at every hour of the day. */
const instants = fc
  .integer({ min: Date.UTC(2026, 0, 1) / 60_000, max: Date.UTC(2026, 11, 31) / 60_000 })
  .map((m) => m * 60_000);

describe.each(Object.entries(TIME_ZONES))(
  'the cached calendar in %s answers as the uncached computation',
  (_, zone) => {
    const opts: WorkingCalendarOptions = {
      timeZone: zone,
      hours: HOURS,
      holidays,
      periods: PERIODS,
      daysOff: DAYS_OFF,
    };
    // One calendar for every run, so its cache fills in random order over the year, as in a service.
    const cached = createWorkingCalendar(opts);
    const reference = uncached(opts);

    it('for deadlines of every unit from random instants of 2026', () => {
      fc.assert(
        fc.property(instants, fc.constantFrom(...DURATIONS), (t, duration) => {
          expect(cached.add(new Date(t), duration).getTime()).toBe(reference.add(t, duration));
        }),
        { numRuns: 600 },
      );
    });

    it('for working time added to and measured between random instants of 2026', () => {
      fc.assert(
        fc.property(
          instants,
          fc.integer({ min: 0, max: 60 * 24 * 40 }),
          fc.integer({ min: 0, max: 60 * 60 * 24 * 30 }),
          (from, minutes, seconds) => {
            const to = from + minutes * 60_000;
            expect(cached.workingMsBetween(new Date(from), new Date(to))).toBe(reference.workingMsBetween(from, to));
            expect(cached.addWorkingMs(new Date(from), seconds * 1000).getTime()).toBe(
              reference.addWorkingMs(from, seconds * 1000),
            );
          },
        ),
        { numRuns: 400 },
      );
    });

    it('on the days the lists change: holidays, the unit’s own days off and the jam kerja khusus', () => {
      const local = (iso: string, hhmm: string) => DateTime.fromISO(`${iso}T${hhmm}`, { zone }).toMillis();
      const days = [
        '2026-03-18',
        '2026-03-19',
        '2026-03-20',
        '2026-06-15',
        '2026-08-10',
        '2026-08-15',
        '2026-08-17',
        '2026-12-24',
        '2026-12-25',
      ];
      for (const iso of days) {
        for (const hhmm of ['00:00', '07:59', '08:00', '12:30', '15:00', '15:59', '16:00', '23:59']) {
          const t = local(iso, hhmm);
          for (const duration of DURATIONS) {
            expect(cached.add(new Date(t), duration).getTime(), `${iso} ${hhmm} + ${duration.text}`).toBe(
              reference.add(t, duration),
            );
          }
        }
      }
    });
  },
);
