import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Duration, parseDuration } from '../src/sop/duration.js';
import { HolidaysFileError } from '../src/sop/errors.js';
import { DEFAULT_HOLIDAYS_FILE, loadHolidays } from '../src/sop/holidays.js';
import {
  ALWAYS_WORKING,
  createWorkingCalendar,
  DEFAULT_WORKING_HOURS,
  TIME_ZONES,
  type WorkingHours,
  zoneOf,
} from '../src/sop/working-calendar.js';

const holidays = loadHolidays(DEFAULT_HOLIDAYS_FILE);
const wibCalendar = createWorkingCalendar({ timeZone: 'Asia/Jakarta', hours: DEFAULT_WORKING_HOURS, holidays });

function d(text: string): Duration {
  const parsed = parseDuration(text);
  if (!parsed) throw new Error(`test duration "${text}" does not parse`);
  return parsed;
}

/** A local time in WIB (UTC+7), e.g. wib('2026-07-08 09:00'). */
const wib = (local: string) => new Date(`${local.replace(' ', 'T')}:00+07:00`);
const HOUR = 3_600_000;

// Weekdays checked with `date -d`: 2026-07-08 is a Wednesday, 2026-08-14 a Friday, 2026-08-17 a
// Monday, 2026-12-31 a Thursday, 2027-01-04 a Monday, 2025-03-27 a Thursday, 2025-04-08 a Tuesday.

describe('minutes and hours count office time only', () => {
  it('adds minutes and hours within one working day', () => {
    expect(wibCalendar.add(wib('2026-07-08 09:00'), d('10 menit'))).toEqual(wib('2026-07-08 09:10'));
    expect(wibCalendar.add(wib('2026-07-08 09:00'), d('2.5 jam'))).toEqual(wib('2026-07-08 11:30'));
  });

  it('carries what is left at closing time over to the next working morning', () => {
    expect(wibCalendar.add(wib('2026-07-08 15:30'), d('1 jam'))).toEqual(wib('2026-07-09 08:30'));
  });

  it('keeps a deadline that falls exactly at closing time on that day', () => {
    expect(wibCalendar.add(wib('2026-07-08 15:00'), d('1 jam'))).toEqual(wib('2026-07-08 16:00'));
  });

  it('starts counting at opening time when started before office hours', () => {
    expect(wibCalendar.add(wib('2026-07-08 06:00'), d('1 jam'))).toEqual(wib('2026-07-08 09:00'));
  });

  it('carries a Friday afternoon over the weekend to Monday', () => {
    expect(wibCalendar.add(wib('2026-07-10 15:00'), d('2 jam'))).toEqual(wib('2026-07-13 09:00'));
  });

  it('starts counting on Monday morning when started on a Saturday', () => {
    expect(wibCalendar.add(wib('2026-07-11 10:00'), d('30 menit'))).toEqual(wib('2026-07-13 08:30'));
  });

  it('leaves the start unchanged for a zero duration, even outside office hours', () => {
    expect(wibCalendar.add(wib('2026-07-11 10:00'), d('0 menit'))).toEqual(wib('2026-07-11 10:00'));
  });

  it('skips a lunch break when the office hours have one', () => {
    const lunch = [
      { start: '08:00', end: '12:00' },
      { start: '13:00', end: '16:00' },
    ];
    const hours: WorkingHours = { 1: lunch, 2: lunch, 3: lunch, 4: lunch, 5: lunch };
    const calendar = createWorkingCalendar({ timeZone: 'Asia/Jakarta', hours, holidays: [] });
    expect(calendar.add(wib('2026-07-08 11:30'), d('1 jam'))).toEqual(wib('2026-07-08 13:30'));
    expect(calendar.workingMsBetween(wib('2026-07-08 11:00'), wib('2026-07-08 14:00'))).toBe(2 * HOUR);
  });
});

