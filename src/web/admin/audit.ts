import { Readable } from 'node:stream';
import { and, desc, eq, gte, ilike, inArray, lt, type SQL, sql } from 'drizzle-orm';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { DateTime } from 'luxon';
import { adminAccounts, auditLog, officials } from '../../db/index.js';
import { html } from '../../html.js';
import { formatMoment, hasMessage, type Language, t } from '../../i18n/index.js';
import { zoneOf } from '../../sop/index.js';
import type { ConsoleDeps } from './console-deps.js';
import { audit, requireAdmin, trOf } from './console-request.js';
import { csvLine } from './guestbook.js';
import { page } from './layout.js';
import type { SectionOptions } from './plugin.js';
import type { ConsoleUser } from './sessions.js';

const PATH = '/admin/audit';
const PAGE_SIZE = 50;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

interface Filters {
  /** Words in the actor (username, `official:<id>`, `system`). */
  readonly who: string;
  /** One action code, e.g. `document.publish`. */
  readonly action: string;
  readonly from: string;
  readonly to: string;
  readonly page: number;
}

function filtersOf(req: FastifyRequest): Filters {
  const q = req.query as Record<string, unknown>;
  const text = (name: string, max: number) =>
    typeof q[name] === 'string' ? (q[name] as string).trim().slice(0, max) : '';
  const page = Number.parseInt(text('page', 7), 10);
  return {
    who: text('who', 80),
    action: text('action', 80),
    from: text('from', 10),
    to: text('to', 10),
    page: Number.isFinite(page) && page > 0 ? page : 1,
  };
}

/** Dates are whole days in the console's zone: "to" includes that day. */
function whereOf(f: Filters, zone: string): SQL {
  const day = (d: string) => (DATE.test(d) ? DateTime.fromISO(d, { zone }) : null);
  const parts: SQL[] = [];
  // `%` and `_` typed by a person are literal characters, not wildcards.
  if (f.who) parts.push(ilike(auditLog.actor, `%${f.who.replace(/[\\%_]/g, (c) => `\\${c}`)}%`));
  if (f.action) parts.push(eq(auditLog.action, f.action));
  const from = day(f.from);
  const to = day(f.to);
  if (from?.isValid) parts.push(gte(auditLog.at, from.toJSDate()));
  if (to?.isValid) parts.push(lt(auditLog.at, to.plus({ days: 1 }).toJSDate()));
  return parts.length > 0 ? (and(...parts) as SQL) : sql`true`;
}

type AuditRow = typeof auditLog.$inferSelect;

/** People's names for the actors on a page: accounts by username, officials by id. */
async function actorNames(app: ConsoleDeps, rows: readonly AuditRow[]): Promise<Map<string, string>> {
  const usernames = new Set<string>();
  const officialIds = new Set<string>();
  for (const r of rows) {
    const [kind, id] = splitActor(r.actor);
    if (kind === 'admin' && id) usernames.add(id);
    if (kind === 'official' && id) officialIds.add(id);
  }
  const names = new Map<string, string>();
  const [accounts, people] = await Promise.all([
    usernames.size > 0
      ? app.database.db
          .select({ username: adminAccounts.username, name: adminAccounts.name })
          .from(adminAccounts)
          .where(inArray(adminAccounts.username, [...usernames]))
      : [],
    officialIds.size > 0
      ? app.database.db
          .select({ id: officials.id, name: officials.name })
          .from(officials)
          .where(inArray(officials.id, [...officialIds]))
      : [],
  ]);
  for (const a of accounts) names.set(`admin:${a.username}`, `${a.name} (${a.username})`);
  for (const o of people) names.set(`official:${o.id}`, o.name);
  return names;
}

function splitActor(actor: string): [string, string | undefined] {
  const at = actor.indexOf(':');
  return at < 0 ? [actor, undefined] : [actor.slice(0, at), actor.slice(at + 1)];
}

/** "key: value" pairs of an entry's details, one line. */
function detailsText(details: Record<string, unknown>): string {
  return Object.entries(details)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join('; ');
}

