import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { auditLog, messages, stepInstances, unitDaysOff } from '../src/db/schema.js';
import { warnIfNextYearUnconfirmed } from '../src/jobs/holiday-watch.js';
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
  session = await signIn(consoleApp, web, 'kepegawaian');
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

async function dueOfNewCase(app: App): Promise<Date | undefined> {
  const { caseId } = await app.cases.submit({ sopId: 'siput-sms', unitId: 'ortala', body: 'uji hari libur' });
  const [step] = await database.db
    .select()
    .from(stepInstances)
    .where(eq(stepInstances.id, `${caseId}_1`));
  return step?.dueAt;
}

describe('a unit’s own days off, set in the console', () => {
  it('moves a new step’s deadline in another process within the refresh time, and back when removed', async () => {
    const before = await dueOfNewCase(other);
    expect(before).toEqual(new Date('2026-02-05T08:00:00Z')); // 3 hari kerja: Thursday 15:00 WIB

    const res = await post('/admin/people/units/ortala/days-off', {
      date: '2026-02-03',
      kind: 'off',
      reason: 'Hari jadi kota',
    });
    expect(res.statusCode, res.body).toBe(303);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await dueOfNewCase(other)).toEqual(new Date('2026-02-06T08:00:00Z'));

    const page = await get('/admin/people/units/ortala/days-off');
    expect(page.body).toContain('Hari jadi kota');
    const [audited] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'unit.day_off.set'), eq(auditLog.target, 'ortala')));
    expect(audited?.details).toMatchObject({ date: '2026-02-03', off: true, reason: 'Hari jadi kota' });

    expect((await post('/admin/people/units/ortala/days-off/remove', { date: '2026-02-03' })).statusCode).toBe(303);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await dueOfNewCase(other)).toEqual(new Date('2026-02-05T08:00:00Z'));
  });

  it('lets a unit work on a national day off', async () => {
    const res = await post('/admin/people/units/ortala/days-off', {
      date: '2026-02-16',
      kind: 'works',
      reason: 'SKB revisi',
    });
    expect(res.statusCode).toBe(303);
    const [row] = await database.db.select().from(unitDaysOff).where(eq(unitDaysOff.date, '2026-02-16'));
    expect(row).toMatchObject({ unitId: 'ortala', off: false, reason: 'SKB revisi' });
  });

  it('refuses a bad date, kind or missing reason with a message, and an unknown unit', async () => {
    const bad = await post('/admin/people/units/ortala/days-off', { date: '2026-02-31', kind: 'off', reason: 'x' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Tanggal tidak sah');
    const noReason = await post('/admin/people/units/ortala/days-off', { date: '2026-02-20', kind: 'off', reason: '' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('Alasan wajib diisi');
    const kind = await post('/admin/people/units/ortala/days-off', { date: '2026-02-20', kind: 'cuti', reason: 'x' });
    expect(kind.statusCode).toBe(400);
    expect(
      (await post('/admin/people/units/nope/days-off', { date: '2026-02-20', kind: 'off', reason: 'x' })).statusCode,
    ).toBe(404);
  });
});

describe('next year’s holidays not confirmed', () => {
  it('shows the admins a banner while the list lacks the SKB of next year', async () => {
    const page = await get('/admin/people');
    const next = new Date().getUTCFullYear() + 1;
    // The shipped list has SKB years up to 2026 and an estimate for 2027.
    expect(page.body).toContain(
      `class="warning" role="alert">Daftar hari libur nasional dan cuti bersama tahun ${next}`,
    );
  });

  it('alerts the admins once a month', async () => {
    const opts = {
      db: database.db,
      queues: consoleApp.queues,
      holidays: consoleApp.calendars.holidays,
      unitId: 'ortala',
      log: consoleApp.log,
      now: new Date('2026-12-01T00:00:00Z'),
    };
    expect(await warnIfNextYearUnconfirmed(opts)).toBe(true);
    expect(await warnIfNextYearUnconfirmed({ ...opts, now: new Date('2026-12-20T00:00:00Z') })).toBe(false);
    const rows = await database.db.select().from(messages).where(eq(messages.template, 'holidays.unconfirmed'));
    expect(rows.map((r) => r.params)).toContainEqual({ year: '2027' });
    // A year whose SKB is in the list: nothing to say.
    expect(await warnIfNextYearUnconfirmed({ ...opts, now: new Date('2025-06-01T00:00:00Z') })).toBe(false);
  });
});
