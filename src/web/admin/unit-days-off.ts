import { and, asc, eq } from 'drizzle-orm';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { DateTime } from 'luxon';
import { unitDaysOff, units } from '../../db/index.js';
import { html } from '../../html.js';
import type { ConsoleDeps } from './console-deps.js';
import { audit, field, requireAdmin, sendPage, trOf, userOf } from './console-request.js';
import { csrfField } from './layout.js';
import type { SectionOptions } from './plugin.js';

const UNIT_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;
const pathOf = (unitId: string) => `/admin/people/units/${unitId}/days-off`;

/**
 * A unit's own days off: a local holiday, or a national day off the unit works after all (a cuti
 * bersama changed by a revised SKB), each with its reason. This process drops the unit's calendar
 * at once; the others read it again within CALENDAR_REFRESH_SECONDS.
 */
export const unitDaysOffSection: FastifyPluginAsync<SectionOptions> = async (fastify, { app }) => {
  fastify.addHook('onRequest', requireAdmin);

  fastify.get<{ Params: { id: string } }>('/admin/people/units/:id/days-off', async (req, reply) => {
    const unit = await findUnit(app, req.params.id);
    if (!unit) return notFound(req, reply);
    return listPage(app, req, reply, unit, null, 200);
  });

  fastify.post<{ Params: { id: string } }>('/admin/people/units/:id/days-off', async (req, reply) => {
    const unit = await findUnit(app, req.params.id);
    if (!unit) return notFound(req, reply);
    const tr = trOf(req);
    const date = field(req.body, 'date');
    const kind = field(req.body, 'kind');
    const reason = field(req.body, 'reason');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !DateTime.fromISO(date).isValid) {
      return listPage(app, req, reply, unit, tr('admin.daysoff.date_invalid'), 400);
    }
    if (kind !== 'off' && kind !== 'works')
      return listPage(app, req, reply, unit, tr('admin.daysoff.kind_invalid'), 400);
    if (!reason || reason.length > 200)
      return listPage(app, req, reply, unit, tr('admin.daysoff.reason_required'), 400);
    const values = { off: kind === 'off', reason, createdBy: userOf(req).name };
    await app.database.db
      .insert(unitDaysOff)
      .values({ unitId: unit.id, date, ...values })
      .onConflictDoUpdate({ target: [unitDaysOff.unitId, unitDaysOff.date], set: values });
    app.calendars.invalidate(unit.id);
    await audit(app, req, 'unit.day_off.set', unit.id, { date, off: values.off, reason });
    return reply.redirect(`${pathOf(unit.id)}?done=saved`, 303);
  });

  fastify.post<{ Params: { id: string } }>('/admin/people/units/:id/days-off/remove', async (req, reply) => {
    const unit = await findUnit(app, req.params.id);
    if (!unit) return notFound(req, reply);
    const date = field(req.body, 'date');
    const removed = await app.database.db
      .delete(unitDaysOff)
      .where(and(eq(unitDaysOff.unitId, unit.id), eq(unitDaysOff.date, date)))
      .returning({ reason: unitDaysOff.reason });
    if (removed.length === 0) return listPage(app, req, reply, unit, trOf(req)('admin.daysoff.not_listed'), 404);
    app.calendars.invalidate(unit.id);
    await audit(app, req, 'unit.day_off.remove', unit.id, { date, reason: removed[0]?.reason ?? null });
    return reply.redirect(`${pathOf(unit.id)}?done=removed`, 303);
  });
};

async function findUnit(app: ConsoleDeps, id: string) {
  if (!UNIT_ID.test(id)) return undefined;
  const [row] = await app.database.db.select({ id: units.id, name: units.name }).from(units).where(eq(units.id, id));
  return row;
}

async function listPage(
  app: ConsoleDeps,
  req: FastifyRequest,
  reply: FastifyReply,
  unit: { id: string; name: string },
  error: string | null,
  status: number,
): Promise<FastifyReply> {
  const tr = trOf(req);
  const rows = await app.database.db
    .select()
    .from(unitDaysOff)
    .where(eq(unitDaysOff.unitId, unit.id))
    .orderBy(asc(unitDaysOff.date));
  const done = (req.query as Record<string, unknown> | undefined)?.done;
  const user = userOf(req);
  const body = html`${error ? html`<p class="error" role="alert">${error}</p>` : ''}
${done === 'saved' || done === 'removed' ? html`<p class="notice" role="status">${tr(`admin.daysoff.${done}`)}</p>` : ''}
<p class="muted">${tr('admin.daysoff.hint')}</p>
${
  rows.length === 0
    ? html`<p>${tr('admin.daysoff.none')}</p>`
    : html`<table><thead><tr><th scope="col">${tr('admin.daysoff.date')}</th><th scope="col">${tr('admin.daysoff.kind')}</th><th scope="col">${tr('admin.daysoff.reason')}</th><th scope="col">${tr('admin.daysoff.by')}</th><th scope="col"></th></tr></thead><tbody>${rows.map(
        (
          r,
        ) => html`<tr><td>${r.date}</td><td>${tr(r.off ? 'admin.daysoff.off' : 'admin.daysoff.works')}</td><td>${r.reason}</td><td>${r.createdBy}</td>
<td><form method="post" action="${pathOf(unit.id)}/remove">${csrfField(user)}<input type="hidden" name="date" value="${r.date}"><button type="submit">${tr('admin.daysoff.remove')}</button></form></td></tr>`,
      )}</tbody></table>`
}
<h2>${tr('admin.daysoff.add')}</h2>
<form method="post" action="${pathOf(unit.id)}" class="stacked">
  ${csrfField(user)}
  <label for="date">${tr('admin.daysoff.date')}</label>
  <input id="date" name="date" type="date" required>
  <label for="kind">${tr('admin.daysoff.kind')}</label>
  <select id="kind" name="kind"><option value="off">${tr('admin.daysoff.off')}</option><option value="works">${tr('admin.daysoff.works')}</option></select>
  <label for="reason">${tr('admin.daysoff.reason')}</label>
  <input id="reason" name="reason" required maxlength="200">
  <button type="submit">${tr('admin.people.save')}</button>
</form>
<p><a href="/admin/people/units/${unit.id}">${tr('admin.daysoff.back')}</a></p>`;
  return sendPage(req, reply, {
    title: tr('admin.daysoff.title', { name: unit.name }),
    path: '/admin/people',
    body,
    status,
  });
}

function notFound(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.code(404).type('text/plain; charset=utf-8').send(trOf(req)('admin.error.not_found'));
}
