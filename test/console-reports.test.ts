import { eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { addOfficial } from '../src/db/officials.js';
import { cases, stakeholders, stepInstances } from '../src/db/schema.js';
import { buildReport, percentileOf, stepFigure } from '../src/web/admin/report-figures.js';
import { parsePeriod } from '../src/web/admin/report-period.js';
import { buildWeb } from '../src/web/server.js';
import { testApp, testConfig } from './support/app.js';
import { signIn } from './support/console.js';
import { freshDatabase } from './support/postgres.js';

const STEP4_KELENGKAPAN = [
  'BA konfirmasi penyelesaian',
  'draf Laporan penyelesaian',
  'draf Nota Dinas Rekomendasi Tahapan Tindak Lanjut',
];

const HOUR = 3_600_000;
const ZONE = 'Asia/Jakarta';
const wib = (local: string) => DateTime.fromISO(local, { zone: ZONE }).toJSDate();

let database: Database;
let app: App;
let web: FastifyInstance;
let clock = wib('2026-08-01T08:00');
const ids: Record<string, string> = {};
const filed: Record<string, string> = {};

/** Files a case at `openedAt`, then takes each action at its time; the engine's clock is the test's. */
async function runCase(
  name: string,
  openedAt: Date,
  category: string,
  channel: string,
  actions: { at: Date; action: string }[],
): Promise<void> {
  clock = openedAt;
  const { caseId } = await app.cases.submit({
    sopId: 'siput-sms',
    unitId: 'ortala',
    stakeholderId: ids.stakeholder,
    category,
    body: 'Isi',
    channel,
  });
  filed[name] = caseId;
  for (const { at, action } of actions) {
    clock = at;
    const [row] = await database.db.select().from(cases).where(eq(cases.id, caseId));
    const [step] = await database.db
      .select()
      .from(stepInstances)
      .where(eq(stepInstances.id, row?.openInstanceId ?? ''));
    await app.cases.dispatch(caseId, {
      type: 'act',
      instanceId: row?.openInstanceId ?? '',
      action,
      actorId: step?.assigneeId ?? '',
      // Whichever branch: one file for each kelengkapan step 4's actions name.
      attachments: STEP4_KELENGKAPAN.map((kelengkapan, i) => ({
        id: `${name}-${action}-${i}`,
        name: 'ba.pdf',
        kelengkapan,
      })),
    });
  }
}

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, testConfig(), { workers: false, now: () => clock });
  web = await buildWeb(app);
  await web.ready();
  ids.kasubag = await addOfficial(database.db, {
    nip: '1',
    name: 'Kasubag TL',
    roleId: 'kasubag-tl',
    unitId: 'ortala',
  });
  ids.staf = await addOfficial(database.db, {
    nip: '2',
    name: 'Staf Pelaksana',
    roleId: 'staf-pelaksana',
    unitId: 'ortala',
    superiorNip: '1',
  });
  ids.stakeholder = 'pelapor-1';
  await database.db.insert(stakeholders).values({ id: ids.stakeholder, name: 'Pelapor Satu' });

  // A: step 4 from Friday 14 August 15:00 to Tuesday 18 August 09:00 WIB, over a weekend and the
  // 17 August holiday: 1 h on Friday + 1 h on Tuesday = 2 h of working time, in time (due Thu 20).
  await runCase('A', wib('2026-08-14T15:00'), 'keluhan', 'web', [
    { at: wib('2026-08-18T09:00'), action: 'selesai-dengan-penjelasan' },
    { at: wib('2026-08-18T13:30'), action: 'sahkan' },
  ]);
  // B: step 4 from Monday 3 August 08:00 to Monday 10 August 10:00: 5 × 8 h + 2 h = 42 h, late
  // (due Thursday 6 August 08:00); step 5a from 10:00 to 14:00 the same day = 4 h.
  await runCase('B', wib('2026-08-03T08:00'), 'saran', 'telegram', [
    { at: wib('2026-08-10T10:00'), action: 'selesai-dengan-penjelasan' },
    { at: wib('2026-08-10T14:00'), action: 'sahkan' },
  ]);
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

const deps = () => ({ db: database.db, sops: app.sops, calendars: app.calendars });
const august = () => parsePeriod({ period: 'month', year: '2026', month: '8' }, ZONE, new Date());
const now = wib('2026-08-31T12:00');

