import { Readable } from 'node:stream';
import { asc } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { units } from '../../db/index.js';
import { html, SafeHtml } from '../../html.js';
import { type Language, t } from '../../i18n/index.js';
import { zoneOf } from '../../sop/index.js';
import type { IkmFigure } from '../../survey/index.js';
import { inLanguage, UNSUR_IDS } from '../../survey/index.js';
import { CONSOLE_ASSETS } from './console-assets.js';
import { page } from './layout.js';
import { documentHead } from './letterhead.js';
import { officialPdf, PDF_WIDTH, pdfHeading, pdfTable } from './official-pdf.js';
import type { SectionOptions } from './plugin.js';
import { parsePeriod, periodLabel, periodQueryString } from './report-period.js';
import type { ConsoleUser } from './sessions.js';
import { buildSkmReport, type SkmReport, skmAnswers, skmComments } from './skm-figures.js';

const SCRIPTS = [CONSOLE_ASSETS.chart.url, CONSOLE_ASSETS.skm.url];

/** JSON inside a script element is not HTML-decoded: only "<" must go, so no text can close the element. */
const json = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

const id = (v: unknown) => (typeof v === 'string' && v.length > 0 && v.length <= 80 ? v : null);

/** A number as the unit's report writes it: two decimals, the reader's separator. */
const decimal = (n: number | null, language: Language, digits = 2) =>
  n === null
    ? '–'
    : n.toLocaleString(language === 'en' ? 'en-US' : 'id-ID', {
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      });

/**
 * /admin/reports/skm: the Survei Kepuasan Masyarakat of a unit, SOP and period: NRR per unsur, the
 * IKM, its mutu and the respondents, a chart, and the XLSX/CSV the unit attaches to its annual SKM
 * report. Answers are read without any reporter.
 */
