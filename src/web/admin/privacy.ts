import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { FastifyPluginAsync } from 'fastify';
import { cases, channelLinks, queryRows, stakeholders } from '../../db/index.js';
import { html } from '../../html.js';
import { eraseStakeholder, exportStakeholder } from '../../privacy/index.js';
import { zoneOf } from '../../sop/index.js';
import { formatDateTime } from './console-format.js';
import { audit, field, requireAdmin, sendPage, trOf, userOf } from './console-request.js';
import { csrfField } from './layout.js';
import type { SectionOptions } from './plugin.js';

const LISTED = 50;
const idOk = (id: string) => id.length > 0 && id.length <= 100;
const likeOf = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** UU PDP 27/2022: find a stakeholder, export what is held about them, erase it. Admins only. */
export const privacySection: FastifyPluginAsync<SectionOptions> = async (fastify, { app }) => {
  fastify.addHook('onRequest', requireAdmin);
  const { db } = app.database;
  const zone = zoneOf(app.config.TZ_DEFAULT);

  fastify.get('/admin/privacy', async (req, reply) => {
    const tr = trOf(req);
    const q = String((req.query as { q?: unknown }).q ?? '')
      .trim()
      .slice(0, 100);
    let results = html``;
    if (q.length >= 3) {
      const like = likeOf(q);
      const digits = q.replace(/\D/g, '');
      const phone = digits.length >= 6 ? likeOf(digits.replace(/^0/, '')) : null;
      const found = await queryRows<{
        id: string;
        name: string | null;
        email: string | null;
        phone: string | null;
        consent_version: string | null;
        erased_at: unknown;
        n: number;
      }>(
        db,
        sql`select s.id, s.name, s.email, s.phone, s.consent_version, s.erased_at,
  (select count(*)::int from cases c where c.stakeholder_id = s.id) as n
from stakeholders s
where s.name ilike ${like} or s.email ilike ${like} ${phone ? sql`or s.phone like ${phone}` : sql``}
  or s.id in (select c.stakeholder_id from cases c where c.ticket = ${q.toUpperCase()})
order by s.created_at desc limit ${LISTED}`,
      );
      results =
        found.length === 0
          ? html`<p>${tr('admin.privacy.none')}</p>`
          : html`<div class="table-wrap"><table><thead><tr><th scope="col">${tr('admin.privacy.col.name')}</th><th scope="col">${tr('admin.privacy.col.contact')}</th><th scope="col">${tr('admin.privacy.col.consent')}</th><th scope="col">${tr('admin.privacy.col.cases')}</th></tr></thead><tbody>${found.map(
              (s) =>
                html`<tr><td><a href="/admin/privacy/${encodeURIComponent(s.id)}">${s.name ?? '–'}</a>${s.erased_at ? html` <span class="muted">(${tr('admin.privacy.erased_at', { date: formatDateTime(new Date(String(s.erased_at)), req.language, zone) })})</span>` : ''}</td><td>${[s.email, s.phone].filter(Boolean).join(', ') || '–'}</td><td>${s.consent_version ?? '–'}</td><td>${s.n}</td></tr>`,
            )}</tbody></table></div>`;
    } else if (q) {
      results = html`<p class="muted">${tr('admin.privacy.hint')}</p>`;
    }
    return sendPage(req, reply, {
      title: tr('admin.nav.privacy'),
      path: '/admin/privacy',
      body: html`<p class="muted">${tr('admin.privacy.intro', { months: String(app.config.RETENTION_MONTHS) })}</p>
<form class="filters" method="get" action="/admin/privacy" role="search">
  <label>${tr('admin.privacy.search')}<input type="search" name="q" value="${q}" minlength="3"></label>
  <button type="submit">${tr('admin.privacy.find')}</button>
</form>
${results}`,
    });
  });

  fastify.get<{ Params: { id: string }; Querystring: { done?: string; error?: string } }>(
    '/admin/privacy/:id',
    async (req, reply) => {
      const tr = trOf(req);
      const id = req.params.id;
      const [person] = idOk(id) ? await db.select().from(stakeholders).where(eq(stakeholders.id, id)) : [];
      if (!person) {
        return sendPage(req, reply, {
          status: 404,
          title: tr('admin.error.not_found'),
          path: '/admin/privacy',
          body: html`<p><a href="/admin/privacy">${tr('admin.nav.privacy')}</a></p>`,
        });
      }
      const [own, links] = await Promise.all([
        db
          .select({ ticket: cases.ticket, rahasia: cases.rahasia, status: cases.status, openedAt: cases.openedAt })
          .from(cases)
          .where(eq(cases.stakeholderId, id))
          .orderBy(desc(cases.openedAt)),
        db
          .select()
          .from(channelLinks)
          .where(and(eq(channelLinks.ownerKind, 'stakeholder'), eq(channelLinks.ownerId, id)))
          .orderBy(asc(channelLinks.createdAt)),
      ]);
      // Who filed a rahasia report is seen by admins only, and each look is recorded.
      const rahasia = own.some((c) => c.rahasia) && !person.erasedAt;
      if (rahasia) {
        await audit(app, req, 'stakeholder.view_identity', id, {
          tickets: own.filter((c) => c.rahasia).map((c) => c.ticket),
        });
      }
      const when = (at: Date | null) => formatDateTime(at, req.language, zone);
      const user = userOf(req);
      const body = html`${req.query.done === 'erased' ? html`<p class="ok" role="status">${tr('admin.privacy.erased')}</p>` : ''}
${req.query.error === 'confirm' ? html`<p class="error" role="alert">${tr('admin.privacy.erase_refused')}</p>` : ''}
${rahasia ? html`<p class="muted">${tr('admin.privacy.rahasia_audited')}</p>` : ''}
<p><a href="/admin/privacy">← ${tr('admin.nav.privacy')}</a></p>
<dl class="facts">
  <dt>${tr('admin.privacy.name')}</dt><dd>${person.name ?? '–'}</dd>
  <dt>${tr('admin.privacy.email')}</dt><dd>${person.email ?? '–'}</dd>
  <dt>${tr('admin.privacy.phone')}</dt><dd>${person.phone ?? '–'}</dd>
  <dt>${tr('admin.privacy.language')}</dt><dd>${person.language}</dd>
  <dt>${tr('admin.privacy.consent')}</dt><dd>${person.consentVersion ? tr('admin.privacy.consent_value', { version: person.consentVersion, date: when(person.consentAt) }) : tr('admin.privacy.no_consent')}</dd>
  <dt>${tr('admin.privacy.links')}</dt><dd>${links.length > 0 ? links.map((l, i) => html`${i > 0 ? ', ' : ''}${l.channel}: ${l.address}${l.active ? '' : html` <span class="muted">(${tr('admin.privacy.link_inactive')})</span>`}`) : '–'}</dd>
  <dt>${tr('admin.privacy.cases')}</dt><dd>${own.length > 0 ? own.map((c, i) => html`${i > 0 ? ', ' : ''}<a href="/admin/cases/${encodeURIComponent(c.ticket)}">${c.ticket}</a>${c.rahasia ? html` <span class="badge">${tr('admin.case.rahasia')}</span>` : ''}`) : '–'}</dd>
</dl>
<p><a href="/admin/privacy/${encodeURIComponent(id)}/export" download>${tr('admin.privacy.export')}</a></p>
${
  person.erasedAt
    ? html`<p class="muted">${tr('admin.privacy.already_erased', { date: when(person.erasedAt) })}</p>`
    : html`<section><h2>${tr('admin.privacy.erase')}</h2><p>${tr('admin.privacy.erase_hint')}</p>
<form method="post" action="/admin/privacy/${encodeURIComponent(id)}/erase" class="stack">
  ${csrfField(user)}
  <label for="confirm">${tr('admin.privacy.erase_confirm')}</label>
  <input id="confirm" name="confirm" autocomplete="off" required pattern="HAPUS">
  <button type="submit">${tr('admin.privacy.erase')}</button>
</form></section>`
}`;
      return sendPage(req, reply, { title: tr('admin.privacy.person'), path: '/admin/privacy', body });
    },
  );

  fastify.get<{ Params: { id: string } }>('/admin/privacy/:id/export', async (req, reply) => {
    const id = req.params.id;
    const [person] = idOk(id)
      ? await db.select({ id: stakeholders.id }).from(stakeholders).where(eq(stakeholders.id, id))
      : [];
    if (!person) return reply.code(404).type('text/plain; charset=utf-8').send(trOf(req)('admin.error.not_found'));
    const data = await exportStakeholder(db, id, new Date());
    await audit(app, req, 'stakeholder.export', id);
    return reply
      .type('application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="data-pribadi-${id.replace(/[^\w-]/g, '')}.json"`)
      .header('cache-control', 'private, no-store')
      .send(JSON.stringify(data, null, 2));
  });

  fastify.post<{ Params: { id: string } }>('/admin/privacy/:id/erase', async (req, reply) => {
    const id = req.params.id;
    const back = (query: string) => reply.redirect(`/admin/privacy/${encodeURIComponent(id)}?${query}`);
    const [person] = idOk(id)
      ? await db.select({ id: stakeholders.id }).from(stakeholders).where(eq(stakeholders.id, id))
      : [];
    if (!person) return reply.code(404).type('text/plain; charset=utf-8').send(trOf(req)('admin.error.not_found'));
    if (field(req.body, 'confirm') !== 'HAPUS') return back('error=confirm');
    const result = await eraseStakeholder(db, id, { now: new Date(), dataDir: app.config.DATA_DIR });
    if (result.erased) {
      await audit(app, req, 'stakeholder.erase', id, { reason: 'request', cases: result.cases, files: result.files });
    }
    return back('done=erased');
  });
};
