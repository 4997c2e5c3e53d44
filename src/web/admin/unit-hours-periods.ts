import { eq } from 'drizzle-orm';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { DateTime } from 'luxon';
import { units } from '../../db/index.js';
import { html } from '../../html.js';
import type { HoursPeriod, IsoWeekday, OfficeHours } from '../../sop/index.js';
import type { ConsoleDeps } from './console-deps.js';
import { audit, field, requireAdmin, sendPage, trOf, userOf } from './console-request.js';
import { csrfField } from './layout.js';
import type { SectionOptions } from './plugin.js';
import { hoursText, parseDayHours, weekdayName } from './units.js';

const UNIT_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;
const WEEKDAYS: readonly IsoWeekday[] = [1, 2, 3, 4, 5, 6, 7];
const pathOf = (unitId: string) => `/admin/people/units/${unitId}/hours-periods`;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A usual jam kerja Ramadan: shorter days, Friday half an hour longer; the admin adjusts it. */
const RAMADAN_DRAFT: Readonly<Record<IsoWeekday, string>> = {
  1: '08:00-15:00',
  2: '08:00-15:00',
  3: '08:00-15:00',
  4: '08:00-15:00',
  5: '08:00-15:30',
  6: '',
  7: '',
};

interface PeriodDraft {
  readonly name: string;
  readonly from: string;
  readonly to: string;
  readonly days: Readonly<Record<IsoWeekday, string>>;
}

/**
 * A unit's date ranges with their own office hours (jam kerja Ramadan, set each year). Checked
 * here as the calendar reads them: valid dates in order, each day's windows in order and apart,
 * no two ranges over the same day. This process drops the unit's calendar at once; the others
 * read it again within CALENDAR_REFRESH_SECONDS.
 */
export const unitHoursPeriodsSection: FastifyPluginAsync<SectionOptions> = async (fastify, { app }) => {
  fastify.addHook('onRequest', requireAdmin);

  fastify.get<{ Params: { id: string } }>('/admin/people/units/:id/hours-periods', async (req, reply) => {
    const unit = await findUnit(app, req.params.id);
    if (!unit) return notFound(req, reply);
    return listPage(req, reply, unit, { name: '', from: '', to: '', days: RAMADAN_DRAFT }, null, 200);
  });

  fastify.post<{ Params: { id: string } }>('/admin/people/units/:id/hours-periods', async (req, reply) => {
    const unit = await findUnit(app, req.params.id);
    if (!unit) return notFound(req, reply);
    const draft: PeriodDraft = {
      name: field(req.body, 'name'),
      from: field(req.body, 'from'),
      to: field(req.body, 'to'),
      days: Object.fromEntries(WEEKDAYS.map((d) => [d, field(req.body, `day${d}`)])) as Record<IsoWeekday, string>,
    };
    const checked = checkPeriod(req, draft, unit.hoursPeriods);
    if (typeof checked === 'string') return listPage(req, reply, unit, draft, checked, 400);
    const periods = [...unit.hoursPeriods, checked].sort((a, b) => a.from.localeCompare(b.from));
    await app.database.db.update(units).set({ hoursPeriods: periods }).where(eq(units.id, unit.id));
    app.calendars.invalidate(unit.id);
    await audit(app, req, 'unit.hours_period.add', unit.id, { ...checked });
    return reply.redirect(`${pathOf(unit.id)}?done=saved`, 303);
  });

  fastify.post<{ Params: { id: string } }>('/admin/people/units/:id/hours-periods/remove', async (req, reply) => {
    const unit = await findUnit(app, req.params.id);
    if (!unit) return notFound(req, reply);
    const from = field(req.body, 'from');
    const removed = unit.hoursPeriods.find((p) => p.from === from);
    if (!removed) {
      const blank = { name: '', from: '', to: '', days: RAMADAN_DRAFT };
      return listPage(req, reply, unit, blank, trOf(req)('admin.periods.not_listed'), 404);
    }
    const periods = unit.hoursPeriods.filter((p) => p !== removed);
    await app.database.db.update(units).set({ hoursPeriods: periods }).where(eq(units.id, unit.id));
    app.calendars.invalidate(unit.id);
    await audit(app, req, 'unit.hours_period.remove', unit.id, { ...removed });
    return reply.redirect(`${pathOf(unit.id)}?done=removed`, 303);
  });
};