export const skmReportSection: FastifyPluginAsync<SectionOptions> = async (fastify, { app }) => {
  const zone = zoneOf(app.config.TZ_DEFAULT);
  const db = app.database.db;

  const load = async (req: FastifyRequest) => {
    const query = req.query as Record<string, unknown>;
    const period = parsePeriod(query, zone, new Date());
    const filters = { unitId: id(query.unit), sopId: id(query.sop) };
    return { report: await buildSkmReport(db, period, filters), filters };
  };
  /** The wording of the unit filtered on (or the shipped one): the unsur's names in the report. */
  const unsurNames = (unitId: string | null, language: Language) =>
    app.survey.forUnit(unitId ?? app.config.DEFAULT_UNIT).map((u) => inLanguage(u.name, language));
  const queryOf = (report: SkmReport) =>
    `${periodQueryString(report.period)}${report.unitId ? `&unit=${encodeURIComponent(report.unitId)}` : ''}${report.sopId ? `&sop=${encodeURIComponent(report.sopId)}` : ''}`;

  fastify.get('/admin/reports/skm', async (req, reply) => {
    const user = req.consoleUser as ConsoleUser;
    const { report, filters } = await load(req);
    const language = req.language;
    const tr = (key: string, params?: Record<string, string>) => t(language, key, params);
    const p = report.period;
    const [unitList, sopList] = await Promise.all([
      db.select({ id: units.id, name: units.name }).from(units).orderBy(asc(units.name)),
      app.sops.all(),
    ]);
    const option = (value: string, label: string, selected: boolean) =>
      html`<option value="${value}"${selected ? html` selected` : ''}>${label}</option>`;
    const months = Array.from({ length: 12 }, (_, i) =>
      option(
        String(i + 1),
        new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : 'id-ID', { month: 'long', timeZone: 'UTC' }).format(
          new Date(Date.UTC(2000, i, 1)),
        ),
        p.kind === 'month' && p.part === i + 1,
      ),
    );
    const names = unsurNames(report.unitId, language);
    const body = html`<p class="muted">${tr('admin.skm.intro')}</p>
<form class="filters no-print" method="get" action="/admin/reports/skm">
  <label>${tr('admin.reports.period')}<select name="period">${option('month', tr('admin.reports.month'), p.kind === 'month')}${option('semester', tr('admin.reports.semester'), p.kind === 'semester')}${option('year', tr('admin.reports.year'), p.kind === 'year')}</select></label>
  <label>${tr('admin.reports.year_label')}<input type="number" name="year" min="2000" max="2100" value="${p.year}"></label>
  <label>${tr('admin.reports.month_label')}<select name="month">${months}</select></label>
  <label>${tr('admin.reports.semester_label')}<select name="semester">${option('1', 'I', p.kind === 'semester' && p.part === 1)}${option('2', 'II', p.kind === 'semester' && p.part === 2)}</select></label>
  <label>${tr('admin.reports.unit')}<select name="unit">${option('', tr('admin.reports.all_units'), !report.unitId)}${unitList.map((u) => option(u.id, u.name, report.unitId === u.id))}</select></label>
  <label>${tr('admin.skm.sop')}<select name="sop">${option('', tr('admin.skm.all_sops'), !report.sopId)}${[...new Set(sopList.map((s) => s.id))].map((s) => option(s, s, report.sopId === s))}</select></label>
  <button type="submit">${tr('admin.reports.show')}</button>
</form>
<p class="no-print"><a href="/admin/reports/skm/export.xlsx?${queryOf(report)}" download>${tr('admin.skm.xlsx')}</a>
  · <a href="/admin/reports/skm/export.csv?${queryOf(report)}" download>${tr('admin.skm.csv')}</a>
  · <a href="/admin/reports/skm/export.pdf?${queryOf(report)}" download>${tr('admin.reports.pdf_link')}</a>
  · <a href="/admin/reports?${periodQueryString(p)}">${tr('admin.nav.reports')}</a></p>
<h2>${periodLabel(p, language)}</h2>
${skmBody(report, await skmComments(db, report.period, filters), names, language)}`;
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'private, no-store')
      .send(page({ title: tr('admin.skm.title'), language, user, path: '/admin/reports', body, scripts: SCRIPTS }));
  });

  fastify.get('/admin/reports/skm/export.xlsx', async (req, reply) => {
    const { report, filters } = await load(req);
    const answers = await skmAnswers(db, report.period, filters);
    const comments = await skmComments(db, report.period, filters);
    const workbook = new ExcelJS.Workbook();
    for (const sheet of sheetsOf(report, answers, comments, unsurNames(report.unitId, req.language), req.language)) {
      const ws = workbook.addWorksheet(sheet.name.slice(0, 31));
      ws.columns = sheet.headers.map((header) => ({ header, width: Math.max(12, Math.min(40, header.length + 2)) }));
      for (const row of sheet.rows) ws.addRow(row);
    }
    const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="skm-${fileSuffix(report)}.xlsx"`)
      .header('cache-control', 'private, no-store')
      .send(buffer);
  });

  fastify.get('/admin/reports/skm/export.pdf', async (req, reply) => {
    const { report } = await load(req);
    const language = req.language;
    const [summary, groups] = figureSheets(report, unsurNames(report.unitId, language), language);
    const head = await documentHead(app, report.unitId);
    const scope = [
      report.unitId ? head.unitName : t(language, 'admin.reports.all_units'),
      report.sopId ?? t(language, 'admin.skm.all_sops'),
    ].join(' · ');
    const cell = (c: string | number | null) =>
      c === null ? '' : typeof c === 'number' ? c.toLocaleString(language === 'en' ? 'en-US' : 'id-ID') : c;
    const none = t(language, 'admin.skm.none');
    const pdf = await officialPdf(
      {
        head,
        language,
        zone,
        now: new Date(),
        title: t(language, 'admin.skm.title'),
        period: report.period,
        scope: t(language, 'admin.reports.pdf_scope', { unit: scope }),
      },
      (doc) => {
        for (const [sheet, widths, size] of [
          [summary, [PDF_WIDTH - 160, 80, 80], 8],
          [groups, [55, 50, 35, ...UNSUR_IDS.map(() => 28), 35, 28, 40], 6.5],
        ] as const) {
          pdfHeading(doc, sheet.name);
          pdfTable(
            doc,
            widths,
            sheet.headers,
            sheet.rows.map((row) => row.map(cell)),
            none,
            size,
          );
        }
      },
    );
    return reply
      .type('application/pdf')
      .header('content-disposition', `attachment; filename="skm-${fileSuffix(report)}.pdf"`)
      .header('cache-control', 'private, no-store')
      .send(pdf);
  });

  fastify.get('/admin/reports/skm/export.csv', async (req, reply) => {
    const { report, filters } = await load(req);
    const answers = await skmAnswers(db, report.period, filters);
    const comments = await skmComments(db, report.period, filters);
    // The summary first, then the tabulation, each a block of the one file (UTF-8 with a BOM for Excel).
    const lines = sheetsOf(report, answers, comments, unsurNames(report.unitId, req.language), req.language).flatMap(
      (sheet) => [[sheet.name], sheet.headers, ...sheet.rows, []],
    );
    const csv = `\uFEFF${lines.map((cells) => cells.map((c) => csvCell(c === null ? '' : String(c))).join(',')).join('\r\n')}`;
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="skm-${fileSuffix(report)}.csv"`)
      .header('cache-control', 'private, no-store')
      .send(Readable.from([csv]));
  });
};

