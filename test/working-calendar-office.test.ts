import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { type Duration, parseDuration } from '../src/sop/duration.js';
import { DEFAULT_HOLIDAYS_FILE, isConfirmedYear, loadHolidays } from '../src/sop/holidays.js';
import {
  createWorkingCalendar,
  DEFAULT_WORKING_HOURS,
  type HoursPeriod,
  type OfficeHours,
  TIME_ZONES,
  type WorkingHours,
} from '../src/sop/working-calendar.js';

const holidays = loadHolidays(DEFAULT_HOLIDAYS_FILE);
const holidayDates = new Set(holidays.map((h) => h.date));
const HOUR = 3_600_000;

function d(text: string): Duration {
  const parsed = parseDuration(text);
  if (!parsed) throw new Error(`test duration "${text}" does not parse`);
  return parsed;
}

const wib = (local: string) => new Date(`${local.replace(' ', 'T')}:00+07:00`);

const ishoma: readonly OfficeHours[] = [
  { start: '08:00', end: '12:00' },
  { start: '13:00', end: '16:00' },
];
/** Friday's longer break for the Friday prayer. */
const friday: readonly OfficeHours[] = [
  { start: '07:30', end: '11:30' },
  { start: '13:00', end: '16:30' },
];
const WITH_ISHOMA: WorkingHours = { 1: ishoma, 2: ishoma, 3: ishoma, 4: ishoma, 5: ishoma };
const WITH_FRIDAY: WorkingHours = { ...WITH_ISHOMA, 5: friday };
/** Jam kerja Ramadan 1447 H (18 Feb – 19 Mar 2026): shorter days, one window. */
const RAMADAN: HoursPeriod = {
  from: '2026-02-18',
  to: '2026-03-19',
  name: 'Ramadan 1447 H',
  hours: {
    1: [{ start: '08:00', end: '15:00' }],
    2: [{ start: '08:00', end: '15:00' }],
    3: [{ start: '08:00', end: '15:00' }],
    4: [{ start: '08:00', end: '15:00' }],
    5: [{ start: '08:00', end: '15:30' }],
  },
};

const zones = fc.constantFrom(TIME_ZONES.WIB, TIME_ZONES.WITA, TIME_ZONES.WIT);
/** Any minute from 1 January 2025 to the end of 2027, UTC. */
const starts = fc
  .integer({ min: Date.UTC(2025, 0, 1) / 60_000, max: Date.UTC(2027, 11, 31) / 60_000 })
  .map((minute) => new Date(minute * 60_000));

const toMinute = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

/** The oracle, from luxon and the lists directly: is this instant inside the unit's office hours? */
function insideOfficeHours(at: Date, zone: string, hours: WorkingHours, periods: readonly HoursPeriod[] = []): boolean {
  const local = DateTime.fromJSDate(at, { zone });
  const date = local.toISODate() ?? '';
  if (holidayDates.has(date)) return false;
  const table = periods.find((p) => p.from <= date && date <= p.to)?.hours ?? hours;
  const minute = local.hour * 60 + local.minute + local.second / 60;
  return (table[local.weekday as 1] ?? []).some((w) => toMinute(w.start) <= minute && minute <= toMinute(w.end));
}

function isWorkingDate(local: DateTime, hours: WorkingHours, periods: readonly HoursPeriod[] = []): boolean {
  const date = local.toISODate() ?? '';
  const table = periods.find((p) => p.from <= date && date <= p.to)?.hours ?? hours;
  return !holidayDates.has(date) && (table[local.weekday as 1]?.length ?? 0) > 0;
}

describe('hari kerja keep the time of day', () => {
  const calendar = createWorkingCalendar({ timeZone: 'WIB', hours: DEFAULT_WORKING_HOURS, holidays });

  it('makes Friday 15:00 + 1 hari kerja Monday 15:00, eight working hours later', () => {
    const due = calendar.add(wib('2026-07-10 15:00'), d('1 hari kerja'));
    expect(due).toEqual(wib('2026-07-13 15:00'));
    expect(calendar.workingMsBetween(wib('2026-07-10 15:00'), due)).toBe(8 * HOUR);
  });

  it('counts from the end of the lunch break when started inside it', () => {
    const lunch = createWorkingCalendar({ timeZone: 'WIB', hours: WITH_ISHOMA, holidays });
    expect(lunch.add(wib('2026-07-08 12:20'), d('1 hari'))).toEqual(wib('2026-07-09 13:00'));
    expect(lunch.add(wib('2026-07-08 12:20'), d('30 menit'))).toEqual(wib('2026-07-08 13:30'));
  });

  it('lands a deadline in Friday’s longer break on the afternoon’s opening', () => {
    const office = createWorkingCalendar({ timeZone: 'WIB', hours: WITH_FRIDAY, holidays });
    expect(office.add(wib('2026-07-09 11:45'), d('1 hari'))).toEqual(wib('2026-07-10 13:00'));
  });
});

describe('a case pinned to an SOP version from before hari meant hari kerja', () => {
  it('keeps counting its stored calendar-day waktu as calendar days', () => {
    const calendar = createWorkingCalendar({ timeZone: 'WIB', hours: DEFAULT_WORKING_HOURS, holidays });
    const stored: Duration = { amount: 3, unit: 'day', text: '3 hari' };
    expect(calendar.add(wib('2026-07-08 10:00'), stored)).toEqual(wib('2026-07-13 08:00'));
    expect(calendar.add(wib('2026-07-08 10:00'), d('3 hari'))).toEqual(wib('2026-07-13 10:00'));
  });
});

