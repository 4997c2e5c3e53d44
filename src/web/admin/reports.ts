import { asc } from 'drizzle-orm';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { units } from '../../db/index.js';
import { html, SafeHtml } from '../../html.js';
import { formatDay, type Language, t } from '../../i18n/index.js';
import { zoneOf } from '../../sop/index.js';
import { CONSOLE_ASSETS } from './console-assets.js';
import { formatDateTime, formatWorkingMs } from './console-format.js';
import { page } from './layout.js';
import { documentHead, kopHtml, signatureHtml } from './letterhead.js';
import type { SectionOptions } from './plugin.js';
import { buildReport, type Report } from './report-figures.js';
import { reportPdf, reportTitle } from './report-pdf.js';
import { parsePeriod, periodLabel, periodQueryString } from './report-period.js';
import { reportXlsx } from './report-xlsx.js';
import type { ConsoleUser } from './sessions.js';

const SCRIPTS = [CONSOLE_ASSETS.chart.url, CONSOLE_ASSETS.reports.url];

/** JSON inside a script element is not HTML-decoded: only "<" must go, so no text can close the element. */
const json = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/** Seed 003 step 8: monthly, semester and annual reports with charts, an XLSX export and a printable month. */
export const reportsSection: FastifyPluginAsync<SectionOptions> = async (fastify, { app }) => {
  const zone = zoneOf(app.config.TZ_DEFAULT);
  const deps = { db: app.database.db, sops: app.sops, calendars: app.calendars };

  const load = async (req: FastifyRequest, forcedMonth = false) => {
    const query = { ...(req.query as Record<string, unknown>) };
    if (forcedMonth) query.period = 'month';
    const period = parsePeriod(query, zone, new Date());
    const unit = typeof query.unit === 'string' && query.unit.length <= 80 && query.unit ? query.unit : null;
    const [report, unitList] = await Promise.all([
      buildReport(deps, period, { unitId: unit }),
      app.database.db.select({ id: units.id, name: units.name }).from(units).orderBy(asc(units.name)),
    ]);
    return { report, unitList, unit };
  };

  fastify.get('/admin/reports', async (req, reply) => {
    const user = req.consoleUser as ConsoleUser;
    const { report, unitList, unit } = await load(req);
    const tr = (key: string, params?: Record<string, string>) => t(req.language, key, params);
    const p = report.period;
    const option = (value: string, label: string, selected: boolean) =>
      html`<option value="${value}"${selected ? html` selected` : ''}>${label}</option>`;
    const months = Array.from({ length: 12 }, (_, i) =>
      option(
        String(i + 1),
        new Intl.DateTimeFormat(req.language === 'en' ? 'en-GB' : 'id-ID', { month: 'long', timeZone: 'UTC' }).format(
          new Date(Date.UTC(2000, i, 1)),
        ),
        p.kind === 'month' ? p.part === i + 1 : false,
      ),
    );
    const query = `${periodQueryString(p)}${unit ? `&unit=${encodeURIComponent(unit)}` : ''}`;
    const monthQuery = `period=month&year=${p.year}&month=${p.kind === 'month' ? p.part : p.kind === 'semester' && p.part === 2 ? 7 : 1}${unit ? `&unit=${encodeURIComponent(unit)}` : ''}`;
    const body = html`<p class="muted">${tr('admin.reports.intro')}</p>
<form class="filters no-print" method="get" action="/admin/reports">
  <label>${tr('admin.reports.period')}<select name="period">${option('month', tr('admin.reports.month'), p.kind === 'month')}${option('semester', tr('admin.reports.semester'), p.kind === 'semester')}${option('year', tr('admin.reports.year'), p.kind === 'year')}</select></label>
  <label>${tr('admin.reports.year_label')}<input type="number" name="year" min="2000" max="2100" value="${p.year}"></label>
  <label>${tr('admin.reports.month_label')}<select name="month">${months}</select></label>
  <label>${tr('admin.reports.semester_label')}<select name="semester">${option('1', 'I', p.kind === 'semester' && p.part === 1)}${option('2', 'II', p.kind === 'semester' && p.part === 2)}</select></label>
  <label>${tr('admin.reports.unit')}<select name="unit">${option('', tr('admin.reports.all_units'), !unit)}${unitList.map((u) => option(u.id, u.name, unit === u.id))}</select></label>
  <button type="submit">${tr('admin.reports.show')}</button>
</form>
<p class="no-print"><a href="/admin/reports/export.xlsx?${query}" download>${tr('admin.reports.xlsx')}</a>
  · <a href="/admin/reports/export.pdf?${query}" download>${tr('admin.reports.pdf_link')}</a>
  · <a href="/admin/reports/print?${monthQuery}">${tr('admin.reports.print_link')}</a>
  · <a href="/admin/reports/skm?${query}">${tr('admin.skm.link')}</a></p>
<h2>${periodLabel(p, req.language)}</h2>
${reportBody(report, req.language)}`;
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'private, no-store')
      .send(
        page({
          title: tr('admin.nav.reports'),
          language: req.language,
          user,
          path: '/admin/reports',
          body,
          scripts: SCRIPTS,
        }),
      );
  });

  fastify.get('/admin/reports/print', async (req, reply) => {
    const user = req.consoleUser as ConsoleUser;
    const { report, unitList, unit } = await load(req, true);
    const tr = (key: string, params?: Record<string, string>) => t(req.language, key, params);
    const head = await documentHead(app, unit);
    const now = new Date();
    const p = report.period;
    const last = new Date(p.to.getTime() - 1);
    const period = tr('admin.reports.pdf_period', {
      period: periodLabel(p, req.language),
      from: formatDay(p.from, req.language, p.zone),
      to: formatDay(last, req.language, p.zone),
    });
    const scope = unit ? (unitList.find((u) => u.id === unit)?.name ?? unit) : tr('admin.reports.all_units');
    const body = html`<p class="no-print"><button type="button" data-print>${tr('admin.reports.print')}</button>
  <a href="/admin/reports/export.pdf?${periodQueryString(p)}${unit ? `&unit=${encodeURIComponent(unit)}` : ''}" download>${tr('admin.reports.pdf_link')}</a>
  · <a href="/admin/reports?${periodQueryString(p)}">${tr('admin.nav.reports')}</a></p>
<div class="official" lang="${req.language}">
${kopHtml(head)}
<div class="doc-title">
  <p><strong>${reportTitle(report, req.language)}</strong></p>
  <p>${period}</p>
  <p>${tr('admin.reports.pdf_scope', { unit: scope })} · ${tr('admin.reports.generated', { at: formatDateTime(now, req.language, zone) })}</p>
</div>
${reportBody(report, req.language)}
${signatureHtml(head, req.language, zone, now)}
</div>`;
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'private, no-store')
      .send(
        page({
          title: tr('admin.reports.print_title', { period: periodLabel(report.period, req.language) }),
          language: req.language,
          user,
          path: '/admin/reports',
          body,
          scripts: SCRIPTS,
        }),
      );
  });

  fastify.get('/admin/reports/export.pdf', async (req, reply) => {
    const { report } = await load(req);
    const pdf = await reportPdf(report, {
      head: await documentHead(app, report.unitId),
      language: req.language,
      zone,
      now: new Date(),
    });
    return reply
      .type('application/pdf')
      .header('content-disposition', `attachment; filename="${fileNameOf(report, 'pdf')}"`)
      .header('cache-control', 'private, no-store')
      .send(pdf);
  });

  fastify.get('/admin/reports/export.xlsx', async (req, reply) => {
    const { report } = await load(req);
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="${fileNameOf(report, 'xlsx')}"`)
      .header('cache-control', 'private, no-store')
      .send(reportXlsx(report, req.language as Language, app.log));
  });
};

/** "laporan-period-month-year-2026-month-8.pdf": the period in the name, nothing a header could misread. */
function fileNameOf(report: Report, extension: string): string {
  return `laporan-${periodQueryString(report.period).replace(/[^a-z0-9]+/gi, '-')}.${extension}`;
}

/** Text cut at a word near `max` characters, with an ellipsis: chart labels stay on the canvas. */
function shortened(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:]+$/, '')}…`;
}

/**
 * A chart's step labels in people's words: "4. Memeriksa laporan…", and over several SOPs the SOP's
 * title on a line above it (chart.js draws an array label as lines), never the SOP's id.
 */
function stepLabels(steps: Report['steps']): (string | string[])[] {
  const several = new Set(steps.map((s) => s.sopId)).size > 1;
  return steps.map((s) => {
    const step = `${s.stepId}. ${shortened(s.kegiatan || s.stepId, 48)}`;
    return several ? [shortened(s.sopName, 40), step] : step;
  });
}

/** The figures as tables, each with its chart above it (the table is the chart's text alternative). */
function reportBody(report: Report, language: Language): SafeHtml {
  const tr = (key: string, params?: Record<string, string>) => t(language, key, params);
  const duration = (ms: number | null) => formatWorkingMs(ms, language);
  const pct = (n: number | null) => (n === null ? '–' : `${n.toLocaleString(language === 'en' ? 'en-US' : 'id-ID')} %`);
  const none = (span: number) => html`<tr><td colspan="${span}">${tr('admin.reports.none')}</td></tr>`;
  const trendLabel = (bucket: string) => (report.period.bucket === 'day' ? bucket.slice(8) : bucket);
  const data = {
    words: {
      opened: tr('admin.reports.opened'),
      closed: tr('admin.reports.closed'),
      count: tr('admin.reports.col.count'),
      onTime: tr('admin.reports.col.on_time'),
    },
    trend: {
      labels: report.trend.map((p) => trendLabel(p.bucket)),
      opened: report.trend.map((p) => p.opened),
      closed: report.trend.map((p) => p.closed),
    },
    categories: { labels: report.categories.map((c) => c.key), counts: report.categories.map((c) => c.count) },
    channels: { labels: report.channels.map((c) => c.key), counts: report.channels.map((c) => c.count) },
    steps: {
      labels: stepLabels(report.steps),
      onTime: report.steps.map((s) => s.onTimePct ?? 0),
    },
  };
  const loadRows = (list: Report['officials']) =>
    list.length > 0
      ? list.map(
          (o) =>
            html`<tr><td>${o.name}</td><td>${o.open}</td><td${o.overdue > 0 ? html` class="late"` : ''}>${o.overdue}</td><td>${o.handled}</td><td>${duration(o.medianResponseMs)}</td></tr>`,
        )
      : none(5);
  const loadHead = html`<thead><tr><th scope="col">${tr('admin.reports.col.name')}</th><th scope="col">${tr('admin.reports.col.open')}</th><th scope="col">${tr('admin.reports.col.overdue')}</th><th scope="col">${tr('admin.reports.col.handled')}</th><th scope="col">${tr('admin.reports.col.median_response')}</th></tr></thead>`;
  const counts = (list: Report['categories']) =>
    list.length > 0 ? list.map((c) => html`<tr><td>${c.key}</td><td>${c.count}</td></tr>`) : none(2);
  return html`<section class="totals" aria-label="${tr('admin.reports.totals')}">
  <p><strong>${report.totals.opened}</strong> ${tr('admin.reports.opened')}</p>
  <p><strong>${report.totals.closed}</strong> ${tr('admin.reports.closed')}</p>
  <p><strong>${report.totals.open}</strong> ${tr('admin.reports.open_now')}</p>
  <p><strong${report.totals.overdue > 0 ? html` class="late"` : ''}>${report.totals.overdue}</strong> ${tr('admin.reports.overdue_now')}</p>
  <p><strong data-figure="reopened">${report.totals.reopened}</strong> ${tr('admin.reports.reopened')}</p>
  <p><strong data-figure="confirmed">${report.totals.confirmed}</strong> ${tr('admin.reports.confirmed')}</p>
</section>
<script type="application/json" id="report-data">${new SafeHtml(json(data))}</script>
<div class="charts">
  <figure><figcaption>${tr('admin.reports.trend')}</figcaption><div class="chart"><canvas id="chart-trend" role="img" aria-label="${tr('admin.reports.trend')}"></canvas></div></figure>
  <figure><figcaption>${tr('admin.reports.by_category')}</figcaption><div class="chart"><canvas id="chart-category" role="img" aria-label="${tr('admin.reports.by_category')}"></canvas></div></figure>
  <figure><figcaption>${tr('admin.reports.by_channel')}</figcaption><div class="chart"><canvas id="chart-channel" role="img" aria-label="${tr('admin.reports.by_channel')}"></canvas></div></figure>
  <figure><figcaption>${tr('admin.reports.on_time_chart')}</figcaption><div class="chart"><canvas id="chart-on-time" role="img" aria-label="${tr('admin.reports.on_time_chart')}"></canvas></div></figure>
</div>
<h3>${tr('admin.reports.by_step')}</h3>
<div class="table-wrap"><table class="report-steps">
<thead><tr><th scope="col">${tr('admin.reports.col.sop')}</th><th scope="col">${tr('admin.reports.col.step')}</th><th scope="col">${tr('admin.reports.col.waktu')}</th><th scope="col">${tr('admin.reports.col.count')}</th><th scope="col">${tr('admin.reports.col.median')}</th><th scope="col">${tr('admin.reports.col.p90')}</th><th scope="col">${tr('admin.reports.col.on_time')}</th><th scope="col">${tr('admin.reports.col.waited')}</th><th scope="col">${tr('admin.reports.col.reopened')}</th></tr></thead>
<tbody>${
    report.steps.length > 0
      ? report.steps.map(
          (s) =>
            html`<tr data-step="${s.sopId}:${s.stepId}"><td>${s.sopId}</td><td>${s.stepId}${s.kegiatan ? html` <span class="muted">${s.kegiatan.length > 80 ? `${s.kegiatan.slice(0, 79)}…` : s.kegiatan}</span>` : ''}</td><td>${s.waktu}${s.waktuDefault ? html` <span class="badge" title="${tr('admin.clock.waktu_default_title')}">${tr('admin.clock.waktu_default')}</span>` : ''}</td><td>${s.count}</td><td>${duration(s.medianMs)}</td><td>${duration(s.p90Ms)}</td><td>${pct(s.onTimePct)}</td><td>${s.waited > 0 ? tr('admin.reports.waited_cell', { n: String(s.waited), time: duration(s.waitedMs) }) : '–'}</td><td data-reopened="${s.reopened}">${s.reopened}</td></tr>`,
        )
      : none(9)
  }</tbody></table></div>
<h3>${tr('admin.reports.by_official')}</h3>
<div class="table-wrap"><table class="report-officials">${loadHead}<tbody>${loadRows(report.officials)}</tbody></table></div>
<h3>${tr('admin.reports.by_unit')}</h3>
<div class="table-wrap"><table class="report-units">${loadHead}<tbody>${loadRows(report.units)}</tbody></table></div>
<div class="two">
<div><h3>${tr('admin.reports.by_category')}</h3><table class="report-categories"><tbody>${counts(report.categories)}</tbody></table></div>
<div><h3>${tr('admin.reports.by_channel')}</h3><table class="report-channels"><tbody>${counts(report.channels)}</tbody></table></div>
</div>
<p class="muted">${tr('admin.reports.note')}</p>`;
}
