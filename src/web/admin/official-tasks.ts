import { inArray } from 'drizzle-orm';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { loginTokenUsable, officials, openTasksOf, recordAudit, redeemLoginToken } from '../../db/index.js';
import { html } from '../../html.js';
import { sendPage, trOf, userOf, when } from './console-request.js';
import { page } from './layout.js';
import type { SectionOptions } from './plugin.js';
import { setSessionCookie } from './plugin.js';
import { askOutcomeLine, askOutcomeOf, askReporterForm } from './reporter-request.js';

const TASKS = '/admin/tasks';
const LISTED = 200;

/**
 * An official's way into the console: `/masuk` in their chat sends a one-time link; opening it
 * shows a button, and pressing it spends the link for a session that sees only their own steps.
 * The link is spent by the press, not by opening it, because chat apps fetch links for previews.
 */
export const officialTasksSection: FastifyPluginAsync<SectionOptions> = async (fastify, { app, sessions }) => {
  const db = app.database.db;
  const secure = app.config.PUBLIC_URL?.startsWith('https:') ?? false;

  fastify.get<{ Params: { token: string } }>('/admin/masuk/:token', async (req, reply) => {
    const tr = trOf(req);
    if (!(await loginTokenUsable(db, req.params.token, new Date()))) return spent(req, reply);
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .send(
        page({
          title: tr('admin.masuk.title'),
          language: req.language,
          user: null,
          path: req.url,
          body: html`<p>${tr('admin.masuk.intro')}</p>
<form method="post" action="/admin/masuk/${req.params.token}"><button type="submit" autofocus>${tr('admin.masuk.submit')}</button></form>`,
        }),
      );
  });

  fastify.post<{ Params: { token: string } }>('/admin/masuk/:token', async (req, reply) => {
    const officialId = await redeemLoginToken(db, req.params.token, new Date());
    if (!officialId) return spent(req, reply);
    const session = await sessions.open({ officialId });
    setSessionCookie(reply, session.token, session.expiresAt, secure);
    await recordAudit(db, { actor: `official:${officialId}`, action: 'console.official_sign_in', ip: req.ip });
    return reply.redirect(TASKS, 303);
  });

  fastify.get<{ Querystring: { ask?: string; ticket?: string } }>(TASKS, async (req, reply) => {
    const user = userOf(req);
    const tr = trOf(req);
    if (user.kind !== 'official') {
      return sendPage(req, reply, {
        title: tr('admin.nav.tasks'),
        path: TASKS,
        body: html`<p>${tr('admin.tasks.officials_only')}</p>`,
      });
    }
    const now = new Date();
    const rows = await openTasksOf(db, user.id, now, LISTED);
    const others = [...new Set(rows.map((r) => r.assigneeId).filter((id): id is string => !!id && id !== user.id))];
    const names = new Map(
      others.length > 0
        ? (
            await db
              .select({ id: officials.id, name: officials.name })
              .from(officials)
              .where(inArray(officials.id, others))
          ).map((o) => [o.id, o.name])
        : [],
    );
    const kegiatan = async (sopId: string, version: number, stepId: string) =>
      (await app.sops.get(sopId, version))?.steps.find((s) => s.id === stepId)?.kegiatan ?? '';
    const items = await Promise.all(
      rows.map(async (r) => ({ ...r, kegiatan: await kegiatan(r.sopId, r.sopVersion, r.stepId) })),
    );
    const outcome = askOutcomeLine(askOutcomeOf(req.query), String(req.query.ticket ?? '').slice(0, 40), req.language);
    const body =
      items.length === 0
        ? html`${outcome}<p>${tr('admin.tasks.none')}</p>`
        : html`${outcome}<p>${tr('admin.tasks.intro')}</p>
<div class="table-wrap"><table>
<thead><tr><th scope="col">${tr('admin.tasks.ticket')}</th><th scope="col">${tr('admin.tasks.step')}</th><th scope="col">${tr('admin.tasks.category')}</th><th scope="col">${tr('admin.tasks.subject')}</th><th scope="col">${tr('admin.tasks.entered')}</th><th scope="col">${tr('admin.tasks.due')}</th></tr></thead>
<tbody>${items.map((r) => {
            // While the step waits on the reporter its clock stands still: it is not late meanwhile.
            const late = !r.pausedAt && r.dueAt < now;
            const onBehalf = r.assigneeId && r.assigneeId !== user.id ? names.get(r.assigneeId) : undefined;
            return html`<tr>
<td>${r.ticket}<br><span class="muted">${r.sopId}</span></td>
<td>${r.stepId}. ${r.kegiatan}${onBehalf ? html`<br><span class="muted">${tr('admin.tasks.for', { name: onBehalf })}</span>` : ''}</td>
<td>${r.category ?? '–'}</td><td>${r.subject ?? '–'}</td>
<td>${when(r.enteredAt, req, r.zone)}</td>
<td>${when(r.dueAt, req, r.zone)}<br>${
              r.pausedAt
                ? html`<span class="muted">${tr('admin.tasks.waiting')}</span>`
                : late
                  ? html`<span class="late">${tr('admin.tasks.late')}</span>`
                  : html`<span class="ok">${tr('admin.tasks.on_time')}</span>`
            }${
              r.hasReporter && !r.pausedAt
                ? html`<details><summary>${tr('admin.ask.title')}</summary><p class="muted">${tr('admin.ask.hint')}</p>${askReporterForm(
                    {
                      user,
                      language: req.language,
                      ticket: r.ticket,
                      instanceId: r.instanceId,
                      action: `${TASKS}/minta-kelengkapan`,
                    },
                  )}</details>`
                : ''
            }</td>
</tr>`;
          })}</tbody></table></div>`;
    return sendPage(req, reply, { title: tr('admin.nav.tasks'), path: TASKS, body });
  });
};

function spent(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const tr = trOf(req);
  return reply
    .code(410)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(
      page({
        title: tr('admin.masuk.title'),
        language: req.language,
        user: null,
        path: '/admin/login',
        body: html`<p class="error" role="alert">${tr('admin.masuk.spent')}</p>`,
      }),
    );
}
