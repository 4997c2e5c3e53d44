import { eq } from 'drizzle-orm';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../app.js';
import { units } from '../../db/schema.js';
import {
  DEFAULT_WORKING_HOURS,
  type IsoWeekday,
  type OfficeHours,
  TIME_ZONES,
  type WorkingHours,
} from '../../sop/working-calendar.js';
import { audit, field, requireAdmin, sendPage, trOf, userOf } from './console-request.js';
import { html } from './html.js';
import { csrfField } from './layout.js';
import type { SectionOptions } from './plugin.js';
import './people-texts.js';

const BASE = '/admin/people/units';
const WEEKDAYS: readonly IsoWeekday[] = [1, 2, 3, 4, 5, 6, 7];
const UNIT_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** Weekday names as people read them; ISO order, Monday first. */
export function weekdayName(day: IsoWeekday, language: 'id' | 'en'): string {
  const id = ['Senin', 'Selasa', 'Rabu', 'Kamis', 'Jumat', 'Sabtu', 'Minggu'];
  const en = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
  return (language === 'en' ? en : id)[day - 1] ?? '';
}

/** WIB, WITA or WIT for a stored IANA zone; the zone itself for any other. */
export function zoneLabel(zone: string): string {
  return Object.entries(TIME_ZONES).find(([, iana]) => iana === zone)?.[0] ?? zone;
}