/** /admin/audit: every console action and every reveal of a rahasia identity — who, what, when — with filters and CSV. */
export const auditSection: FastifyPluginAsync<SectionOptions> = async (fastify, { app }) => {
  const zone = zoneOf(app.config.TZ_DEFAULT);

  const words = (language: Language, names: Map<string, string>) => ({
    who: (actor: string) => names.get(actor) ?? (actor === 'system' ? t(language, 'admin.audit.system') : actor),
    // An action without words of its own (a new one, or the queue board's) shows its code.
    what: (action: string) => {
      const key = `admin.audit.action.${action}`;
      return hasMessage(language, key) ? t(language, key) : action;
    },
  });

  fastify.get(PATH, { preHandler: requireAdmin }, async (req, reply) => {
    const user = req.consoleUser as ConsoleUser;
    const f = filtersOf(req);
    const tr = trOf(req);
    const where = whereOf(f, zone);
    const [rows, [count], actions] = await Promise.all([
      app.database.db
        .select()
        .from(auditLog)
        .where(where)
        .orderBy(desc(auditLog.id))
        .limit(PAGE_SIZE)
        .offset((f.page - 1) * PAGE_SIZE),
      app.database.db.select({ n: sql<number>`count(*)::int` }).from(auditLog).where(where),
      app.database.db.selectDistinct({ action: auditLog.action }).from(auditLog).orderBy(auditLog.action),
    ]);
    const total = Number(count?.n ?? 0);
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    const w = words(req.language, await actorNames(app, rows));
    /** The filters as a query string, on page `to` (none: no page, for the export). */
    const query = (to: number | null) => {
      const params = new URLSearchParams();
      for (const key of ['who', 'action', 'from', 'to'] as const) if (f[key]) params.set(key, f[key]);
      if (to !== null && to > 1) params.set('page', String(to));
      const text = params.toString();
      return text ? `?${text}` : '';
    };
    const option = (value: string, label: string) =>
      html`<option value="${value}"${f.action === value ? html` selected` : ''}>${label}</option>`;
    const body = html`<p class="muted">${tr('admin.audit.intro')}</p>
<form class="filters" method="get" action="${PATH}" role="search">
  <label>${tr('admin.audit.who')}<input type="search" name="who" value="${f.who}"></label>
  <label>${tr('admin.audit.what')}<select name="action">${option('', tr('admin.audit.all'))}${actions.map((a) => option(a.action, w.what(a.action)))}</select></label>
  <label>${tr('admin.audit.from')}<input type="date" name="from" value="${f.from}"></label>
  <label>${tr('admin.audit.to')}<input type="date" name="to" value="${f.to}"></label>
  <button type="submit">${tr('admin.audit.apply')}</button>
  <a href="${PATH}">${tr('admin.audit.reset')}</a>
</form>
<p><strong>${tr('admin.audit.count', { total: total.toLocaleString(req.language === 'en' ? 'en-US' : 'id-ID') })}</strong>
  · <a href="${PATH}/export.csv${query(null)}" download>${tr('admin.audit.export_csv')}</a></p>
<div class="table-wrap"><table class="audit">
<thead><tr><th scope="col">${tr('admin.audit.when')}</th><th scope="col">${tr('admin.audit.who')}</th><th scope="col">${tr('admin.audit.what')}</th><th scope="col">${tr('admin.audit.target')}</th><th scope="col">${tr('admin.audit.details')}</th><th scope="col">${tr('admin.audit.ip')}</th></tr></thead>
<tbody>${
      rows.length > 0
        ? rows.map(
            (r) =>
              html`<tr><td>${formatMoment(r.at, req.language, zone)}</td><td>${w.who(r.actor)}</td><td>${w.what(r.action)}</td><td>${r.target ?? ''}</td><td>${detailsText(r.details)}</td><td>${r.ip ?? ''}</td></tr>`,
          )
        : html`<tr><td colspan="6">${tr('admin.audit.none')}</td></tr>`
    }</tbody>
</table></div>
<nav class="pager" aria-label="${tr('admin.audit.pages')}">
  ${f.page > 1 ? html`<a href="${PATH}${query(f.page - 1)}">${tr('admin.audit.prev')}</a>` : ''}
  <span aria-current="page">${tr('admin.audit.page', { page: String(f.page), pages: String(pages) })}</span>
  ${f.page < pages ? html`<a href="${PATH}${query(f.page + 1)}">${tr('admin.audit.next')}</a>` : ''}
</nav>`;
    return reply
      .type('text/html; charset=utf-8')
      .send(page({ title: tr('admin.nav.audit'), language: req.language, user, path: PATH, body }));
  });

  fastify.get(`${PATH}/export.csv`, { preHandler: requireAdmin }, async (req, reply) => {
    const f = filtersOf(req);
    const tr = trOf(req);
    const where = whereOf(f, zone);
    await audit(app, req, 'audit.export', null, { who: f.who, action: f.action, from: f.from, to: f.to });
    const language = req.language;
    async function* lines(): AsyncGenerator<string> {
      yield `\uFEFF${csvLine(['when', 'who', 'what', 'target', 'details', 'ip'].map((k) => tr(`admin.audit.${k}`)))}`;
      // Read in batches by id, newest first, so a long log never sits in memory at once.
      let before: number | null = null;
      for (;;) {
        const batch: AuditRow[] = await app.database.db
          .select()
          .from(auditLog)
          .where(before === null ? where : and(where, lt(auditLog.id, before)))
          .orderBy(desc(auditLog.id))
          .limit(500);
        if (batch.length === 0) return;
        const w = words(language, await actorNames(app, batch));
        yield batch
          .map((r) =>
            csvLine([
              DateTime.fromJSDate(r.at, { zone }).toFormat("yyyy-MM-dd'T'HH:mm:ssZZ"),
              w.who(r.actor),
              w.what(r.action),
              r.target ?? '',
              detailsText(r.details),
              r.ip ?? '',
            ]),
          )
          .join('');
        before = batch.at(-1)?.id ?? null;
      }
    }
    const stamp = DateTime.now().setZone(zone).toFormat('yyyyMMdd-HHmm');
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="log-audit-${stamp}.csv"`)
      .header('cache-control', 'private, no-store')
      .send(Readable.from(lines()));
  });
};