describe('national holidays and cuti bersama are not working time', () => {
  it('skips a national holiday (17 Agustus 2026, a Monday)', () => {
    expect(wibCalendar.add(wib('2026-08-14 15:00'), d('2 jam'))).toEqual(wib('2026-08-18 09:00'));
    expect(wibCalendar.add(wib('2026-08-14 10:00'), d('1 hari kerja'))).toEqual(wib('2026-08-18 10:00'));
  });

  it('skips the Idul Fitri 2025 cuti bersama from 28 March to 7 April', () => {
    // Fri 28 Mar cuti, Sat 29 Nyepi, Mon 31 and Tue 1 Apr Idul Fitri, 2–4 and 7 Apr cuti bersama.
    expect(wibCalendar.add(wib('2025-03-27 14:00'), d('1 hari kerja'))).toEqual(wib('2025-04-08 14:00'));
  });

  it('skips the Nyepi and Idul Fitri 2026 cuti bersama on 18, 20, 23 and 24 March', () => {
    expect(wibCalendar.add(wib('2026-03-17 15:00'), d('2 jam'))).toEqual(wib('2026-03-25 09:00'));
  });

  it('crosses the year boundary past 1 January and the weekend', () => {
    expect(wibCalendar.add(wib('2026-12-31 10:00'), d('1 hari kerja'))).toEqual(wib('2027-01-04 10:00'));
  });

  it('counts 14 hari kerja past a holiday without walking minute by minute', () => {
    // 4–7 Aug (4), 10–14 (9), 17 Aug off, 18–21 (13), 24 Aug (14).
    expect(wibCalendar.add(wib('2026-08-03 09:00'), d('14 hari kerja'))).toEqual(wib('2026-08-24 09:00'));
  });
});

describe('hari kalender counts calendar days, hari and hari kerja count working days', () => {
  it('lands on the same time three calendar days later when that is working time', () => {
    expect(wibCalendar.add(wib('2026-07-10 10:00'), d('3 hari kalender'))).toEqual(wib('2026-07-13 10:00'));
  });

  it('moves a calendar-day deadline that lands on a weekend to the next opening time', () => {
    expect(wibCalendar.add(wib('2026-07-08 10:00'), d('3 hari kalender'))).toEqual(wib('2026-07-13 08:00'));
  });

  it('moves a calendar-day deadline that lands on a holiday to the next opening time', () => {
    expect(wibCalendar.add(wib('2026-08-14 10:00'), d('3 hari kalender'))).toEqual(wib('2026-08-18 08:00'));
  });

  it('counts a minggu kalender as seven calendar days', () => {
    expect(wibCalendar.add(wib('2026-07-08 10:00'), d('1 minggu kalender'))).toEqual(wib('2026-07-15 10:00'));
  });

  it('counts a plain hari as a hari kerja', () => {
    expect(wibCalendar.add(wib('2026-07-10 10:00'), d('3 hari'))).toEqual(wib('2026-07-15 10:00'));
    expect(wibCalendar.add(wib('2026-08-14 10:00'), d('1 Hari'))).toEqual(wib('2026-08-18 10:00'));
  });

  it('counts a minggu as five hari kerja, past the 17 Agustus holiday', () => {
    expect(wibCalendar.add(wib('2026-07-08 10:00'), d('1 minggu'))).toEqual(wib('2026-07-15 10:00'));
    expect(wibCalendar.add(wib('2026-08-12 10:00'), d('1 minggu'))).toEqual(wib('2026-08-20 10:00'));
  });

  it('skips the weekend when counting hari kerja', () => {
    expect(wibCalendar.add(wib('2026-07-10 10:00'), d('3 hari kerja'))).toEqual(wib('2026-07-15 10:00'));
  });

  it('counts hari kerja from the next opening time when started after hours', () => {
    expect(wibCalendar.add(wib('2026-07-10 17:00'), d('1 hari kerja'))).toEqual(wib('2026-07-14 08:00'));
  });

  it('counts half a hari kerja as half of the landing day’s office time', () => {
    expect(wibCalendar.add(wib('2026-07-13 08:00'), d('1.5 hari kerja'))).toEqual(wib('2026-07-14 12:00'));
  });

  it('keeps a hari kerja deadline on its day when that day closes earlier', () => {
    const short = [{ start: '08:00', end: '11:30' }];
    const hours: WorkingHours = { ...DEFAULT_WORKING_HOURS, 5: short };
    const calendar = createWorkingCalendar({ timeZone: 'Asia/Jakarta', hours, holidays: [] });
    expect(calendar.add(wib('2026-07-09 15:00'), d('1 hari kerja'))).toEqual(wib('2026-07-10 11:30'));
  });
});

