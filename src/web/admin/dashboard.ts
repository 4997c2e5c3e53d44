import { asc } from 'drizzle-orm';
import type { FastifyPluginAsync } from 'fastify';
import { DateTime } from 'luxon';
import { units } from '../../db/index.js';
import { html, type SafeHtml } from '../../html.js';
import { t } from '../../i18n/index.js';
import { zoneOf } from '../../sop/index.js';
import {
  type DashboardFigures,
  dashboardFigures,
  NO_CASES,
  type OnTimeShare,
  type OpenCounts,
} from './dashboard-figures.js';
import { page } from './layout.js';
import type { SectionOptions } from './plugin.js';
import type { ConsoleUser } from './sessions.js';

/** Each count, its heading and the tracking-table filter that lists its cases. */
const MEASURES: ReadonlyArray<{ key: keyof OpenCounts; label: string; filter: Record<string, string> }> = [
  { key: 'open', label: 'admin.dashboard.open', filter: { status: 'open' } },
  { key: 'dueToday', label: 'admin.dashboard.due_today', filter: { due: 'today' } },
  { key: 'late', label: 'admin.dashboard.late', filter: { overdue: '1' } },
  { key: 'waiting', label: 'admin.dashboard.waiting', filter: { waiting: '1' } },
  { key: 'unheld', label: 'admin.dashboard.unheld', filter: { unheld: '1' } },
];

const trackingLink = (filter: Record<string, string>) => `/admin/tracking?${new URLSearchParams(filter).toString()}`;

/** /admin: what a pimpinan asks first — how many cases are open, due, late or held by nobody, and whether we are on time. */
export const dashboardSection: FastifyPluginAsync<SectionOptions> = async (fastify, { app }) => {
  const zone = zoneOf(app.config.TZ_DEFAULT);

  fastify.get('/admin', async (req, reply) => {
    const user = req.consoleUser as ConsoleUser;
    if (user.kind === 'official') return reply.redirect('/admin/tasks');
    const now = new Date();
    const [figures, sops, unitList] = await Promise.all([
      dashboardFigures(app.database.db, now, zone),
      app.sops.all(),
      app.database.db.select({ id: units.id, name: units.name }).from(units).orderBy(asc(units.name)),
    ]);
    const tr = (key: string, params?: Record<string, string>) => t(req.language, key, params);
    const locale = req.language === 'en' ? 'en-GB' : 'id-ID';
    const number = (n: number) => n.toLocaleString(locale);

    const cell = (n: number, filter: Record<string, string>): SafeHtml =>
      n === 0 ? html`<td>0</td>` : html`<td><a href="${trackingLink(filter)}">${number(n)}</a></td>`;
    const table = (
      caption: string,
      heading: string,
      rows: ReadonlyArray<{ name: string; filter: Record<string, string>; counts: OpenCounts }>,
    ) => html`<table class="dashboard">
<caption>${caption}</caption>
<thead><tr><th scope="col">${heading}</th>${MEASURES.map((m) => html`<th scope="col">${tr(m.label)}</th>`)}</tr></thead>
<tbody>${rows.map(
      (row) =>
        html`<tr><th scope="row">${row.name}</th>${MEASURES.map((m) => cell(row.counts[m.key], { ...row.filter, ...m.filter }))}</tr>`,
    )}</tbody>
</table>`;
    const sopRows = sops.map((s) => ({
      name: s.title,
      filter: { sop: s.id },
      counts: figures.bySop.get(s.id) ?? NO_CASES,
    }));
    const unitRows = unitList.map((u) => ({
      name: u.name,
      filter: { unit: u.id },
      counts: figures.byUnit.get(u.id) ?? NO_CASES,
    }));

    const cards = html`<ul class="cards">${MEASURES.map(
      (m) =>
        html`<li class="card card-${m.key}"><a href="${trackingLink(m.filter)}"><span class="figure">${number(figures.total[m.key])}</span> <span class="label">${tr(m.label)}</span></a></li>`,
    )}</ul>`;

    const body = html`<p class="muted">${tr('admin.dashboard.intro_counts')}</p>
${cards}
${onTimeSection(figures, now, zone, req.language, tr)}
${table(tr('admin.dashboard.by_sop'), tr('admin.dashboard.sop'), sopRows)}
${table(tr('admin.dashboard.by_unit'), tr('admin.dashboard.unit'), unitRows)}`;
    return reply
      .type('text/html; charset=utf-8')
      .send(page({ title: tr('admin.nav.dashboard'), language: req.language, user, path: '/admin', body }));
  });
};

/** This month's share of steps done on time, set against last month's. */
function onTimeSection(
  figures: DashboardFigures,
  now: Date,
  zone: string,
  language: 'id' | 'en',
  tr: (key: string, params?: Record<string, string>) => string,
): SafeHtml {
  const month = DateTime.fromJSDate(now, { zone }).setLocale(language === 'en' ? 'en-GB' : 'id-ID');
  const line = (label: string, s: OnTimeShare) =>
    html`<p><span class="label">${label}</span> <strong class="figure">${s.pct === null ? '–' : `${s.pct}%`}</strong> <span class="muted">${tr('admin.dashboard.on_time_of', { on: String(s.onTime), of: String(s.steps) })}</span></p>`;
  const { thisMonth, lastMonth } = figures;
  let trend = '';
  if (thisMonth.pct !== null && lastMonth.pct !== null) {
    const diff = thisMonth.pct - lastMonth.pct;
    const key =
      diff > 0 ? 'admin.dashboard.trend_up' : diff < 0 ? 'admin.dashboard.trend_down' : 'admin.dashboard.trend_same';
    trend = tr(key, { points: String(Math.abs(diff)) });
  }
  return html`<section class="on-time" aria-labelledby="on-time-title">
<h2 id="on-time-title">${tr('admin.dashboard.on_time')}</h2>
${line(month.toFormat('LLLL yyyy'), thisMonth)}
${line(month.minus({ months: 1 }).toFormat('LLLL yyyy'), lastMonth)}
${trend ? html`<p class="trend">${trend}</p>` : ''}
</section>`;
}
