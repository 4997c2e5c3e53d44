import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { auditLog, stepInstances, units } from '../src/db/schema.js';
import { buildWeb } from '../src/web/server.js';
import { testApp, testConfig } from './support/app.js';
import { signIn } from './support/console.js';
import { freshDatabase } from './support/postgres.js';

/** Monday 2 February 2026, 15:00 WIB: no national holiday until Imlek on the 16th. */
const NOW = new Date('2026-02-02T08:00:00Z');
const config = testConfig({ CALENDAR_REFRESH_SECONDS: '1' });
let database: Database;
let consoleApp: App;
let other: App;
let web: FastifyInstance;
let session: { cookie: string; csrf: string };

beforeAll(async () => {
  database = await freshDatabase();
  consoleApp = await testApp(database, config, { now: () => NOW, workers: false });
  // The second process: its own cache of the unit's calendar, told nothing by the console.
  other = await testApp(database, config, { now: () => NOW, workers: false });
  web = await buildWeb(consoleApp);
  await web.ready();
  session = await signIn(consoleApp, web, 'jamkerja');
});

afterAll(async () => {
  await web?.close();
  await other?.close();
  await consoleApp?.close();
  await database?.close();
});

const post = (url: string, form: Record<string, string>) =>
  web.inject({ method: 'POST', url, headers: { cookie: session.cookie }, payload: { _csrf: session.csrf, ...form } });
const get = (url: string) => web.inject({ method: 'GET', url, headers: { cookie: session.cookie } });
const PERIODS = '/admin/people/units/ortala/hours-periods';

async function dueOfNewCase(app: App): Promise<Date | undefined> {
  const { caseId } = await app.cases.submit({ sopId: 'siput-sms', unitId: 'ortala', body: 'uji jam kerja' });
  const [step] = await database.db
    .select()
    .from(stepInstances)
    .where(eq(stepInstances.id, `${caseId}_1`));
  return step?.dueAt;
}

const ramadan = (over: Record<string, string> = {}) => ({
  name: 'Ramadan uji',
  from: '2026-02-02',
  to: '2026-02-13',
  day1: '08:00-14:00',
  day2: '08:00-14:00',
  day3: '08:00-14:00',
  day4: '08:00-14:00',
  day5: '08:00-14:30',
  day6: '',
  day7: '',
  ...over,
});

describe('a unit’s own office hours for a date range (jam kerja Ramadan), set in the console', () => {
  it('counts a new step’s deadline on those hours in another process, audited, and on the usual hours once removed', async () => {
    expect(await dueOfNewCase(other)).toEqual(new Date('2026-02-05T08:00:00Z')); // Thursday 15:00 WIB

    const res = await post(PERIODS, ramadan());
    expect(res.statusCode, res.body).toBe(303);
    await new Promise((r) => setTimeout(r, 1100));
    // Monday 15:00 is after the Ramadan day: counted from Tuesday 08:00, three hari kerja on.
    expect(await dueOfNewCase(other)).toEqual(new Date('2026-02-06T01:00:00Z'));

    const page = await get(PERIODS);
    expect(page.body).toContain('Ramadan uji');
    expect(page.body).toContain('Jumat 08:00-14:30');
    const [audited] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'unit.hours_period.add'), eq(auditLog.target, 'ortala')));
    expect(audited?.details).toMatchObject({ name: 'Ramadan uji', from: '2026-02-02', to: '2026-02-13' });

    expect((await post(`${PERIODS}/remove`, { from: '2026-02-02' })).statusCode).toBe(303);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await dueOfNewCase(other)).toEqual(new Date('2026-02-05T08:00:00Z'));
    const [unit] = await database.db.select().from(units).where(eq(units.id, 'ortala'));
    expect(unit?.hoursPeriods).toEqual([]);
  });

  it('refuses bad input with the reason: a window ending before it starts, overlapping windows, bad or reversed dates, an overlapping range, no hours at all', async () => {
    const refused = async (form: Record<string, string>, reason: string) => {
      const res = await post(PERIODS, form);
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(reason);
    };
    await refused(ramadan({ day1: '14:00-08:00' }), 'Jam kerja Senin tidak sah');
    await refused(ramadan({ day3: '08:00-12:00, 11:00-14:00' }), 'Jam kerja Rabu tidak sah');
    await refused(ramadan({ from: '2026-02-31' }), 'Tanggal tidak sah');
    await refused(ramadan({ from: '2026-02-13', to: '2026-02-02' }), 'Tanggal tidak sah');
    await refused(ramadan({ day1: '', day2: '', day3: '', day4: '', day5: '' }), 'sedikitnya satu hari');
    await refused(ramadan({ name: '' }), 'Nama wajib diisi');
    expect((await post(PERIODS, ramadan({ from: '2026-03-02', to: '2026-03-20' }))).statusCode).toBe(303);
    await refused(ramadan({ name: 'Lain', from: '2026-03-20', to: '2026-03-25' }), 'bertumpang tindih');
    expect((await post('/admin/people/units/nope/hours-periods', ramadan())).statusCode).toBe(404);
  });
});

describe('a unit’s escalation ceiling, set in the console', () => {
  const unitForm = (ceiling: string) => ({
    name: 'Bagian Ortala',
    zone: 'Asia/Jakarta',
    day1: '08:00-16:00',
    day2: '08:00-16:00',
    day3: '08:00-16:00',
    day4: '08:00-16:00',
    day5: '08:00-16:00',
    day6: '',
    day7: '',
    sops: '',
    ceiling,
  });

  it('is saved with an audit entry, read by the engine’s unit settings, and refused for a role no SOP has', async () => {
    const page = await get('/admin/people/units/ortala');
    expect(page.body).toContain('Batas eskalasi');
    const res = await post('/admin/people/units/ortala', unitForm('kabag-ortala'));
    expect(res.statusCode, res.body).toBe(303);
    const [unit] = await database.db.select().from(units).where(eq(units.id, 'ortala'));
    expect(unit?.escalationCeiling).toBe('kabag-ortala');
    expect(await consoleApp.calendars.ceiling('ortala')).toBe('kabag-ortala');
    const [audited] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'unit.update'), eq(auditLog.target, 'ortala')));
    expect(audited?.details).toMatchObject({ after: { escalationCeiling: 'kabag-ortala' } });

    const bad = await post('/admin/people/units/ortala', unitForm('menteri-luar-angkasa'));
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Pilihan Batas eskalasi tidak dikenal');
    expect((await post('/admin/people/units/ortala', unitForm(''))).statusCode).toBe(303);
    const [cleared] = await database.db.select().from(units).where(eq(units.id, 'ortala'));
    expect(cleared?.escalationCeiling).toBeNull();
  });
});
