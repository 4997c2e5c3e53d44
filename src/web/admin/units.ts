import { eq } from 'drizzle-orm';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { parseUnitSops } from '../../cases/index.js';
import { units } from '../../db/index.js';
import { html } from '../../html.js';
import {
  DEFAULT_WORKING_HOURS,
  type IsoWeekday,
  type OfficeHours,
  TIME_ZONES,
  type WorkingHours,
} from '../../sop/index.js';
import type { ConsoleDeps } from './console-deps.js';
import { audit, field, requireAdmin, sendPage, trOf, userOf } from './console-request.js';
import { csrfField } from './layout.js';
import type { SectionOptions } from './plugin.js';

const BASE = '/admin/people/units';
const WEEKDAYS: readonly IsoWeekday[] = [1, 2, 3, 4, 5, 6, 7];
const UNIT_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** Weekday names as people read them; ISO order, Monday first. */
export function weekdayName(day: IsoWeekday, language: 'id' | 'en'): string {
  const id = ['Senin', 'Selasa', 'Rabu', 'Kamis', 'Jumat', 'Sabtu', 'Minggu'];
  const en = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
  return (language === 'en' ? en : id)[day - 1] ?? '';
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
  /** SOP ids the unit runs, in menu order, comma-separated; empty for the default (COMPLAINT_SOP). */
  readonly sops: string;
  /** The unit's escalation ceiling, a role id; empty for the SOP's own. */
  readonly ceiling: string;
}

function draftOfRow(row: typeof units.$inferSelect): UnitDraft {
  const hours = row.workingHours ?? DEFAULT_WORKING_HOURS;
  return {
    id: row.id,
    name: row.name,
    zone: row.timeZone,
    days: Object.fromEntries(WEEKDAYS.map((d) => [d, hoursText(hours[d])])) as Record<IsoWeekday, string>,
    sops: (row.offeredSops ?? []).join(', '),
    ceiling: row.escalationCeiling ?? '',
  };
}

function draftOfBody(body: unknown, id: string): UnitDraft {
  return {
    id,
    name: field(body, 'name'),
    zone: field(body, 'zone'),
    days: Object.fromEntries(WEEKDAYS.map((d) => [d, field(body, `day${d}`)])) as Record<IsoWeekday, string>,
    sops: field(body, 'sops'),
    ceiling: field(body, 'ceiling'),
  };
}

/**
 * Work units: their name, time zone (WIB, WITA, WIT) and office hours per weekday. Deadlines are
 * counted on these, so a change drops the unit's cached calendar at once.
 */
export const unitsSection: FastifyPluginAsync<SectionOptions> = async (fastify, { app }) => {
  fastify.addHook('onRequest', requireAdmin);

  const knownSops = async () => (await app.sops.all()).map((s) => s.id);
  const blank: UnitDraft = {
    sops: '',
    ceiling: '',
    id: '',
    name: '',
    zone: TIME_ZONES.WIB,
    days: Object.fromEntries(WEEKDAYS.map((d) => [d, hoursText(DEFAULT_WORKING_HOURS[d])])) as Record<
      IsoWeekday,
      string
    >,
  };

  // The roles escalations may stop at: every role of the SOPs the service runs, named once.
  const knownRoles = async () => {
    const roles = new Map<string, string>();
    for (const sop of await app.sops.all()) for (const r of sop.roles) if (!roles.has(r.id)) roles.set(r.id, r.name);
    return [...roles].map(([id, name]) => ({ id, name }));
  };
  const unitForm = async (
    req: FastifyRequest,
    reply: FastifyReply,
    draft: UnitDraft,
    isNew: boolean,
    error: string | null,
    status: number,
    known: readonly string[],
  ) => renderUnitForm(req, reply, draft, isNew, error, status, known, await knownRoles());
  const check = async (req: FastifyRequest, draft: UnitDraft, known: readonly string[]) =>
    checkDraft(req, draft, known, await knownRoles());

  fastify.get(`${BASE}/new`, async (req, reply) => unitForm(req, reply, blank, true, null, 200, await knownSops()));

  fastify.post(BASE, async (req, reply) => {
    const id = field(req.body, 'id');
    const draft = draftOfBody(req.body, id);
    const tr = trOf(req);
    const known = await knownSops();
    if (!UNIT_ID.test(id)) return unitForm(req, reply, draft, true, tr('admin.people.unit_id_invalid'), 400, known);
    const checked = await check(req, draft, known);
    if (typeof checked === 'string') return unitForm(req, reply, draft, true, checked, 400, known);
    const [taken] = await app.database.db.select({ id: units.id }).from(units).where(eq(units.id, id));
    if (taken) return unitForm(req, reply, draft, true, tr('admin.people.unit_exists', { id }), 400, known);
    await app.database.db.insert(units).values({ id, ...checked });
    app.calendars.invalidate(id);
    await audit(app, req, 'unit.create', id, {
      name: checked.name,
      timeZone: checked.timeZone,
      offeredSops: checked.offeredSops,
      escalationCeiling: checked.escalationCeiling,
    });
    return reply.redirect(`/admin/people?done=saved#units`, 303);
  });

  fastify.get<{ Params: { id: string } }>(`${BASE}/:id`, async (req, reply) => {
    const row = await find(app, req.params.id);
    if (!row) return notFound(req, reply);
    return unitForm(req, reply, draftOfRow(row), false, null, 200, await knownSops());
  });

  fastify.post<{ Params: { id: string } }>(`${BASE}/:id`, async (req, reply) => {
    const row = await find(app, req.params.id);
    if (!row) return notFound(req, reply);
    const draft = draftOfBody(req.body, row.id);
    const known = await knownSops();
    const checked = await check(req, draft, known);
    if (typeof checked === 'string') return unitForm(req, reply, draft, false, checked, 400, known);
    await app.database.db.update(units).set(checked).where(eq(units.id, row.id));
    // The engine counts deadlines on the cached calendar; without this the old hours would stay.
    app.calendars.invalidate(row.id);
    await audit(app, req, 'unit.update', row.id, {
      before: {
        name: row.name,
        timeZone: row.timeZone,
        workingHours: row.workingHours,
        offeredSops: row.offeredSops,
        escalationCeiling: row.escalationCeiling,
      },
      after: checked,
    });
    return reply.redirect(`/admin/people?done=saved#units`, 303);
  });
};

