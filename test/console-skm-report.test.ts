import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { caseEvents, surveyResponses } from '../src/db/schema.js';
import { ikmOf, mutuOf } from '../src/survey/ikm.js';
import { UNSUR_IDS } from '../src/survey/questions.js';
import { buildReport, stepFigure } from '../src/web/admin/report-figures.js';
import { parsePeriod } from '../src/web/admin/report-period.js';
import { buildSkmReport } from '../src/web/admin/skm-figures.js';
import { buildWeb } from '../src/web/server.js';
import { testApp, testConfig } from './support/app.js';
import { signIn } from './support/console.js';
import { pdfPages } from './support/pdf-text.js';
import { freshDatabase } from './support/postgres.js';
import { seedCases } from './support/seed-cases.js';

const ZONE = 'Asia/Jakarta';
const wib = (local: string) => DateTime.fromISO(local, { zone: ZONE }).toJSDate();

let database: Database;
let app: App;
let web: FastifyInstance;

/**
 * 100 respondents in August 2026 whose 900 scores add up to 3179: 479 fours and 421 threes. The
 * IKM is 3179 / 900 × 25 = 88.3055…, which is 88.31 to two decimals: mutu A, just.
 */
const FOURS = 479;

function scoresOf(respondent: number): Record<string, number> {
  return Object.fromEntries(UNSUR_IDS.map((u, i) => [u, respondent * 9 + i < FOURS ? 4 : 3]));
}

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, testConfig(), { workers: false });
  web = await buildWeb(app);
  await web.ready();
  const august = Array.from({ length: 103 }, (_, i) => ({
    ticket: `SMS-2026-${String(i + 1).padStart(6, '0')}`,
    openedAt: wib('2026-08-01T08:00'),
    closedAt: wib('2026-08-05T08:00'),
  }));
  const ids = await seedCases(database.db, august);
  await database.db.insert(surveyResponses).values(
    ids.map((caseId, i) => ({
      caseId,
      // Three refused the survey: they are not respondents.
      scores: i < 100 ? scoresOf(i) : {},
      skipped: i >= 100,
      comment: i === 0 ? 'Pelayanan cepat' : null,
      channel: 'web',
      // A minute apart on the same day, so the export's numbered order (by time) is known.
      answeredAt: wib(
        `2026-08-${String(10 + (i % 15)).padStart(2, '0')}T10:${String(Math.floor(i / 15)).padStart(2, '0')}`,
      ),
    })),
  );
  // The reporters' answers after closing: two reopened at step 4 and one at 5a, one confirmed.
  const answer = (i: number, kind: string, stepId: string | null, day: string) => ({
    caseId: ids[i] as string,
    at: wib(`2026-08-${day}T09:00`),
    kind,
    actor: 'stakeholder',
    stepId,
    note: kind === 'reopened' ? 'Belum beres' : null,
  });
  await database.db
    .insert(caseEvents)
    .values([
      answer(0, 'reopened', '4', '06'),
      answer(1, 'reopened', '4', '07'),
      answer(2, 'reopened', '5a', '07'),
      answer(3, 'confirmed', null, '07'),
    ]);
  // One answer in September, another SOP in another period: not in August's figures.
  const [september] = await seedCases(database.db, [
    { ticket: 'SMS-2026-000900', openedAt: wib('2026-09-01T08:00'), closedAt: wib('2026-09-02T08:00') },
  ]);
  await database.db.insert(surveyResponses).values({
    caseId: september as string,
    scores: Object.fromEntries(UNSUR_IDS.map((u) => [u, 1])),
    channel: 'web',
    answeredAt: wib('2026-09-03T10:00'),
  });
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