const fileSuffix = (report: SkmReport) =>
  [periodQueryString(report.period), report.unitId, report.sopId]
    .filter(Boolean)
    .join('-')
    .replace(/[^a-z0-9]+/gi, '-');

/** A cell a spreadsheet would run as a formula gets a leading apostrophe (CSV injection). */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n;]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

interface Sheet {
  readonly name: string;
  readonly headers: string[];
  readonly rows: (string | number | null)[][];
}

/** The export: the IKM per unsur and per SOP/unit, and every answer numbered, with no reporter. */
function sheetsOf(
  report: SkmReport,
  answers: Awaited<ReturnType<typeof skmAnswers>>,
  comments: Awaited<ReturnType<typeof skmComments>>,
  names: readonly string[],
  language: Language,
): Sheet[] {
  const tr = (key: string) => t(language, key);
  return [
    ...figureSheets(report, names, language),
    {
      name: tr('admin.skm.sheet.answers'),
      headers: [
        tr('admin.skm.col.number'),
        tr('admin.skm.col.date'),
        tr('admin.skm.sop'),
        tr('admin.skm.col.unit'),
        ...UNSUR_IDS.map((_, i) => `U${i + 1}`),
      ],
      rows: answers.map((a, n) => [n + 1, a.day, a.sopId, a.unitId, ...UNSUR_IDS.map((u) => a.scores[u] ?? null)]),
    },
    {
      name: tr('admin.skm.comments'),
      headers: [
        tr('admin.skm.col.number'),
        tr('admin.skm.col.date'),
        tr('admin.skm.sop'),
        tr('admin.skm.col.unit'),
        tr('admin.skm.col.comment'),
      ],
      rows: comments.map((c, n) => [n + 1, c.day, c.sopId, c.unitId, c.comment]),
    },
  ];
}

/** The IKM per unsur for all answers, then per SOP and unit: the export's first sheets and the PDF's tables. */
function figureSheets(report: SkmReport, names: readonly string[], language: Language): [Sheet, Sheet] {
  const tr = (key: string) => t(language, key);
  const round = (n: number | null, digits = 3) => (n === null ? null : Math.round(n * 10 ** digits) / 10 ** digits);
  const total = report.total;
  const grade = (f: IkmFigure) => [f.konversi, f.mutu, f.mutu ? tr(`admin.skm.kinerja.${f.mutu}`) : null];
  return [
    {
      name: tr('admin.skm.sheet.summary'),
      headers: [tr('admin.skm.col.unsur'), tr('admin.skm.col.nrr'), tr('admin.skm.col.weighted')],
      rows: [
        [tr('admin.skm.col.period'), periodLabel(report.period, language), null],
        ...UNSUR_IDS.map((u, i) => [
          `U${i + 1} ${names[i] ?? u}`,
          round(total.nrr[u]),
          round(total.nrr[u] === null ? null : (total.nrr[u] as number) / 9),
        ]),
        [tr('admin.skm.ikm_raw'), round(total.ikm), null],
        [tr('admin.skm.ikm'), total.konversi, null],
        [tr('admin.skm.mutu'), total.mutu, total.mutu ? tr(`admin.skm.kinerja.${total.mutu}`) : null],
        [tr('admin.skm.respondents'), total.respondents, null],
        [tr('admin.skm.skipped'), report.skipped, null],
      ],
    },
    {
      name: tr('admin.skm.by_group'),
      headers: [
        tr('admin.skm.sop'),
        tr('admin.skm.col.unit'),
        tr('admin.skm.respondents'),
        ...UNSUR_IDS.map((_, i) => `U${i + 1}`),
        tr('admin.skm.ikm'),
        tr('admin.skm.mutu'),
        tr('admin.skm.kinerja'),
      ],
      rows: report.groups.map((g) => [
        g.sopId,
        g.unitId,
        g.figure.respondents,
        ...UNSUR_IDS.map((u) => round(g.figure.nrr[u])),
        ...grade(g.figure),
      ]),
    },
  ];
}