async function find(app: ConsoleDeps, id: string) {
  if (!UNIT_ID.test(id)) return undefined;
  const [row] = await app.database.db.select().from(units).where(eq(units.id, id));
  return row;
}

interface UnitValues {
  name: string;
  timeZone: string;
  workingHours: WorkingHours;
  offeredSops: string[] | null;
  escalationCeiling: string | null;
}

/** The row's new values, or the first thing wrong in words. */
function checkDraft(
  req: FastifyRequest,
  draft: UnitDraft,
  knownSops: readonly string[],
  knownRoles: readonly { id: string }[],
): UnitValues | string {
  const tr = trOf(req);
  if (draft.ceiling && !knownRoles.some((r) => r.id === draft.ceiling)) {
    return tr('admin.people.unknown_choice', { field: tr('admin.unit.ceiling') });
  }
  const sops = parseUnitSops(draft.sops, knownSops);
  if ('unknown' in sops) return tr('admin.people.unit_sop_unknown', { id: sops.unknown });
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
  return {
    name: draft.name,
    timeZone: draft.zone,
    workingHours: hours,
    offeredSops: sops.sops,
    escalationCeiling: draft.ceiling || null,
  };
}

function renderUnitForm(
  req: FastifyRequest,
  reply: FastifyReply,
  draft: UnitDraft,
  isNew: boolean,
  error: string | null,
  status: number,
  knownSops: readonly string[],
  knownRoles: readonly { id: string; name: string }[],
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
  <label for="sops">${tr('admin.people.unit_sops')}</label>
  <input id="sops" name="sops" value="${draft.sops}" maxlength="1000" aria-describedby="sops-hint">
  <span id="sops-hint" class="muted">${tr('admin.people.unit_sops_hint', { ids: knownSops.join(', ') })}</span>
  <label for="ceiling">${tr('admin.unit.ceiling')}</label>
  <select id="ceiling" name="ceiling" aria-describedby="ceiling-hint"><option value="">${tr('admin.unit.ceiling_sop')}</option>${knownRoles.map(
    (r) => html`<option value="${r.id}"${r.id === draft.ceiling ? html` selected` : ''}>${r.name} (${r.id})</option>`,
  )}</select>
  <span id="ceiling-hint" class="muted">${tr('admin.unit.ceiling_hint')}</span>
  <button type="submit">${tr('admin.people.save')}</button>
</form>
${
  isNew
    ? ''
    : html`<p><a href="${BASE}/${draft.id}/days-off">${tr('admin.daysoff.link')}</a> · <a href="${BASE}/${draft.id}/hours-periods">${tr('admin.periods.link')}</a> · <a href="${BASE}/${draft.id}/letterhead">${tr('admin.letterhead.link')}</a></p>`
}`;
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
