import { asc, eq } from 'drizzle-orm';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { countUnheldSteps } from '../../cases/index.js';
import { officials, units } from '../../db/index.js';
import { html, SafeHtml } from '../../html.js';
import { type Language, t } from '../../i18n/index.js';
import { zoneOf } from '../../sop/index.js';
import type { ConsoleDeps } from './console-deps.js';
import { page } from './layout.js';
import type { SectionOptions } from './plugin.js';
import type { ConsoleUser } from './sessions.js';
import { csvStream, type ExportContext, xlsxStream } from './tracking-export.js';
import { PAGE_SIZES, parseFilters, type TrackingFilters, trackingPage, trackingRows } from './tracking-query.js';
import { headerText, lineOf, PAGE_COLUMNS, type TrackingTableContext } from './tracking-table.js';

/** Filter values as a query string, with some changed; defaults are left out to keep links short. */
function queryOf(f: TrackingFilters, changes: Partial<Record<keyof TrackingFilters, string | number | undefined>>) {
  const merged: Record<string, string | number | undefined> = { ...f, ...changes };
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(merged)) {
    if (value === undefined || value === '') continue;
    if ((key === 'page' && value === 1) || (key === 'size' && value === 50)) continue;
    if ((key === 'sort' && value === 'opened') || (key === 'dir' && value === 'desc')) continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

async function unitNames(app: ConsoleDeps): Promise<Map<string, string>> {
  const rows = await app.database.db.select({ id: units.id, name: units.name }).from(units).orderBy(asc(units.name));
  return new Map(rows.map((u) => [u.id, u.name]));
}

/** Seed 004's tracking table for every case: filters, sorting, pages, and CSV/XLSX of the whole selection. */
/** At phone width the table keeps these columns only (admin.css), so it reads without sideways scrolling. */
const PHONE_COLUMNS = new Set(['ticket', 'status', 'owner', 'due']);
const phoneClass = (key: string): SafeHtml => new SafeHtml(PHONE_COLUMNS.has(key) ? ' class="phone"' : '');

export const trackingSection: FastifyPluginAsync<SectionOptions> = async (fastify, { app }) => {
  const zone = zoneOf(app.config.TZ_DEFAULT);

  fastify.get('/admin/tracking', async (req, reply) => {
    const user = req.consoleUser as ConsoleUser;
    const f = parseFilters(req.query);
    const now = new Date();
    const [result, names, people, sops, unheld] = await Promise.all([
      trackingPage(app.database.db, f, now, zone),
      unitNames(app),
      app.database.db
        .select({ id: officials.id, name: officials.name })
        .from(officials)
        .where(eq(officials.active, true))
        .orderBy(asc(officials.name)),
      app.sops.all(),
      countUnheldSteps(app.database.db),
    ]);
    const tr = (key: string, params?: Record<string, string>) => t(req.language, key, params);
    const offset = (result.page - 1) * f.size;
    const table: TrackingTableContext = {
      sops: app.sops,
      language: req.language as Language,
      zone,
      now,
      unitNames: names,
    };
    const lines = await Promise.all(result.rows.map((row, i) => lineOf(row, offset + i + 1, table)));

    const option = (value: string, label: string, selected: string | undefined) =>
      html`<option value="${value}"${selected === value ? html` selected` : ''}>${label}</option>`;
    const stepGroups = sops
      .filter((s) => !f.sop || s.id === f.sop)
      .map(
        (s) =>
          html`<optgroup label="${s.id}">${s.steps
            .filter((step) => step.scope === 'run')
            .map((step) =>
              option(
                `step:${s.id}:${step.id}`,
                `${step.id}. ${(req.language === 'en' ? step.status.en : undefined) ?? step.status.id}`,
                f.status,
              ),
            )}</optgroup>`,
      );
    const filters = html`<form class="filters" method="get" action="/admin/tracking" role="search">
  <label>${tr('admin.tracking.search')}<input type="search" name="q" value="${f.q ?? ''}"></label>
  <label>${tr('admin.tracking.sop')}<select name="sop">${option('', tr('admin.tracking.all'), f.sop ?? '')}${sops.map((s) => option(s.id, s.id, f.sop))}</select></label>
  <label>${tr('admin.tracking.status')}<select name="status">${option('', tr('admin.tracking.all'), f.status ?? '')}${option('open', tr('admin.tracking.open'), f.status)}${option('closed', tr('admin.tracking.closed'), f.status)}${stepGroups}</select></label>
  <label>${tr('admin.tracking.unit')}<select name="unit">${option('', tr('admin.tracking.all'), f.unit ?? '')}${[...names].map(([id, name]) => option(id, name, f.unit))}</select></label>
  <label>${tr('admin.tracking.owner')}<select name="owner">${option('', tr('admin.tracking.all'), f.owner ?? '')}${people.map((o) => option(o.id, o.name, f.owner))}</select></label>
  <label class="check"><span><input type="checkbox" name="due" value="today"${f.due ? html` checked` : ''}> ${tr('admin.tracking.due_today_only')}</span></label>
  <label>${tr('admin.tracking.from')}<input type="date" name="from" value="${f.from ?? ''}"></label>
  <label>${tr('admin.tracking.to')}<input type="date" name="to" value="${f.to ?? ''}"></label>
  <label class="check"><span><input type="checkbox" name="overdue" value="1"${f.overdue ? html` checked` : ''}> ${tr('admin.tracking.overdue_only')}</span></label>
  <label class="check"><span><input type="checkbox" name="waiting" value="1"${f.waiting ? html` checked` : ''}> ${tr('admin.tracking.waiting_only')}</span></label>
  <label class="check"><span><input type="checkbox" name="unheld" value="1"${f.unheld ? html` checked` : ''}> ${tr('admin.tracking.unheld_only')}</span></label>
  <label>${tr('admin.tracking.size')}<select name="size">${PAGE_SIZES.map((n) => option(String(n), String(n), String(f.size)))}</select></label>
  <input type="hidden" name="sort" value="${f.sort}"><input type="hidden" name="dir" value="${f.dir}">
  <button type="submit">${tr('admin.tracking.apply')}</button>
  <a href="/admin/tracking">${tr('admin.tracking.reset')}</a>
</form>`;

    const header = (column: (typeof PAGE_COLUMNS)[number]): SafeHtml => {
      const label = headerText(column, req.language as Language);
      if (!column.sort) return html`<th scope="col"${phoneClass(column.key)}>${label}</th>`;
      const active = f.sort === column.sort;
      const dir = active && f.dir === 'desc' ? 'asc' : 'desc';
      const aria = active ? html` aria-sort="${f.dir === 'asc' ? 'ascending' : 'descending'}"` : '';
      const mark = active ? (f.dir === 'asc' ? ' ▲' : ' ▼') : '';
      return html`<th scope="col"${phoneClass(column.key)}${aria}><a href="/admin/tracking${queryOf(f, { sort: column.sort, dir, page: 1 })}">${label}${mark}</a></th>`;
    };
    const rows = lines.map(
      (line) => html`<tr${line.late ? html` class="row-late"` : ''}>
${PAGE_COLUMNS.map(
  (
    column,
  ) => html`  <td${phoneClass(column.key)}>${column.html ? column.html(line, table) : String(column.cell(line, table))}</td>
`,
)}</tr>`,
    );
    const pager = (target: number, key: string, disabled: boolean) =>
      disabled
        ? html`<span class="muted">${tr(key)}</span>`
        : html`<a href="/admin/tracking${queryOf(f, { page: target })}">${tr(key)}</a>`;
    const exportQuery = queryOf(f, { page: undefined, size: undefined });
    // A step nobody holds waits unseen by anyone but the admins: said above the table until it has a holder.
    const unheldNote =
      unheld > 0
        ? html`<p class="error" role="status" id="unheld">${tr('admin.tracking.unheld_count', { count: String(unheld) })}
  <a href="/admin/tracking?unheld=1">${tr('admin.tracking.unheld_show')}</a></p>`
        : '';
    const body = html`<p class="muted">${tr('admin.tracking.intro')}</p>
${unheldNote}
${filters}
<p><strong>${tr('admin.tracking.count', { total: result.total.toLocaleString(req.language === 'en' ? 'en-US' : 'id-ID') })}</strong>
  · <a href="/admin/tracking/export.csv${exportQuery}" download>${tr('admin.tracking.export_csv')}</a>
  · <a href="/admin/tracking/export.xlsx${exportQuery}" download>${tr('admin.tracking.export_xlsx')}</a></p>
<div class="table-wrap"><table class="tracking">
<thead><tr>
  ${PAGE_COLUMNS.map(header)}
</tr></thead>
<tbody>${rows.length > 0 ? rows : html`<tr><td class="phone" colspan="${PAGE_COLUMNS.length}">${tr('admin.tracking.none')}</td></tr>`}</tbody>
</table></div>
<nav class="pager" aria-label="${tr('admin.tracking.pages')}">
  ${pager(1, 'admin.tracking.first', result.page <= 1)}
  ${pager(result.page - 1, 'admin.tracking.prev', result.page <= 1)}
  <span aria-current="page">${tr('admin.tracking.page', { page: String(result.page), pages: String(result.pages) })}</span>
  ${pager(result.page + 1, 'admin.tracking.next', result.page >= result.pages)}
  ${pager(result.pages, 'admin.tracking.last', result.page >= result.pages)}
</nav>`;
    return reply
      .type('text/html; charset=utf-8')
      .send(page({ title: tr('admin.nav.tracking'), language: req.language, user, path: '/admin/tracking', body }));
  });

  const exportContext = async (req: FastifyRequest): Promise<ExportContext> => ({
    sops: app.sops,
    language: req.language as Language,
    zone,
    now: new Date(),
    unitNames: await unitNames(app),
  });
  const fileName = (ext: string) => `pelacakan-${new Date().toISOString().slice(0, 10)}.${ext}`;

  fastify.get('/admin/tracking/export.csv', async (req, reply) => {
    const f = parseFilters(req.query);
    const ctx = await exportContext(req);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${fileName('csv')}"`)
      .header('cache-control', 'private, no-store')
      .send(csvStream(trackingRows(app.database.db, f, ctx.now, zone), ctx, app.log));
  });

  fastify.get('/admin/tracking/export.xlsx', async (req, reply) => {
    const f = parseFilters(req.query);
    const ctx = await exportContext(req);
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="${fileName('xlsx')}"`)
      .header('cache-control', 'private, no-store')
      .send(xlsxStream(trackingRows(app.database.db, f, ctx.now, zone), ctx, app.log));
  });
};