/** The period to add, or the first thing wrong with it in words. */
function checkPeriod(req: FastifyRequest, draft: PeriodDraft, existing: readonly HoursPeriod[]): HoursPeriod | string {
  const tr = trOf(req);
  const name = draft.name.trim();
  if (!name || name.length > 100) return tr('admin.periods.name_required');
  const from = DateTime.fromISO(draft.from);
  const to = DateTime.fromISO(draft.to);
  if (!ISO_DATE.test(draft.from) || !ISO_DATE.test(draft.to) || !from.isValid || !to.isValid || from > to) {
    return tr('admin.periods.dates_invalid');
  }
  if (to.diff(from, 'days').days > 366) return tr('admin.periods.too_long');
  const clash = existing.find((p) => p.from <= draft.to && draft.from <= p.to);
  if (clash) return tr('admin.periods.overlap', { name: clash.name, from: clash.from, to: clash.to });
  const hours: Partial<Record<IsoWeekday, OfficeHours[]>> = {};
  for (const day of WEEKDAYS) {
    const parsed = parseDayHours(draft.days[day]);
    if (!parsed) return tr('admin.people.hours_invalid', { day: weekdayName(day, req.language) });
    if (parsed.length > 0) hours[day] = parsed;
  }
  if (Object.keys(hours).length === 0) return tr('admin.periods.no_hours');
  return { name, from: draft.from, to: draft.to, hours };
}

async function findUnit(app: ConsoleDeps, id: string) {
  if (!UNIT_ID.test(id)) return undefined;
  const [row] = await app.database.db
    .select({ id: units.id, name: units.name, hoursPeriods: units.hoursPeriods })
    .from(units)
    .where(eq(units.id, id));
  return row;
}

function listPage(
  req: FastifyRequest,
  reply: FastifyReply,
  unit: { id: string; name: string; hoursPeriods: readonly HoursPeriod[] },
  draft: PeriodDraft,
  error: string | null,
  status: number,
): FastifyReply {
  const tr = trOf(req);
  const done = (req.query as Record<string, unknown> | undefined)?.done;
  const user = userOf(req);
  const daysOf = (p: HoursPeriod) =>
    WEEKDAYS.map((d) => `${weekdayName(d, req.language)} ${hoursText(p.hours[d]) || tr('admin.people.closed')}`).join(
      '; ',
    );
  const body = html`${error ? html`<p class="error" role="alert">${error}</p>` : ''}
${done === 'saved' || done === 'removed' ? html`<p class="notice" role="status">${tr(`admin.periods.${done}`)}</p>` : ''}
<p class="muted">${tr('admin.periods.hint')}</p>
${
  unit.hoursPeriods.length === 0
    ? html`<p>${tr('admin.periods.none')}</p>`
    : html`<table><thead><tr><th scope="col">${tr('admin.periods.name')}</th><th scope="col">${tr('admin.periods.from')}</th><th scope="col">${tr('admin.periods.to')}</th><th scope="col">${tr('admin.periods.hours')}</th><th scope="col"></th></tr></thead><tbody>${unit.hoursPeriods.map(
        (p) => html`<tr><td>${p.name}</td><td>${p.from}</td><td>${p.to}</td><td>${daysOf(p)}</td>
<td><form method="post" action="${pathOf(unit.id)}/remove">${csrfField(user)}<input type="hidden" name="from" value="${p.from}"><button type="submit">${tr('admin.periods.remove')}</button></form></td></tr>`,
      )}</tbody></table>`
}
<h2>${tr('admin.periods.add')}</h2>
<form method="post" action="${pathOf(unit.id)}" class="stacked">
  ${csrfField(user)}
  <label for="name">${tr('admin.periods.name')}</label>
  <input id="name" name="name" required maxlength="100" value="${draft.name}">
  <label for="from">${tr('admin.periods.from')}</label>
  <input id="from" name="from" type="date" required value="${draft.from}">
  <label for="to">${tr('admin.periods.to')}</label>
  <input id="to" name="to" type="date" required value="${draft.to}">
  <fieldset>
    <legend>${tr('admin.periods.hours')}</legend>
    <p class="muted" id="hours-hint">${tr('admin.people.hours_hint')}</p>
    ${WEEKDAYS.map(
      (d) => html`<label for="day${d}">${weekdayName(d, req.language)}</label>
    <input id="day${d}" name="day${d}" value="${draft.days[d]}" placeholder="${tr('admin.people.closed')}" aria-describedby="hours-hint" inputmode="numeric">`,
    )}
  </fieldset>
  <button type="submit">${tr('admin.people.save')}</button>
</form>
<p><a href="/admin/people/units/${unit.id}">${tr('admin.periods.back')}</a></p>`;
  return sendPage(req, reply, {
    title: tr('admin.periods.title', { name: unit.name }),
    path: '/admin/people',
    body,
    status,
  });
}

function notFound(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.code(404).type('text/plain; charset=utf-8').send(trOf(req)('admin.error.not_found'));
}