describe('a date range with its own hours (jam kerja Ramadan)', () => {
  const calendar = createWorkingCalendar({ timeZone: 'WIB', hours: WITH_FRIDAY, holidays, periods: [RAMADAN] });

  it('closes at 15:00 inside the range and keeps the usual hours outside it', () => {
    expect(calendar.add(wib('2026-03-03 14:30'), d('1 jam'))).toEqual(wib('2026-03-04 08:30'));
    expect(calendar.add(wib('2026-04-07 14:30'), d('1 jam'))).toEqual(wib('2026-04-07 15:30'));
    expect(calendar.workingMsBetween(wib('2026-03-02 00:00'), wib('2026-03-03 00:00'))).toBe(7 * HOUR);
  });

  it('keeps a hari kerja deadline that starts after the Ramadan closing time on its landing day', () => {
    // Friday 13 Feb closes at 16:30; 16 and 17 Feb are Imlek; Wednesday 18 Feb opens the range and closes at 15:00.
    expect(calendar.add(wib('2026-02-13 16:00'), d('1 hari'))).toEqual(wib('2026-02-18 15:00'));
  });

  it('refuses a range that ends before it starts, or overlaps another', () => {
    const make = (periods: HoursPeriod[]) => () =>
      createWorkingCalendar({ timeZone: 'WIB', hours: DEFAULT_WORKING_HOURS, holidays: [], periods });
    expect(make([{ ...RAMADAN, from: '2026-03-19', to: '2026-02-18' }])).toThrow(
      /hours of "Ramadan 1447 H": 2026-02-18 is before 2026-03-19/,
    );
    expect(make([RAMADAN, { ...RAMADAN, name: 'Lain', from: '2026-03-10', to: '2026-03-30' }])).toThrow(/overlap/);
    expect(make([{ ...RAMADAN, hours: { 2: [{ start: '13:00', end: '08:00' }] } }])).toThrow(
      /hours of "Ramadan 1447 H" for weekday 2: a window must end after it starts/,
    );
  });
});

describe('a unit’s own days off', () => {
  it('closes a local holiday and opens a cuti bersama the unit works', () => {
    const calendar = createWorkingCalendar({
      timeZone: 'WIB',
      hours: DEFAULT_WORKING_HOURS,
      holidays,
      daysOff: [
        { date: '2026-07-13', off: true, reason: 'Hari jadi kota' },
        { date: '2026-08-17', off: false, reason: 'Piket upacara' },
      ],
    });
    expect(calendar.add(wib('2026-07-10 15:00'), d('1 hari'))).toEqual(wib('2026-07-14 15:00'));
    expect(calendar.add(wib('2026-08-14 10:00'), d('1 hari'))).toEqual(wib('2026-08-17 10:00'));
  });
});

describe('estimated holiday years', () => {
  const calendar = createWorkingCalendar({ timeZone: 'WIB', hours: DEFAULT_WORKING_HOURS, holidays });

  it('marks a deadline over 2027 (date-holidays, no SKB yet) or past the list, not one inside 2026', () => {
    expect(calendar.estimatedBetween(wib('2026-07-01 08:00'), wib('2026-07-20 08:00'))).toBe(false);
    expect(calendar.estimatedBetween(wib('2026-12-28 08:00'), wib('2027-01-06 08:00'))).toBe(true);
    expect(calendar.estimatedBetween(wib('2028-03-01 08:00'), wib('2028-03-02 08:00'))).toBe(true);
    expect(isConfirmedYear(holidays, 2026)).toBe(true);
    expect(isConfirmedYear(holidays, 2027)).toBe(false);
    expect(isConfirmedYear(holidays, 2028)).toBe(false);
  });
});

describe('properties over 2025–2027 in WIB, WITA and WIT', () => {
  it('N hari kerja later is exactly N working days of working time, with a split day', () => {
    fc.assert(
      fc.property(starts, zones, fc.integer({ min: 0, max: 30 }), (start, zone, n) => {
        const calendar = createWorkingCalendar({ timeZone: zone, hours: WITH_ISHOMA, holidays });
        const due = calendar.add(start, d(`${n} hari`));
        expect(calendar.workingMsBetween(start, due)).toBe(n * 7 * HOUR);
        expect(insideOfficeHours(due, zone, WITH_ISHOMA)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('N hari kerja land on the Nth working day after the start’s, inside office hours, whatever the day’s shape', () => {
    fc.assert(
      fc.property(starts, zones, fc.integer({ min: 0, max: 25 }), (start, zone, n) => {
        const calendar = createWorkingCalendar({ timeZone: zone, hours: WITH_FRIDAY, holidays, periods: [RAMADAN] });
        const due = calendar.add(start, d(`${n} hari kerja`));
        expect(insideOfficeHours(due, zone, WITH_FRIDAY, [RAMADAN])).toBe(true);
        const opening = calendar.add(start, d('0 hari'));
        let day = DateTime.fromJSDate(opening, { zone }).startOf('day');
        const last = DateTime.fromJSDate(due, { zone }).startOf('day');
        let counted = 0;
        while (day < last) {
          day = day.plus({ days: 1 });
          if (isWorkingDate(day, WITH_FRIDAY, [RAMADAN])) counted++;
        }
        expect(counted).toBe(n);
      }),
      { numRuns: 300 },
    );
  });

  it('adding working hours and measuring them back agree, and never end outside office hours', () => {
    fc.assert(
      fc.property(starts, zones, fc.integer({ min: 1, max: 60 * 40 }), (start, zone, minutes) => {
        const calendar = createWorkingCalendar({ timeZone: zone, hours: WITH_FRIDAY, holidays, periods: [RAMADAN] });
        const due = calendar.add(start, d(`${minutes} menit`));
        expect(calendar.workingMsBetween(start, due)).toBe(minutes * 60_000);
        expect(insideOfficeHours(due, zone, WITH_FRIDAY, [RAMADAN])).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});