describe('each unit works in its own time zone', () => {
  const wita = createWorkingCalendar({ timeZone: 'WITA', hours: DEFAULT_WORKING_HOURS, holidays });
  const wit = createWorkingCalendar({ timeZone: TIME_ZONES.WIT, hours: DEFAULT_WORKING_HOURS, holidays });

  it('gives different due instants for the same start in WIB and WITA', () => {
    const start = new Date('2026-07-08T00:30:00Z'); // 07:30 WIB, 08:30 WITA
    expect(wita.add(start, d('1 jam'))).toEqual(new Date('2026-07-08T01:30:00Z'));
    expect(wibCalendar.add(start, d('1 jam'))).toEqual(new Date('2026-07-08T02:00:00Z'));
  });

  it('opens an Asia/Makassar office at 00:00 UTC and an Asia/Jayapura office at 23:00 UTC', () => {
    const from = new Date('2026-07-07T23:00:00Z');
    const to = new Date('2026-07-08T01:00:00Z');
    expect(wit.workingMsBetween(from, to)).toBe(2 * HOUR);
    expect(wita.workingMsBetween(from, to)).toBe(1 * HOUR);
    expect(wibCalendar.workingMsBetween(from, to)).toBe(0);
  });

  it('closes a WITA office at 16:00 WITA, which is 08:00 UTC', () => {
    expect(wita.add(new Date('2026-07-08T07:30:00Z'), d('1 jam'))).toEqual(new Date('2026-07-09T00:30:00Z'));
  });

  it('names the zones by their Indonesian abbreviations or IANA names', () => {
    expect(zoneOf('WIB')).toBe('Asia/Jakarta');
    expect(zoneOf('wita')).toBe('Asia/Makassar');
    expect(zoneOf('WIT')).toBe('Asia/Jayapura');
    expect(zoneOf('Asia/Pontianak')).toBe('Asia/Pontianak');
    expect(() => zoneOf('Asia/Atlantis')).toThrow(/unknown time zone "Asia\/Atlantis"/);
  });
});

describe('working time between two moments', () => {
  it('counts only office time on either side of a weekend', () => {
    expect(wibCalendar.workingMsBetween(wib('2026-07-10 15:00'), wib('2026-07-13 09:00'))).toBe(2 * HOUR);
  });

  it('counts only office time on either side of a holiday', () => {
    expect(wibCalendar.workingMsBetween(wib('2026-08-14 15:00'), wib('2026-08-18 09:00'))).toBe(2 * HOUR);
  });

  it('counts four eight-hour days in the week of 17 Agustus 2026', () => {
    expect(wibCalendar.workingMsBetween(wib('2026-08-17 00:00'), wib('2026-08-24 00:00'))).toBe(32 * HOUR);
  });

  it('is zero when the end is not after the start', () => {
    expect(wibCalendar.workingMsBetween(wib('2026-07-08 12:00'), wib('2026-07-08 10:00'))).toBe(0);
  });

  it('agrees with add for working-time durations', () => {
    for (const start of [wib('2026-07-10 15:00'), wib('2026-03-17 15:59'), wib('2026-12-31 12:00')]) {
      const due = wibCalendar.add(start, d('7 jam'));
      expect(wibCalendar.workingMsBetween(start, due)).toBe(7 * HOUR);
    }
  });
});

describe('ALWAYS_WORKING', () => {
  it('makes 5 detik exactly five seconds later, across midnight', () => {
    const calendar = createWorkingCalendar({ timeZone: 'Asia/Jakarta', hours: ALWAYS_WORKING, holidays: [] });
    const start = new Date('2026-08-16T16:59:58Z');
    expect(calendar.add(start, d('5 detik')).getTime() - start.getTime()).toBe(5_000);
  });

  it('still skips the holidays it is given', () => {
    const calendar = createWorkingCalendar({ timeZone: 'Asia/Jakarta', hours: ALWAYS_WORKING, holidays });
    expect(calendar.add(wib('2026-08-16 23:59'), d('2 menit'))).toEqual(wib('2026-08-18 00:01'));
  });
});

