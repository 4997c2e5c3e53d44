import { Readable } from 'node:stream';
import { and, asc, count, desc, eq, gt, gte, lt, type SQL, sql } from 'drizzle-orm';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { DateTime } from 'luxon';
import { documents, downloads, stakeholders } from '../../db/index.js';
import { html } from '../../html.js';
import { zoneOf } from '../../sop/index.js';
import type { ConsoleDeps } from './console-deps.js';
import { audit, requireAdmin, sendPage, trOf, when } from './console-request.js';
import type { SectionOptions } from './plugin.js';

const PATH = '/admin/guestbook';
const PAGE_SIZE = 50;
/** Rows fetched per query while the CSV streams: memory stays flat however long the book is. */
const EXPORT_BATCH = 1000;

interface Filters {
  readonly document: string;
  readonly channel: string;
  readonly from: string;
  readonly to: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The buku tamu: who downloaded what, when and over which channel, with filters and a streamed CSV. */
export const guestbookSection: FastifyPluginAsync<SectionOptions> = async (fastify, { app }) => {
  fastify.addHook('onRequest', requireAdmin);
  fastify.get(PATH, async (req, reply) => {
    const tr = trOf(req);
    const filters = filtersOf(req);
    const where = conditions(app, filters);
    const page = Math.max(1, Math.min(Number((req.query as { page?: string }).page) || 1, 100_000));
    const [total] = await app.database.db.select({ n: count() }).from(downloads).where(where);
    const rows = await selectRows(app)
      .where(where)
      .orderBy(desc(downloads.at), desc(downloads.id))
      .limit(PAGE_SIZE)
      .offset((page - 1) * PAGE_SIZE);
    const [docs, channels] = await Promise.all([
      app.database.db
        .select({ id: documents.id, number: documents.number, revision: documents.revision, title: documents.title })
        .from(documents)
        .orderBy(asc(documents.number), desc(documents.revision)),
      app.database.db.selectDistinct({ channel: downloads.channel }).from(downloads).orderBy(asc(downloads.channel)),
    ]);
    const badDate = [filters.from, filters.to].some((d) => d && !DATE.test(d));
    const query = (extra: Record<string, string>) =>
      new URLSearchParams({ ...(filters as unknown as Record<string, string>), ...extra }).toString();
    const pages = Math.max(1, Math.ceil((total?.n ?? 0) / PAGE_SIZE));
    const body = html`<p>${tr('admin.guestbook.intro')}</p>
<form method="get" action="${PATH}" class="filters">
  <label for="f-document">${tr('admin.guestbook.document')}
    <select id="f-document" name="document"><option value="">${tr('admin.guestbook.all')}</option>${docs.map(
      (d) =>
        html`<option value="${d.id}"${d.id === filters.document ? html` selected` : ''}>${d.number} rev ${d.revision} — ${d.title.slice(0, 60)}</option>`,
    )}</select></label>
  <label for="f-channel">${tr('admin.guestbook.channel')}
    <select id="f-channel" name="channel"><option value="">${tr('admin.guestbook.all')}</option>${channels.map(
      (c) => html`<option${c.channel === filters.channel ? html` selected` : ''}>${c.channel}</option>`,
    )}</select></label>
  <label for="f-from">${tr('admin.guestbook.from')}<input id="f-from" name="from" type="date" value="${filters.from}"></label>
  <label for="f-to">${tr('admin.guestbook.to')}<input id="f-to" name="to" type="date" value="${filters.to}"></label>
  <button type="submit">${tr('admin.guestbook.filter')}</button>
  <a href="${PATH}.csv?${query({})}">${tr('admin.guestbook.export')}</a>
</form>
${badDate ? html`<p class="error" role="alert">${tr('admin.guestbook.bad_date')}</p>` : ''}
<p role="status">${tr('admin.guestbook.count', { count: String(total?.n ?? 0) })}</p>
${
  rows.length === 0
    ? html`<p>${tr('admin.guestbook.none')}</p>`
    : html`<div class="table-wrap"><table>
<thead><tr><th scope="col">${tr('admin.guestbook.at')}</th><th scope="col">${tr('admin.guestbook.document')}</th><th scope="col">${tr('admin.guestbook.channel')}</th><th scope="col">${tr('admin.guestbook.name')}</th><th scope="col">${tr('admin.guestbook.contact')}</th></tr></thead>
<tbody>${rows.map(
        (
          r,
        ) => html`<tr><td>${when(r.at, req, app.config.TZ_DEFAULT)}</td><td>${r.number} rev ${r.revision} — ${r.title}</td><td>${r.channel}</td>
<td>${personName(r, tr)}</td><td>${r.erasedAt ? '' : [r.email, r.phone].filter(Boolean).join(', ')}</td></tr>`,
      )}</tbody></table></div>`
}
${
  pages > 1
    ? html`<nav aria-label="${tr('admin.guestbook.page', { page: String(page) })}" class="pager">
${page > 1 ? html`<a href="${PATH}?${query({ page: String(page - 1) })}" rel="prev">${tr('admin.guestbook.previous')}</a>` : ''}
<span>${tr('admin.guestbook.page', { page: String(page) })} / ${pages}</span>
${page < pages ? html`<a href="${PATH}?${query({ page: String(page + 1) })}" rel="next">${tr('admin.guestbook.next')}</a>` : ''}
</nav>`
    : ''
}`;
    return sendPage(req, reply, { title: tr('admin.nav.guestbook'), path: PATH, body });
  });

  // Streamed a batch at a time (keyset on the id), so a long book does not sit in memory.
  fastify.get(`${PATH}.csv`, async (req, reply) => {
    const tr = trOf(req);
    const filters = filtersOf(req);
    const where = conditions(app, filters);
    await audit(app, req, 'guestbook.export', null, { ...filters });
    const zone = zoneOf(app.config.TZ_DEFAULT);
    async function* lines(): AsyncGenerator<string> {
      // A byte-order mark, so spreadsheet programs read the names as UTF-8.
      yield `\uFEFF${csvLine([
        tr('admin.guestbook.at'),
        tr('admin.documents.number'),
        tr('admin.documents.revision'),
        tr('admin.documents.title_field'),
        tr('admin.guestbook.channel'),
        tr('admin.guestbook.name'),
        'Email',
        'HP',
      ])}`;
      let after = 0;
      for (;;) {
        const batch = await selectRows(app)
          .where(and(where, gt(downloads.id, after)))
          .orderBy(asc(downloads.id))
          .limit(EXPORT_BATCH);
        for (const r of batch) {
          yield csvLine([
            DateTime.fromJSDate(r.at, { zone }).toFormat("yyyy-MM-dd'T'HH:mm:ssZZ"),
            r.number,
            String(r.revision),
            r.title,
            r.channel,
            r.erasedAt ? tr('admin.guestbook.erased') : (r.name ?? ''),
            r.erasedAt ? '' : (r.email ?? ''),
            r.erasedAt ? '' : (r.phone ?? ''),
          ]);
        }
        if (batch.length < EXPORT_BATCH) return;
        after = batch.at(-1)?.id ?? after;
      }
    }
    const stamp = DateTime.now().setZone(zone).toFormat('yyyyMMdd-HHmm');
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="buku-tamu-${stamp}.csv"`)
      .header('cache-control', 'no-store')
      .send(Readable.from(lines()));
  });
};

function filtersOf(req: FastifyRequest): Filters {
  const q = req.query as Record<string, unknown>;
  const text = (name: string, max: number) => (typeof q[name] === 'string' ? (q[name] as string).slice(0, max) : '');
  return { document: text('document', 40), channel: text('channel', 40), from: text('from', 10), to: text('to', 10) };
}

/** Dates are whole days in the service's zone (WIB unless set): "to" includes that day. */
function conditions(app: ConsoleDeps, f: Filters): SQL | undefined {
  const zone = zoneOf(app.config.TZ_DEFAULT);
  const day = (d: string) => (DATE.test(d) ? DateTime.fromISO(d, { zone }) : null);
  const from = day(f.from);
  const to = day(f.to);
  const parts: SQL[] = [];
  if (f.document) parts.push(eq(downloads.documentId, f.document));
  if (f.channel) parts.push(eq(downloads.channel, f.channel));
  if (from?.isValid) parts.push(gte(downloads.at, from.toJSDate()));
  if (to?.isValid) parts.push(lt(downloads.at, to.plus({ days: 1 }).toJSDate()));
  return parts.length > 0 ? and(...parts) : sql`true`;
}

function selectRows(app: ConsoleDeps) {
  return app.database.db
    .select({
      id: downloads.id,
      at: downloads.at,
      channel: downloads.channel,
      number: documents.number,
      revision: documents.revision,
      title: documents.title,
      name: stakeholders.name,
      email: stakeholders.email,
      phone: stakeholders.phone,
      erasedAt: stakeholders.erasedAt,
    })
    .from(downloads)
    .innerJoin(documents, eq(documents.id, downloads.documentId))
    .leftJoin(stakeholders, eq(stakeholders.id, downloads.stakeholderId))
    .$dynamic();
}

function personName(
  r: { name: string | null; erasedAt: Date | null },
  tr: (key: string) => string,
): ReturnType<typeof html> | string {
  if (r.erasedAt) return html`<span class="muted">${tr('admin.guestbook.erased')}</span>`;
  return r.name ?? html`<span class="muted">${tr('admin.guestbook.anonymous')}</span>`;
}

/**
 * One CSV line. A cell starting with =, +, - or @ is prefixed with ' so a spreadsheet shows a
 * name typed by the public as text instead of running it as a formula.
 */
export function csvLine(cells: readonly string[]): string {
  return `${cells
    .map((cell) => {
      const safe = /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
      return /[",\r\n;]/.test(safe) || safe !== cell ? `"${safe.replace(/"/g, '""')}"` : safe;
    })
    .join(',')}\r\n`;
}