describe('the IKM of a set of answers', () => {
  it('is the mean of the NRRs × 25, each unsur weighing 1/9', () => {
    const tally = { sum: 7, count: 2 }; // NRR 3.5
    const figure = ikmOf(Object.fromEntries(UNSUR_IDS.map((u) => [u, tally])), 2);
    expect(figure.nrr.u1).toBe(3.5);
    expect(figure.ikm).toBeCloseTo(3.5, 10);
    expect(figure.konversi).toBe(87.5);
    expect(figure.mutu).toBe('B');
  });

  it("reads the mutu off the regulation's intervals, at their two-decimal edges", () => {
    expect(mutuOf(100)).toBe('A');
    expect(mutuOf(88.31)).toBe('A');
    expect(mutuOf(88.3)).toBe('B');
    expect(mutuOf(76.61)).toBe('B');
    expect(mutuOf(76.6)).toBe('C');
    expect(mutuOf(65)).toBe('C');
    expect(mutuOf(64.99)).toBe('D');
    expect(mutuOf(25)).toBe('D');
  });

  it('has no IKM without respondents', () => {
    expect(ikmOf({}, 0)).toMatchObject({ ikm: null, konversi: null, mutu: null, respondents: 0 });
  });
});

describe('the SKM report of a period', () => {
  const august = () => parsePeriod({ period: 'month', year: 2026, month: 8 }, ZONE, new Date());

  it('gives 88.31 and mutu A for the seeded answers, with 100 respondents and 3 skipped', async () => {
    const report = await buildSkmReport(database.db, august());
    expect(report.total.respondents).toBe(100);
    expect(report.skipped).toBe(3);
    expect(report.total.konversi).toBe(88.31);
    expect(report.total.mutu).toBe('A');
    // Each unsur's NRR: the fours fall on the first 479 scores in order, so u1…u2 get one more.
    const fours = (u: number) => Array.from({ length: 100 }, (_, r) => r * 9 + u < FOURS).filter(Boolean).length;
    UNSUR_IDS.forEach((u, i) => {
      expect(report.total.nrr[u]).toBeCloseTo((fours(i) * 4 + (100 - fours(i)) * 3) / 100, 10);
    });
    expect(report.groups).toEqual([expect.objectContaining({ sopId: 'siput-sms', unitId: 'ortala', skipped: 3 })]);
  });

  it('falls to 88.28 and mutu B with one four fewer', async () => {
    const period = august();
    const report = await buildSkmReport(database.db, period, { unitId: 'ortala', sopId: 'siput-sms' });
    const tallies = Object.fromEntries(
      UNSUR_IDS.map((u) => [u, { sum: (report.total.nrr[u] as number) * 100, count: 100 }]),
    );
    const lower = ikmOf({ ...tallies, u9: { sum: (tallies.u9?.sum ?? 0) - 1, count: 100 } }, 100);
    expect(lower.konversi).toBe(88.28);
    expect(lower.mutu).toBe('B');
    expect((await buildSkmReport(database.db, period, { sopId: 'pedoman-juklak' })).total.respondents).toBe(0);
  });

  it('is shown to the pimpinan with its chart data, per SOP and unit, and no reporter', async () => {
    const { cookie } = await signIn(app, web, 'pimpinan', 'pimpinan');
    const res = await web.inject({
      method: 'GET',
      url: '/admin/reports/skm?period=month&year=2026&month=8',
      headers: { cookie },
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<strong data-figure="ikm">88,31</strong>');
    expect(res.body).toContain('<strong data-figure="mutu">A</strong>');
    expect(res.body).toContain('<strong data-figure="respondents">100</strong>');
    expect(res.body).toContain('U3 Waktu penyelesaian');
    expect(res.body).toContain('id="chart-skm"');
    expect(res.body).toContain('/admin/static/skm.js');
    expect(res.body).toContain('data-group="siput-sms:ortala"');
    expect(res.body).not.toContain('SMS-2026-000001');
    // The comments, apart from the scores and with no reporter or ticket.
    expect(res.body).toMatch(
      /<ol class="skm-comments"><li><span class="muted">2026-08-10 · siput-sms · ortala<\/span><br>Pelayanan cepat<\/li><\/ol>/,
    );
    const september = await web.inject({
      method: 'GET',
      url: '/admin/reports/skm?period=month&year=2026&month=9',
      headers: { cookie },
    });
    expect(september.body).toContain('<strong data-figure="ikm">25,00</strong>');
    expect(september.body).toContain('<strong data-figure="mutu">D</strong>');
  });

  it('downloads as an official PDF: kop, title, period, the IKM and its mutu, numbered pages, signature', async () => {
    const { cookie } = await signIn(app, web, 'pimpinan', 'pimpinan');
    const res = await web.inject({
      method: 'GET',
      url: '/admin/reports/skm/export.pdf?period=month&year=2026&month=8',
      headers: { cookie },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const pages = await pdfPages(res.rawPayload);
    const text = pages.map((p) => p.text).join('\n');
    expect(pages[0]?.text).toContain('BAGIAN ORGANISASI DAN TATA LAKSANA');
    expect(pages[0]?.text).toContain('SURVEI KEPUASAN MASYARAKAT (SKM)');
    expect(pages[0]?.text).toContain('Periode Agustus 2026 (1 Agu 2026 s.d. 31 Agu 2026)');
    expect(text).toMatch(/IKM[^\n]*\n?[^\n]*88,31/);
    expect(text).toContain('U3 Waktu penyelesaian');
    expect(text).not.toContain('SMS-2026-000001');
    pages.forEach((p, i) => {
      expect(p.text).toContain(`Halaman ${i + 1} dari ${pages.length}`);
    });
    expect(pages.at(-1)?.text).toMatch(/NIP \.{10,}/);
  });

  it('exports the figures and the numbered answers as XLSX and CSV for the annual SKM report', async () => {
    const { cookie } = await signIn(app, web, 'admin', 'admin');
    const xlsx = await web.inject({
      method: 'GET',
      url: '/admin/reports/skm/export.xlsx?period=month&year=2026&month=8',
      headers: { cookie },
    });
    expect(xlsx.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const summary = workbook.worksheets[0];
    const rows = (summary?.getSheetValues() ?? []).map((r) => (Array.isArray(r) ? r.slice(1) : []));
    expect(rows).toContainEqual(['IKM', 88.31]);
    expect(rows).toContainEqual(['Mutu pelayanan', 'A', 'Sangat baik']);
    expect(rows).toContainEqual(['Responden', 100]);
    const answers = workbook.worksheets[2];
    expect(answers?.rowCount).toBe(101);
    expect(answers?.getRow(2).values).toEqual([
      undefined,
      1,
      '2026-08-10',
      'siput-sms',
      'ortala',
      4,
      4,
      4,
      4,
      4,
      4,
      4,
      4,
      4,
    ]);
    // The comments in their own sheet, numbered apart from the answers so none is tied to its scores.
    const comments = workbook.worksheets[3];
    expect(comments?.name).toBe('Saran dan masukan');
    expect(comments?.getRow(2).values).toEqual([undefined, 1, '2026-08-10', 'siput-sms', 'ortala', 'Pelayanan cepat']);
    expect(comments?.rowCount).toBe(2);

    const csv = await web.inject({
      method: 'GET',
      url: '/admin/reports/skm/export.csv?period=month&year=2026&month=8',
      headers: { cookie },
    });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain('IKM,88.31');
    expect(csv.body).toContain('1,2026-08-10,siput-sms,ortala,4,4,4,4,4,4,4,4,4');
    expect(csv.body).toContain('1,2026-08-10,siput-sms,ortala,Pelayanan cepat');
  });
});

describe('reopenings in the reports', () => {
  it('are counted per SOP and step, with the confirmations, in the page and the export', async () => {
    const period = parsePeriod({ period: 'month', year: 2026, month: 8 }, ZONE, new Date());
    const report = await buildReport({ db: database.db, sops: app.sops, calendars: app.calendars }, period);
    expect(report.totals).toMatchObject({ reopened: 3, confirmed: 1 });
    expect(stepFigure(report, 'siput-sms', '4')?.reopened).toBe(2);
    expect(stepFigure(report, 'siput-sms', '5a')?.reopened).toBe(1);
    const { cookie } = await signIn(app, web, 'pimpinan', 'pimpinan');
    const page = await web.inject({
      method: 'GET',
      url: '/admin/reports?period=month&year=2026&month=8',
      headers: { cookie },
    });
    expect(page.body).toContain('<strong data-figure="reopened">3</strong> Dibuka kembali oleh pelapor');
    expect(page.body).toContain('<strong data-figure="confirmed">1</strong>');
    expect(page.body).toMatch(/data-step="siput-sms:4">.*<td data-reopened="2">2<\/td><\/tr>/);
    const september = parsePeriod({ period: 'month', year: 2026, month: 9 }, ZONE, new Date());
    const later = await buildReport({ db: database.db, sops: app.sops, calendars: app.calendars }, september);
    expect(later.totals.reopened).toBe(0);
  });
});