/** "08:00-16:00" or "07:30-12:00, 13:00-16:00" per day, as the form shows and takes them. */
export function hoursText(hours: readonly OfficeHours[] | undefined): string {
  return (hours ?? []).map((h) => `${h.start}-${h.end}`).join(', ');
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Reads one day's field; null when it is not valid (bad time, start not before end, overlaps). */
export function parseDayHours(text: string): OfficeHours[] | null {
  const trimmed = text.trim();
  if (!trimmed) return [];
  const spans: OfficeHours[] = [];
  for (const piece of trimmed.split(',')) {
    const m = /^\s*([01]\d|2[0-3])[:.]([0-5]\d)\s*[-–]\s*(([01]\d|2[0-3])[:.]([0-5]\d)|24[:.]00)\s*$/.exec(piece);
    if (!m) return null;
    const start = `${m[1]}:${m[2]}`;
    const end = (m[3] ?? '').replace('.', ':');
    if (minutes(start) >= minutes(end)) return null;
    const previous = spans.at(-1);
    if (previous && minutes(previous.end) > minutes(start)) return null;
    spans.push({ start, end });
  }
  return spans;
}

interface UnitDraft {
  readonly id: string;
  readonly name: string;
  readonly zone: string;
  readonly days: Readonly<Record<IsoWeekday, string>>;
}

function draftOfRow(row: typeof units.$inferSelect): UnitDraft {
  const hours = row.workingHours ?? DEFAULT_WORKING_HOURS;
  return {
    id: row.id,
    name: row.name,
    zone: row.timeZone,
    days: Object.fromEntries(WEEKDAYS.map((d) => [d, hoursText(hours[d])])) as Record<IsoWeekday, string>,
  };
}

function draftOfBody(body: unknown, id: string): UnitDraft {
  return {
    id,
    name: field(body, 'name'),
    zone: field(body, 'zone'),
    days: Object.fromEntries(WEEKDAYS.map((d) => [d, field(body, `day${d}`)])) as Record<IsoWeekday, string>,
  };
}

/**
 * Work units: their name, time zone (WIB, WITA, WIT) and office hours per weekday. Deadlines are
 * counted on these, so a change drops the unit's cached calendar at once.
 */
export const unitsSection: FastifyPluginAsync<SectionOptions> = async (fastify, { app }) => {
  fastify.addHook('onRequest', requireAdmin);

  const blank: UnitDraft = {
    id: '',
    name: '',
    zone: TIME_ZONES.WIB,
    days: Object.fromEntries(WEEKDAYS.map((d) => [d, hoursText(DEFAULT_WORKING_HOURS[d])])) as Record<
      IsoWeekday,
      string
    >,
  };

  fastify.get(`${BASE}/new`, async (req, reply) => unitForm(req, reply, blank, true, null, 200));

  fastify.post(BASE, async (req, reply) => {
    const id = field(req.body, 'id');
    const draft = draftOfBody(req.body, id);
    const tr = trOf(req);
    if (!UNIT_ID.test(id)) return unitForm(req, reply, draft, true, tr('admin.people.unit_id_invalid'), 400);
    const checked = check(req, draft);
    if (typeof checked === 'string') return unitForm(req, reply, draft, true, checked, 400);
    const [taken] = await app.database.db.select({ id: units.id }).from(units).where(eq(units.id, id));
    if (taken) return unitForm(req, reply, draft, true, tr('admin.people.unit_exists', { id }), 400);
    await app.database.db.insert(units).values({ id, ...checked });
    app.calendars.invalidate(id);
    await audit(app, req, 'unit.create', id, { name: checked.name, timeZone: checked.timeZone });
    return reply.redirect(`/admin/people?done=saved#units`, 303);
  });

  fastify.get<{ Params: { id: string } }>(`${BASE}/:id`, async (req, reply) => {
    const row = await find(app, req.params.id);
    if (!row) return notFound(req, reply);
    return unitForm(req, reply, draftOfRow(row), false, null, 200);
  });

  fastify.post<{ Params: { id: string } }>(`${BASE}/:id`, async (req, reply) => {
    const row = await find(app, req.params.id);
    if (!row) return notFound(req, reply);
    const draft = draftOfBody(req.body, row.id);
    const checked = check(req, draft);
    if (typeof checked === 'string') return unitForm(req, reply, draft, false, checked, 400);
    await app.database.db.update(units).set(checked).where(eq(units.id, row.id));
    // The engine counts deadlines on the cached calendar; without this the old hours would stay.
    app.calendars.invalidate(row.id);
    await audit(app, req, 'unit.update', row.id, {
      before: { name: row.name, timeZone: row.timeZone, workingHours: row.workingHours },
      after: checked,
    });
    return reply.redirect(`/admin/people?done=saved#units`, 303);
  });
};

async function find(app: App, id: string) {
  if (!UNIT_ID.test(id)) return undefined;
  const [row] = await app.database.db.select().from(units).where(eq(units.id, id));
  return row;
}

/** The row's new values, or the first thing wrong in words. */
function check(
  req: FastifyRequest,
  draft: UnitDraft,
): { name: string; timeZone: string; workingHours: WorkingHours } | string {
  const tr = trOf(req);
  if (!draft.name || draft.name.length > 200) return tr('admin.people.name_required');
  if (!Object.values(TIME_ZONES).includes(draft.zone as (typeof TIME_ZONES)[keyof typeof TIME_ZONES])) {
    return tr('admin.people.unknown_choice', { field: tr('admin.people.zone') });
  }
  const hours: Partial<Record<IsoWeekday, OfficeHours[]>> = {};
  for (const day of WEEKDAYS) {
    const parsed = parseDayHours(draft.days[day]);
    if (!parsed) return tr('admin.people.hours_invalid', { day: weekdayName(day, req.language) });
    if (parsed.length > 0) hours[day] = parsed;
  }
  return { name: draft.name, timeZone: draft.zone, workingHours: hours };
}

function unitForm(
  req: FastifyRequest,
  reply: FastifyReply,
  draft: UnitDraft,
  isNew: boolean,
  error: string | null,
  status: number,
): FastifyReply {
  const tr = trOf(req);
  const body = html`${error ? html`<p class="error" role="alert">${error}</p>` : ''}
<form method="post" action="${isNew ? BASE : `${BASE}/${draft.id}`}" class="stacked">
  ${csrfField(userOf(req))}
  ${
    isNew
      ? html`<label for="id">${tr('admin.people.unit_id')}</label>
  <input id="id" name="id" required maxlength="40" pattern="[a-z0-9][a-z0-9\\-]*" value="${draft.id}" aria-describedby="id-hint">
  <span id="id-hint" class="muted">${tr('admin.people.unit_id_hint')}</span>`
      : ''
  }
  <label for="name">${tr('admin.people.unit_name')}</label>
  <input id="name" name="name" required maxlength="200" value="${draft.name}">
  <label for="zone">${tr('admin.people.zone')}</label>
  <select id="zone" name="zone">${Object.entries(TIME_ZONES).map(
    ([label, iana]) =>
      html`<option value="${iana}"${iana === draft.zone ? html` selected` : ''}>${label} (${iana})</option>`,
  )}</select>
  <fieldset>
    <legend>${tr('admin.people.hours')}</legend>
    <p class="muted" id="hours-hint">${tr('admin.people.hours_hint')}</p>
    ${WEEKDAYS.map(
      (d) => html`<label for="day${d}">${weekdayName(d, req.language)}</label>
    <input id="day${d}" name="day${d}" value="${draft.days[d]}" placeholder="${tr('admin.people.closed')}" aria-describedby="hours-hint" inputmode="numeric">`,
    )}
  </fieldset>
  <button type="submit">${tr('admin.people.save')}</button>
</form>`;
  return sendPage(req, reply, {
    title: isNew ? tr('admin.people.unit_new') : tr('admin.people.unit_edit', { name: draft.name }),
    path: '/admin/people',
    body,
    status,
  });
}

function notFound(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.code(404).type('text/plain; charset=utf-8').send(trOf(req)('admin.error.not_found'));
}
