import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { stepInstances } from '../src/db/schema.js';
import { dashboardFigures } from '../src/web/admin/dashboard-figures.js';
import { buildReport, stepFigure } from '../src/web/admin/report-figures.js';
import { parsePeriod } from '../src/web/admin/report-period.js';
import { buildWeb } from '../src/web/server.js';
import { testApp, testConfig } from './support/app.js';
import { signIn } from './support/console.js';
import { freshDatabase } from './support/postgres.js';
import { seedCases } from './support/seed-cases.js';

const HOUR = 3_600_000;
const ZONE = 'Asia/Jakarta';
const wib = (local: string) => DateTime.fromISO(local, { zone: ZONE }).toJSDate();
/** Tuesday 15 September 2026, noon WIB: the dashboard's and the report's "now". */
const NOW = wib('2026-09-15T12:00');

let database: Database;
let app: App;
let web: FastifyInstance;
const ids: Record<string, string> = {};

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, testConfig(), { workers: false });
  web = await buildWeb(app);
  await web.ready();
  const seeded = {
    // Open, past its due time but waiting on the reporter since before it: not late.
    waitingLong: {
      ticket: 'SMS-2026-000901',
      openedAt: wib('2026-09-01T09:00'),
      dueAt: wib('2026-09-10T09:00'),
      pausedAt: wib('2026-09-09T10:00'),
    },
    // Open, due today, waiting on the reporter: neither due today nor late.
    waitingToday: {
      ticket: 'SMS-2026-000902',
      openedAt: wib('2026-09-14T09:00'),
      dueAt: wib('2026-09-15T15:00'),
      pausedAt: wib('2026-09-14T10:00'),
    },
    late: { ticket: 'SMS-2026-000903', openedAt: wib('2026-09-01T09:00'), dueAt: wib('2026-09-10T09:00') },
    dueToday: { ticket: 'SMS-2026-000904', openedAt: wib('2026-09-14T09:00'), dueAt: wib('2026-09-15T15:00') },
    // Closed as tidak dilengkapi while it waited, after its due time: its clock stopped before it.
    notCompleted: {
      ticket: 'SMS-2026-000905',
      openedAt: wib('2026-09-07T08:00'),
      dueAt: wib('2026-09-10T08:00'),
      pausedAt: wib('2026-09-09T08:00'),
      closedAt: wib('2026-09-14T08:00'),
    },
    // Closed after its due time without any wait: late.
    closedLate: {
      ticket: 'SMS-2026-000906',
      openedAt: wib('2026-09-07T08:00'),
      dueAt: wib('2026-09-10T08:00'),
      closedAt: wib('2026-09-14T08:00'),
    },
    // Closed in time after a two-hour wait on the reporter that has ended.
    answered: {
      ticket: 'SMS-2026-000907',
      openedAt: wib('2026-09-07T08:00'),
      dueAt: wib('2026-09-10T10:00'),
      pausedMs: 2 * HOUR,
      closedAt: wib('2026-09-08T08:00'),
    },
  };
  const names = Object.keys(seeded) as (keyof typeof seeded)[];
  const caseIds = await seedCases(
    database.db,
    names.map((n) => seeded[n]),
  );
  names.forEach((n, i) => {
    ids[n] = caseIds[i] as string;
  });
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

const stepOf = async (name: string) =>
  (
    await database.db
      .select()
      .from(stepInstances)
      .where(eq(stepInstances.id, `${ids[name]}_1`))
  )[0];

describe('the dashboard with cases waiting on their reporters', () => {
  it('counts them per SOP and unit, and leaves them out of late and due today', async () => {
    const figures = await dashboardFigures(database.db, NOW, ZONE);
    expect(figures.total).toEqual({ open: 4, dueToday: 1, late: 1, waiting: 2, unheld: 4 });
    expect(figures.bySop.get('siput-sms')).toMatchObject({ waiting: 2, late: 1 });
    expect(figures.byUnit.get('ortala')).toMatchObject({ waiting: 2, late: 1 });
  });

  it('links the count to the tracking table, which lists just those cases', async () => {
    const admin = await signIn(app, web, 'dasbor');
    const page = await web.inject({ method: 'GET', url: '/admin', headers: { cookie: admin.cookie } });
    expect(page.body).toContain('Menunggu pelapor');
    expect(page.body).toContain('href="/admin/tracking?waiting=1"');
    expect(page.body).toContain('href="/admin/tracking?sop=siput-sms&amp;waiting=1"');
    const listed = await web.inject({
      method: 'GET',
      url: '/admin/tracking?waiting=1',
      headers: { cookie: admin.cookie },
    });
    const tickets = listed.body.match(/SMS-2026-0009\d\d/g) ?? [];
    expect(new Set(tickets)).toEqual(new Set(['SMS-2026-000901', 'SMS-2026-000902']));
  });
});

describe('the report with waits on the reporter', () => {
  const august = () => parsePeriod({ period: 'month', year: '2026', month: '9' }, ZONE, new Date());
  const deps = () => ({ db: database.db, sops: app.sops, calendars: app.calendars });

  it('leaves the waits out of the step times it computes, and a step that closed waiting is in time', async () => {
    const report = await buildReport(deps(), august(), { now: NOW });
    const calendar = await app.calendars.for('ortala');
    const notCompleted = await stepOf('notCompleted');
    expect(notCompleted?.workingMs).toBe(calendar.workingMsBetween(wib('2026-09-07T08:00'), wib('2026-09-09T08:00')));
    const answered = await stepOf('answered');
    expect(answered?.workingMs).toBe(
      calendar.workingMsBetween(wib('2026-09-07T08:00'), wib('2026-09-08T08:00')) - 2 * HOUR,
    );
    // Of the three visits left: the one closed waiting and the answered one in time, the other late.
    expect(stepFigure(report, 'siput-sms', '4')).toMatchObject({ count: 3, onTimePct: 66.7 });
    // The time waited: the answered visit's two hours, and all of the wait the other one closed in.
    expect(stepFigure(report, 'siput-sms', '4')?.waitedMs).toBe(
      2 * HOUR + calendar.workingMsBetween(wib('2026-09-09T08:00'), wib('2026-09-14T08:00')),
    );
  });

  it('shows on the case page all the time a visit closed while waiting had waited, and not as late', async () => {
    const admin = await signIn(app, web, 'tunggu');
    const page = await web.inject({
      method: 'GET',
      url: '/admin/cases/SMS-2026-000905',
      headers: { cookie: admin.cookie },
    });
    // Wednesday 08:00 to the next Monday 08:00: three working days of 8 hours; and not late, since
    // its clock stopped before the due time, as the report counts it.
    expect(page.body).toContain('menunggu pelapor 24 j</span></td>');
  });

  it('counts as overdue only the open cases whose clock runs', async () => {
    const report = await buildReport(deps(), august(), { now: NOW });
    expect(report.totals.overdue).toBe(1);
    expect(report.units.find((u) => u.id === 'ortala')).toMatchObject({ open: 4, overdue: 1 });
  });
});