describe('the report figures', () => {
  it('count each step in working time, skipping weekends and the 17 August holiday', async () => {
    const [a4] = await database.db
      .select()
      .from(stepInstances)
      .where(eq(stepInstances.id, `${filed.A}_1`));
    expect(a4?.workingMs).toBe(2 * HOUR);
    const report = await buildReport(deps(), august(), { now });
    expect(stepFigure(report, 'siput-sms', '4')).toMatchObject({
      count: 2,
      medianMs: 22 * HOUR,
      p90Ms: 38 * HOUR,
      onTimePct: 50,
      waktu: '3 hari kerja',
    });
    const s5a = stepFigure(report, 'siput-sms', '5a');
    expect(s5a).toMatchObject({ count: 2, onTimePct: 100 });
    expect(s5a?.medianMs).toBeCloseTo(4.25 * HOUR, 0);
    expect(s5a?.p90Ms).toBeCloseTo(4.45 * HOUR, 0);
    // Step 11 is still open in both cases: not counted until left.
    expect(stepFigure(report, 'siput-sms', '11')).toBeUndefined();
  });

  it('give each official and the unit their open, overdue, handled and median response', async () => {
    const report = await buildReport(deps(), august(), { now });
    const staf = report.officials.find((o) => o.id === ids.staf);
    expect(staf).toMatchObject({ open: 2, overdue: 2, handled: 2, medianResponseMs: 22 * HOUR });
    const kasubag = report.officials.find((o) => o.id === ids.kasubag);
    expect(kasubag).toMatchObject({ open: 0, overdue: 0, handled: 2 });
    expect(kasubag?.medianResponseMs).toBeCloseTo(4.25 * HOUR, 0);
    const unit = report.units.find((u) => u.id === 'ortala');
    expect(unit).toMatchObject({ open: 2, overdue: 2, handled: 4 });
    expect(unit?.medianResponseMs).toBeCloseTo(4.25 * HOUR, 0);
  });

  it('count the volume by category and channel, and day by day in a month', async () => {
    const report = await buildReport(deps(), august(), { now });
    expect(report.categories).toEqual([
      { key: 'keluhan', count: 1 },
      { key: 'saran', count: 1 },
    ]);
    expect(report.channels).toEqual([
      { key: 'telegram', count: 1 },
      { key: 'web', count: 1 },
    ]);
    expect(report.trend).toHaveLength(31);
    expect(report.trend.find((p) => p.bucket === '2026-08-14')?.opened).toBe(1);
    expect(report.trend.find((p) => p.bucket === '2026-08-03')?.opened).toBe(1);
    expect(report.totals).toMatchObject({ opened: 2, closed: 0, open: 2, overdue: 2 });
  });

  it('are the same in the semester and the annual view, month by month', async () => {
    for (const query of [
      { period: 'semester', year: '2026', semester: '2' },
      { period: 'year', year: '2026' },
    ]) {
      const report = await buildReport(deps(), parsePeriod(query, ZONE, new Date()), { now });
      expect(stepFigure(report, 'siput-sms', '4')).toMatchObject({ count: 2, medianMs: 22 * HOUR });
      expect(report.trend.find((p) => p.bucket === '2026-08')?.opened).toBe(2);
    }
    const july = await buildReport(
      deps(),
      parsePeriod({ period: 'month', year: '2026', month: '7' }, ZONE, new Date()),
    );
    expect(july.steps).toEqual([]);
  });

  it('compute and keep the working time of steps left before it was recorded', async () => {
    await database.db
      .update(stepInstances)
      .set({ workingMs: null })
      .where(eq(stepInstances.id, `${filed.B}_1`));
    const report = await buildReport(deps(), august(), { now });
    expect(stepFigure(report, 'siput-sms', '4')).toMatchObject({ count: 2, medianMs: 22 * HOUR });
    const [b4] = await database.db
      .select()
      .from(stepInstances)
      .where(eq(stepInstances.id, `${filed.B}_1`));
    expect(b4?.workingMs).toBe(42 * HOUR);
  });
});

describe('percentiles read off a histogram', () => {
  it('agree with percentile_cont when a bucket holds equal values', () => {
    const buckets = [
      { bucket: 3, count: 3, mean: 20 },
      { bucket: 1, count: 1, mean: 10 },
    ];
    // The values 10, 20, 20, 20: the median is 20, p10 lies between 10 and 20.
    expect(percentileOf(buckets, 0.5)).toBe(20);
    expect(percentileOf(buckets, 0.1)).toBeCloseTo(13, 6);
    expect(percentileOf(buckets, 1)).toBe(20);
    expect(percentileOf([], 0.5)).toBeNull();
  });
});

describe('the reports pages', () => {
  it('show the figures with their charts, to a pimpinan too', async () => {
    const { cookie } = await signIn(app, web, 'pimpinan', 'pimpinan');
    const res = await web.inject({
      method: 'GET',
      url: '/admin/reports?period=month&year=2026&month=8',
      headers: { cookie },
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<canvas id="chart-trend"');
    expect(res.body).toContain('/admin/static/chart.umd.min.js');
    const step4 = res.body.split('<tr').find((r) => r.includes('data-step="siput-sms:4"'));
    expect(step4).toContain('22 j');
    expect(step4).toContain('38 j');
    expect(step4).toContain('50 %');
    const chart = await web.inject({ method: 'GET', url: '/admin/static/chart.umd.min.js', headers: { cookie } });
    expect(chart.statusCode).toBe(200);
    expect(chart.body).toContain('Chart');
    const print = await web.inject({
      method: 'GET',
      url: '/admin/reports/print?year=2026&month=8',
      headers: { cookie },
    });
    expect(print.statusCode).toBe(200);
    expect(print.body).toContain('Laporan Bulanan');
    expect(print.body).toContain('Agustus 2026');
    expect(print.body).toContain('data-print');
  });

  it('export the report as a workbook with one sheet per table', async () => {
    const { cookie } = await signIn(app, web, 'admin', 'admin');
    const res = await web.inject({
      method: 'GET',
      url: '/admin/reports/export.xlsx?period=year&year=2026',
      headers: { cookie },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const steps = book.getWorksheet('Per langkah SOP');
    const rows = steps?.getSheetValues().filter(Boolean) as unknown[][];
    const row4 = rows.find((r) => r[1] === 'siput-sms' && r[2] === '4');
    // Step 4's waktu is SIPUT's, marked so; neither visit waited on the reporter.
    expect(row4?.slice(1)).toEqual(['siput-sms', '4', '3 hari kerja (ketetapan SIPUT)', 2, 22, 38, 50, 0, 0]);
  });
});