describe('creating a calendar', () => {
  it('refuses office hours with no working time at all', () => {
    expect(() => createWorkingCalendar({ timeZone: 'Asia/Jakarta', hours: {}, holidays: [] })).toThrow(
      /no working time on any weekday/,
    );
  });

  it('refuses malformed, reversed or overlapping office hours', () => {
    const make = (hours: WorkingHours) => () => createWorkingCalendar({ timeZone: 'WIB', hours, holidays: [] });
    expect(make({ 1: [{ start: '8:00', end: '16:00' }] })).toThrow(/weekday 1: "8:00" is not a time/);
    expect(make({ 2: [{ start: '16:00', end: '08:00' }] })).toThrow(/weekday 2: a window must end after it starts/);
    expect(
      make({
        3: [
          { start: '08:00', end: '12:00' },
          { start: '11:00', end: '16:00' },
        ],
      }),
    ).toThrow(/weekday 3: windows overlap/);
  });

  it('refuses an unknown time zone', () => {
    expect(() => createWorkingCalendar({ timeZone: 'Mars/Olympus', hours: ALWAYS_WORKING, holidays: [] })).toThrow(
      /unknown time zone/,
    );
  });

  it('refuses an endless duration instead of walking the calendar forever', () => {
    const endless: Duration = { amount: Number.POSITIVE_INFINITY, unit: 'workday', text: 'selamanya' };
    expect(() => wibCalendar.add(wib('2026-07-08 09:00'), endless)).toThrow(/"selamanya".*finite/);
  });
});

describe('the holidays file', () => {
  const year = (y: string) => holidays.filter((h) => h.date.startsWith(`${y}-`));

  it('ships entries for 2025, 2026 and 2027', () => {
    expect(year('2025')).toHaveLength(28);
    expect(year('2026')).toHaveLength(25);
    expect(year('2027')).toHaveLength(16);
  });

  it('has both libur nasional and cuti bersama for the years with an SKB', () => {
    for (const y of ['2025', '2026']) {
      expect(year(y).filter((h) => h.kind === 'libur-nasional').length).toBeGreaterThan(0);
      expect(year(y).filter((h) => h.kind === 'cuti-bersama').length).toBeGreaterThan(0);
    }
    expect(holidays.find((h) => h.date === '2026-08-17')?.kind).toBe('libur-nasional');
    expect(holidays.find((h) => h.date === '2025-04-02')?.kind).toBe('cuti-bersama');
    expect(holidays.find((h) => h.date === '2025-08-18')?.kind).toBe('cuti-bersama');
  });

  it('marks 2027 as an estimate to be replaced by its SKB', () => {
    expect(year('2027').every((h) => h.source === 'date-holidays (perkiraan, ganti dengan SKB 2027)')).toBe(true);
  });

  it('lists each day once, in date order', () => {
    const dates = holidays.map((h) => h.date);
    expect(new Set(dates).size).toBe(dates.length);
    expect([...dates].sort()).toEqual(dates);
  });

  it('refuses a malformed file, naming the file and the entry', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'siput-holidays-')), 'bad.yaml');
    writeFileSync(
      file,
      [
        '- { date: 2026-08-17, kind: libur-nasional, name: "Proklamasi Kemerdekaan", source: "SKB" }',
        '- { date: 2026-08-18, kind: libur, name: "Cuti", source: "SKB" }',
        '- { date: 2026-02-30, kind: cuti-bersama, name: "Tidak ada", source: "SKB" }',
      ].join('\n'),
    );
    expect(() => loadHolidays(file)).toThrow(HolidaysFileError);
    let message = '';
    try {
      loadHolidays(file);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain(`${file}: [1] (2026-08-18).kind:`);
    expect(message).toContain(`${file}: [2] (2026-02-30).date: write the date as YYYY-MM-DD`);
  });

  it('refuses two entries for the same day', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'siput-holidays-')), 'twice.yaml');
    writeFileSync(
      file,
      [
        '- { date: 2026-08-17, kind: libur-nasional, name: "Proklamasi Kemerdekaan", source: "SKB" }',
        '- { date: 2026-08-17, kind: cuti-bersama, name: "Lagi", source: "SKB" }',
      ].join('\n'),
    );
    expect(() => loadHolidays(file)).toThrow(`${file}: [1] (2026-08-17).date: 2026-08-17 is already listed at [0]`);
  });

  it('refuses a file that is not a list or not YAML', () => {
    const dir = mkdtempSync(join(tmpdir(), 'siput-holidays-'));
    const notList = join(dir, 'map.yaml');
    writeFileSync(notList, 'holidays: []\n');
    expect(() => loadHolidays(notList)).toThrow(/map\.yaml: \(root\) must be a list of entries/);
    const notYaml = join(dir, 'broken.yaml');
    writeFileSync(notYaml, '- { date: 2026-08-17\n');
    expect(() => loadHolidays(notYaml)).toThrow(/broken\.yaml: cannot be read as YAML/);
  });
});