function skmBody(
  report: SkmReport,
  comments: Awaited<ReturnType<typeof skmComments>>,
  names: readonly string[],
  language: Language,
): SafeHtml {
  const tr = (key: string, params?: Record<string, string>) => t(language, key, params);
  const total = report.total;
  if (total.respondents === 0 && report.skipped === 0) return html`<p>${tr('admin.skm.none')}</p>`;
  const data = {
    label: tr('admin.skm.col.nrr'),
    labels: UNSUR_IDS.map((_, i) => `U${i + 1} ${names[i] ?? ''}`),
    nrr: UNSUR_IDS.map((u) => (total.nrr[u] === null ? 0 : Math.round((total.nrr[u] as number) * 1000) / 1000)),
  };
  const mutu = (f: IkmFigure) =>
    f.mutu ? html`<strong class="mutu mutu-${f.mutu}">${f.mutu}</strong> (${tr(`admin.skm.kinerja.${f.mutu}`)})` : '–';
  return html`<section class="totals" aria-label="${tr('admin.reports.totals')}">
  <p><strong data-figure="ikm">${decimal(total.konversi, language)}</strong> ${tr('admin.skm.ikm')}</p>
  <p><strong data-figure="mutu">${total.mutu ?? '–'}</strong> ${tr('admin.skm.mutu')}${total.mutu ? ` — ${tr(`admin.skm.kinerja.${total.mutu}`)}` : ''}</p>
  <p><strong data-figure="respondents">${total.respondents}</strong> ${tr('admin.skm.respondents')}</p>
  <p><strong data-figure="skipped">${report.skipped}</strong> ${tr('admin.skm.skipped')}</p>
</section>
<script type="application/json" id="skm-data">${new SafeHtml(json(data))}</script>
<figure><figcaption>${tr('admin.skm.chart')}</figcaption><div class="chart"><canvas id="chart-skm" role="img" aria-label="${tr('admin.skm.chart')}"></canvas></div></figure>
<h3>${tr('admin.skm.by_unsur')}</h3>
<div class="table-wrap"><table class="skm-unsur">
<thead><tr><th scope="col">${tr('admin.skm.col.unsur')}</th><th scope="col">${tr('admin.skm.col.nrr')}</th><th scope="col">${tr('admin.skm.col.weighted')}</th></tr></thead>
<tbody>${UNSUR_IDS.map(
    (u, i) =>
      html`<tr data-unsur="${u}"><td>U${i + 1} ${names[i] ?? ''}</td><td>${decimal(total.nrr[u], language, 3)}</td><td>${decimal(total.nrr[u] === null ? null : (total.nrr[u] as number) / 9, language, 3)}</td></tr>`,
  )}
<tr><th scope="row">${tr('admin.skm.ikm_raw')}</th><td colspan="2">${decimal(total.ikm, language, 3)}</td></tr>
<tr><th scope="row">${tr('admin.skm.ikm')} (× 25)</th><td colspan="2">${decimal(total.konversi, language)} — ${mutu(total)}</td></tr>
</tbody></table></div>
<h3>${tr('admin.skm.by_group')}</h3>
<div class="table-wrap"><table class="skm-groups">
<thead><tr><th scope="col">${tr('admin.skm.sop')}</th><th scope="col">${tr('admin.skm.col.unit')}</th><th scope="col">${tr('admin.skm.respondents')}</th><th scope="col">${tr('admin.skm.skipped')}</th><th scope="col">${tr('admin.skm.ikm')}</th><th scope="col">${tr('admin.skm.mutu')}</th></tr></thead>
<tbody>${report.groups.map(
    (g) =>
      html`<tr data-group="${g.sopId}:${g.unitId}"><td>${g.sopId}</td><td>${g.unitId}</td><td>${g.figure.respondents}</td><td>${g.skipped}</td><td>${decimal(g.figure.konversi, language)}</td><td>${mutu(g.figure)}</td></tr>`,
  )}</tbody></table></div>
<p class="muted">${tr('admin.skm.scale')}</p>
<h3>${tr('admin.skm.comments')}</h3>
${
  comments.length === 0
    ? html`<p>${tr('admin.skm.no_comments')}</p>`
    : html`<p class="muted">${tr('admin.skm.comments_hint')}</p>
<ol class="skm-comments">${comments.map((c) => html`<li><span class="muted">${c.day} · ${c.sopId} · ${c.unitId}</span><br>${c.comment}</li>`)}</ol>`
}`;
}
