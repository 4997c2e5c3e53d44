import { randomUUID } from 'node:crypto';
import { and, asc, count, desc, eq, gt, isNull, ne } from 'drizzle-orm';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { DateTime } from 'luxon';
import { assignWaitingSteps } from '../../cases/index.js';
import {
  channelLinks,
  channelStates,
  createLinkCode,
  delegations,
  officials,
  stepInstances,
  units,
} from '../../db/index.js';
import { html, type SafeHtml } from '../../html.js';
import { zoneLabel, zoneOf } from '../../sop/index.js';
import { qrSvg, telegramUsername } from './channel-details.js';
import type { ConsoleDeps } from './console-deps.js';
import { audit, field, isUuid, requireAdmin, sendPage, trOf, userOf, when } from './console-request.js';
import { csrfField } from './layout.js';
import type { SectionOptions } from './plugin.js';
import { hoursText, weekdayName } from './units.js';

const PATH = '/admin/people';
const OFFICIALS = `${PATH}/officials`;
const NIP = /^\d{18}$/;
/** How long a link code from the console works: the CLI's default, time to reach the official. */
const CODE_TTL_HOURS = 72;

type OfficialRow = typeof officials.$inferSelect;

interface Role {
  readonly id: string;
  readonly name: string;
  readonly sops: readonly string[];
}

interface OfficialDraft {
  readonly nip: string;
  readonly name: string;
  readonly roleId: string;
  readonly unitId: string;
  readonly superiorId: string;
  readonly active: boolean;
  readonly receivesAlerts: boolean;
  readonly language: string;
}

/**
 * People: the units (their hours live in units.ts), the roles the SOPs define, the officials who
 * hold them with their superiors, Plh/Plt delegates for a period, the one-time codes that link an
 * official's chat, and whether each linked chat can still be reached.
 */
export const peopleSection: FastifyPluginAsync<SectionOptions> = async (fastify, { app }) => {
  fastify.addHook('onRequest', requireAdmin);
  const db = app.database.db;

  fastify.get(PATH, async (req, reply) => {
    const tr = trOf(req);
    const now = new Date();
    const [unitRows, roles, people, links, delegated] = await Promise.all([
      db.select().from(units).orderBy(asc(units.id)),
      rolesOf(app),
      db.select().from(officials).orderBy(asc(officials.unitId), asc(officials.roleId), asc(officials.name)),
      db
        .select({
          ownerId: channelLinks.ownerId,
          channel: channelLinks.channel,
          active: channelLinks.active,
        })
        .from(channelLinks)
        .where(eq(channelLinks.ownerKind, 'official')),
      db.select().from(delegations).where(gt(delegations.endsAt, now)).orderBy(asc(delegations.startsAt)),
    ]);
    const nameOf = new Map(people.map((p) => [p.id, p.name]));
    const holders = (roleId: string) => people.filter((p) => p.roleId === roleId && p.active).length;
    // Steps are given to holders in the case's own unit, and a unit runs only the SOPs its setting
    // lists: a role is missing only where a unit runs an SOP that uses it (not a Menteri of an SOP
    // nobody here runs).
    const runs = new Map(unitRows.map((u) => [u.id, u.offeredSops ?? [app.config.COMPLAINT_SOP]]));
    const missingIn = (role: Role) =>
      unitRows
        .filter(
          (u) =>
            role.sops.some((sop) => runs.get(u.id)?.includes(sop)) &&
            !people.some((p) => p.active && p.roleId === role.id && p.unitId === u.id),
        )
        .map((u) => u.name);
    const done = (req.query as { done?: string }).done === 'saved';
    const body = html`${done ? html`<p class="notice" role="status">${tr('admin.people.saved')}</p>` : ''}
<h2 id="units">${tr('admin.people.units')}</h2>
<p><a href="${PATH}/units/new">${tr('admin.people.add_unit')}</a></p>
<div class="table-wrap"><table>
<thead><tr><th scope="col">${tr('admin.people.unit_id')}</th><th scope="col">${tr('admin.people.unit_name')}</th><th scope="col">${tr('admin.people.zone')}</th><th scope="col">${tr('admin.people.hours')}</th><th scope="col">${tr('admin.people.unit_sops')}</th><th scope="col"><span class="visually-hidden">${tr('admin.people.edit')}</span></th></tr></thead>
<tbody>${unitRows.map(
      (u) => html`<tr><td>${u.id}</td><td>${u.name}</td><td>${zoneLabel(u.timeZone)}</td>
<td>${hoursSummary(u.workingHours, req)}</td><td>${(runs.get(u.id) ?? []).join(', ')}</td><td><a href="${PATH}/units/${u.id}" aria-label="${tr('admin.people.edit')} ${u.name}">${tr('admin.people.edit')}</a></td></tr>`,
    )}</tbody></table></div>

<h2 id="roles">${tr('admin.people.roles')}</h2>
<div class="table-wrap"><table>
<thead><tr><th scope="col">${tr('admin.people.role_id')}</th><th scope="col">${tr('admin.people.role_name')}</th><th scope="col">${tr('admin.people.role_sops')}</th><th scope="col">${tr('admin.people.role_holders')}</th></tr></thead>
<tbody>${roles.map((r) => {
      const n = holders(r.id);
      const missing = r.id === 'stakeholder' ? [] : missingIn(r);
      return html`<tr><td>${r.id}</td><td>${r.name}</td><td>${r.sops.join(', ')}</td><td>${n}${missing.length > 0 ? html` <span class="late">${tr('admin.people.role_empty', { units: missing.join(', ') })}</span>` : ''}</td></tr>`;
    })}</tbody></table></div>

<h2 id="officials">${tr('admin.people.officials')}</h2>
<p><a href="${OFFICIALS}/new">${tr('admin.people.add_official')}</a></p>
${
  people.length === 0
    ? html`<p>${tr('admin.people.none')}</p>`
    : html`<div class="table-wrap"><table>
<thead><tr><th scope="col">${tr('admin.people.name')}</th><th scope="col">${tr('admin.people.nip')}</th><th scope="col">${tr('admin.people.role')}</th><th scope="col">${tr('admin.people.unit')}</th><th scope="col">${tr('admin.people.superior')}</th><th scope="col">${tr('admin.people.active')}</th><th scope="col">${tr('admin.people.alerts')}</th><th scope="col">${tr('admin.people.chats')}</th></tr></thead>
<tbody>${people.map((p) => {
        const mine = links.filter((l) => l.ownerId === p.id);
        return html`<tr><td><a href="${OFFICIALS}/${p.id}">${p.name}</a></td><td>${p.nip}</td><td>${roles.find((r) => r.id === p.roleId)?.name ?? p.roleId}</td><td>${p.unitId}</td>
<td>${p.superiorId ? (nameOf.get(p.superiorId) ?? '–') : '–'}</td><td>${p.active ? tr('admin.people.active') : html`<span class="muted">${tr('admin.people.inactive')}</span>`}</td>
<td>${p.receivesAlerts ? tr('admin.people.alerts_yes') : '–'}</td>
<td>${mine.length === 0 ? html`<span class="late">–</span>` : mine.map((l) => html`<span class="${l.active ? 'ok' : 'late'}">${l.channel} ${l.active ? '✓' : '✗'}</span> `)}</td></tr>`;
      })}</tbody></table></div>`
}

<h2 id="delegations">${tr('admin.people.delegations')}</h2>
${delegationTable(req, delegated, nameOf, true)}`;
    return sendPage(req, reply, { title: tr('admin.nav.people'), path: PATH, body });
  });

  fastify.get(`${OFFICIALS}/new`, async (req, reply) =>
    officialForm(req, reply, app, null, emptyDraft(app), null, 200),
  );

  fastify.post(OFFICIALS, async (req, reply) => {
    const draft = draftOf(req.body);
    const error = await checkOfficial(req, app, draft, null);
    if (error) return officialForm(req, reply, app, null, draft, error, 400);
    const id = randomUUID();
    await db.insert(officials).values({ id, ...valuesOf(draft) });
    await audit(app, req, 'official.create', id, { nip: draft.nip, roleId: draft.roleId, unitId: draft.unitId });
    // Steps that waited for a holder of this role are theirs now (told in their chat once linked).
    await assignWaitingSteps(app.cases, db);
    return reply.redirect(`${OFFICIALS}/${id}?done=saved`, 303);
  });

  fastify.get<{ Params: { id: string } }>(`${OFFICIALS}/:id`, async (req, reply) => {
    const official = await find(app, req.params.id);
    if (!official) return notFound(req, reply);
    return officialForm(req, reply, app, official, draftOfRow(official), null, 200);
  });

  fastify.post<{ Params: { id: string } }>(`${OFFICIALS}/:id`, async (req, reply) => {
    const official = await find(app, req.params.id);
    if (!official) return notFound(req, reply);
    const draft = draftOf(req.body);
    const error = await checkOfficial(req, app, draft, official);
    if (error) return officialForm(req, reply, app, official, draft, error, 400);
    await db.update(officials).set(valuesOf(draft)).where(eq(officials.id, official.id));
    await audit(app, req, 'official.update', official.id, {
      before: draftOfRow(official),
      after: draft,
    });
    // Back from leave (active again) or moved to a role some step waits for.
    await assignWaitingSteps(app.cases, db);
    return reply.redirect(`${OFFICIALS}/${official.id}?done=saved`, 303);
  });

  fastify.post<{ Params: { id: string } }>(`${OFFICIALS}/:id/link-code`, async (req, reply) => {
    const official = await find(app, req.params.id);
    if (!official) return notFound(req, reply);
    const tr = trOf(req);
    const { code, expiresAt } = await createLinkCode(db, official.nip, CODE_TTL_HOURS);
    // The code itself stays out of the audit log: whoever reads the log could link a chat with it.
    await audit(app, req, 'official.link_code', official.id, { expiresAt: expiresAt.toISOString() });
    const [telegram] = await db.select().from(channelStates).where(eq(channelStates.channel, 'telegram'));
    const bot = telegramUsername(telegram?.detail);
    const startUrl = bot ? `https://t.me/${bot}?start=${code}` : null;
    const body = html`<p>${tr('admin.people.code_valid', { until: when(expiresAt, req, app.config.TZ_DEFAULT) })}</p>
<p class="code" id="code">${code}</p>
<h2>${tr('admin.people.code_whatsapp')}</h2>
<p class="code">DAFTAR ${code}</p>
<h2>${tr('admin.people.code_telegram')}</h2>
${
  startUrl
    ? html`${await qrSvg(startUrl, tr('admin.people.code_qr_label', { code }))}
<p><a href="${startUrl}">${startUrl}</a></p>`
    : html`<p class="muted">${tr('admin.people.code_no_telegram')}</p><p class="code">/start ${code}</p>`
}
<p><a href="${OFFICIALS}/${official.id}">${tr('admin.people.back', { name: official.name })}</a></p>`;
    return sendPage(req, reply, { title: tr('admin.people.code_title', { name: official.name }), path: PATH, body });
  });

  fastify.post<{ Params: { id: string } }>(`${OFFICIALS}/:id/delegations`, async (req, reply) => {
    const official = await find(app, req.params.id);
    if (!official) return notFound(req, reply);
    const zone = await unitZone(app, official.unitId);
    const delegateId = field(req.body, 'delegateId');
    const startsAt = localTime(field(req.body, 'startsAt'), zone);
    const endsAt = localTime(field(req.body, 'endsAt'), zone);
    const [delegate] = isUuid(delegateId)
      ? await db
          .select()
          .from(officials)
          .where(and(eq(officials.id, delegateId), eq(officials.active, true)))
      : [];
    if (
      !delegate ||
      delegate.id === official.id ||
      !startsAt ||
      !endsAt ||
      endsAt <= startsAt ||
      endsAt <= new Date()
    ) {
      return officialForm(
        req,
        reply,
        app,
        official,
        draftOfRow(official),
        trOf(req)('admin.people.delegation_invalid'),
        400,
      );
    }
    const [row] = await db
      .insert(delegations)
      .values({
        officialId: official.id,
        delegateId: delegate.id,
        startsAt,
        endsAt,
        createdBy: `console:${userOf(req).id}`,
      })
      .returning({ id: delegations.id });
    await audit(app, req, 'delegation.create', official.id, {
      delegationId: row?.id,
      delegateId: delegate.id,
      startsAt: startsAt.toISOString(),
      endsAt: endsAt.toISOString(),
    });
    return reply.redirect(`${OFFICIALS}/${official.id}?done=saved#delegations`, 303);
  });

  fastify.post<{ Params: { id: string } }>(`${PATH}/delegations/:id/end`, async (req, reply) => {
    const id = /^\d{1,15}$/.test(req.params.id) ? Number(req.params.id) : null;
    const now = new Date();
    const [row] = id
      ? await db
          .update(delegations)
          .set({ endsAt: now })
          .where(and(eq(delegations.id, id), gt(delegations.endsAt, now)))
          .returning()
      : [];
    if (!row) return notFound(req, reply);
    await audit(app, req, 'delegation.end', row.officialId, { delegationId: row.id, delegateId: row.delegateId });
    await assignWaitingSteps(app.cases, db);
    const back = field(req.body, 'back') === 'official' ? `${OFFICIALS}/${row.officialId}` : PATH;
    return reply.redirect(`${back}?done=saved#delegations`, 303);
  });
};

/** Every role the registered SOPs define, with the SOPs that use it; the stakeholder is not an official's role. */
async function rolesOf(app: ConsoleDeps): Promise<Role[]> {
  const byId = new Map<string, { name: string; sops: string[] }>();
  for (const sop of await app.sops.all()) {
    for (const role of sop.roles) {
      const known = byId.get(role.id) ?? { name: role.name, sops: [] };
      known.sops.push(sop.id);
      byId.set(role.id, known);
    }
  }
  return [...byId.entries()]
    .filter(([id]) => id !== 'stakeholder')
    .map(([id, r]) => ({ id, name: r.name, sops: r.sops }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

async function find(app: ConsoleDeps, id: string): Promise<OfficialRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await app.database.db.select().from(officials).where(eq(officials.id, id));
  return row;
}

async function unitZone(app: ConsoleDeps, unitId: string): Promise<string> {
  const [unit] = await app.database.db.select({ zone: units.timeZone }).from(units).where(eq(units.id, unitId));
  return zoneOf(unit?.zone ?? app.config.TZ_DEFAULT);
}

/** A datetime-local value ("2026-03-02T08:00") read in the given zone; null when it is not one. */
function localTime(value: string, zone: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return null;
  const at = DateTime.fromISO(value, { zone });
  return at.isValid ? at.toJSDate() : null;
}

function emptyDraft(app: ConsoleDeps): OfficialDraft {
  return {
    nip: '',
    name: '',
    roleId: '',
    unitId: app.config.DEFAULT_UNIT,
    superiorId: '',
    active: true,
    receivesAlerts: false,
    language: 'id',
  };
}

function draftOfRow(row: OfficialRow): OfficialDraft {
  return {
    nip: row.nip,
    name: row.name,
    roleId: row.roleId,
    unitId: row.unitId,
    superiorId: row.superiorId ?? '',
    active: row.active,
    receivesAlerts: row.receivesAlerts,
    language: row.language,
  };
}

function draftOf(body: unknown): OfficialDraft {
  return {
    nip: field(body, 'nip').replace(/\s+/g, ''),
    name: field(body, 'name'),
    roleId: field(body, 'roleId'),
    unitId: field(body, 'unitId'),
    superiorId: field(body, 'superiorId'),
    active: field(body, 'active') === 'on',
    receivesAlerts: field(body, 'receivesAlerts') === 'on',
    language: field(body, 'language') === 'en' ? 'en' : 'id',
  };
}

function valuesOf(d: OfficialDraft) {
  return {
    nip: d.nip,
    name: d.name,
    roleId: d.roleId,
    unitId: d.unitId,
    superiorId: d.superiorId || null,
    active: d.active,
    receivesAlerts: d.receivesAlerts,
    language: d.language,
  };
}

/** The first thing wrong with the form, in words; null when it can be saved. */
async function checkOfficial(
  req: FastifyRequest,
  app: ConsoleDeps,
  d: OfficialDraft,
  current: OfficialRow | null,
): Promise<string | null> {
  const tr = trOf(req);
  const db = app.database.db;
  if (!NIP.test(d.nip)) return tr('admin.people.nip_invalid');
  if (!d.name || d.name.length > 200) return tr('admin.people.name_required');
  const [sameNip] = await db
    .select({ id: officials.id })
    .from(officials)
    .where(current ? and(eq(officials.nip, d.nip), ne(officials.id, current.id)) : eq(officials.nip, d.nip));
  if (sameNip) return tr('admin.people.nip_taken', { nip: d.nip });
  if (!(await rolesOf(app)).some((r) => r.id === d.roleId)) {
    return tr('admin.people.unknown_choice', { field: tr('admin.people.role') });
  }
  const [unit] = await db.select({ id: units.id }).from(units).where(eq(units.id, d.unitId));
  if (!unit) return tr('admin.people.unknown_choice', { field: tr('admin.people.unit') });
  if (d.superiorId) {
    if (!isUuid(d.superiorId)) return tr('admin.people.unknown_choice', { field: tr('admin.people.superior') });
    // Walk up from the chosen superior: meeting this official again would make escalation loop.
    const seen = new Set<string>();
    let at: string | null = d.superiorId;
    while (at && !seen.has(at)) {
      if (current && at === current.id) return tr('admin.people.superior_loop');
      seen.add(at);
      const [up]: { superiorId: string | null }[] = await db
        .select({ superiorId: officials.superiorId })
        .from(officials)
        .where(eq(officials.id, at));
      if (!up && at === d.superiorId) return tr('admin.people.unknown_choice', { field: tr('admin.people.superior') });
      at = up?.superiorId ?? null;
    }
  }
  return null;
}

async function officialForm(
  req: FastifyRequest,
  reply: FastifyReply,
  app: ConsoleDeps,
  official: OfficialRow | null,
  draft: OfficialDraft,
  error: string | null,
  status: number,
): Promise<FastifyReply> {
  const tr = trOf(req);
  const user = userOf(req);
  const db = app.database.db;
  const [roles, unitRows, everyone] = await Promise.all([
    rolesOf(app),
    db.select({ id: units.id, name: units.name }).from(units).orderBy(asc(units.id)),
    db
      .select({ id: officials.id, name: officials.name, roleId: officials.roleId, active: officials.active })
      .from(officials)
      .orderBy(asc(officials.name)),
  ]);
  const others = everyone.filter((o) => o.id !== official?.id);
  const option = (value: string, label: string, selected: boolean) =>
    html`<option value="${value}"${selected ? html` selected` : ''}>${label}</option>`;
  const done = (req.query as { done?: string }).done === 'saved';
  const form = html`${done ? html`<p class="notice" role="status">${tr('admin.people.saved')}</p>` : ''}
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
<form method="post" action="${official ? `${OFFICIALS}/${official.id}` : OFFICIALS}" class="stacked">
  ${csrfField(user)}
  <label for="nip">${tr('admin.people.nip')}</label>
  <input id="nip" name="nip" required inputmode="numeric" pattern="[0-9 ]{18,24}" value="${draft.nip}">
  <label for="name">${tr('admin.people.name')}</label>
  <input id="name" name="name" required maxlength="200" value="${draft.name}">
  <label for="roleId">${tr('admin.people.role')}</label>
  <select id="roleId" name="roleId" required>${option('', '', !draft.roleId)}${roles.map((r) =>
    option(r.id, `${r.name} (${r.id})`, r.id === draft.roleId),
  )}</select>
  <label for="unitId">${tr('admin.people.unit')}</label>
  <select id="unitId" name="unitId" required>${unitRows.map((u) => option(u.id, `${u.name} (${u.id})`, u.id === draft.unitId))}</select>
  <label for="superiorId">${tr('admin.people.superior')}</label>
  <select id="superiorId" name="superiorId">${option('', tr('admin.people.no_superior'), !draft.superiorId)}${others.map(
    (o) => option(o.id, `${o.name} (${o.roleId})`, o.id === draft.superiorId),
  )}</select>
  <label for="language">${tr('admin.people.language')}</label>
  <select id="language" name="language">${option('id', 'Bahasa Indonesia', draft.language !== 'en')}${option('en', 'English', draft.language === 'en')}</select>
  <label class="check"><input type="checkbox" name="active"${draft.active ? html` checked` : ''}> ${tr('admin.people.active')}</label>
  <label class="check"><input type="checkbox" name="receivesAlerts" aria-describedby="alerts-hint"${draft.receivesAlerts ? html` checked` : ''}> ${tr('admin.people.receives_alerts')}</label>
  <p class="muted" id="alerts-hint">${tr('admin.people.receives_alerts_hint')}</p>
  <button type="submit">${tr('admin.people.save')}</button>
</form>`;
  if (!official) {
    return sendPage(req, reply, { title: tr('admin.people.official_new'), path: PATH, body: form, status });
  }

  const now = new Date();
  const zone = await unitZone(app, official.unitId);
  const [links, delegated, [open]] = await Promise.all([
    db
      .select()
      .from(channelLinks)
      .where(and(eq(channelLinks.ownerKind, 'official'), eq(channelLinks.ownerId, official.id)))
      .orderBy(desc(channelLinks.lastSeenAt)),
    db
      .select()
      .from(delegations)
      .where(and(eq(delegations.officialId, official.id), gt(delegations.endsAt, now)))
      .orderBy(asc(delegations.startsAt)),
    db
      .select({ n: count() })
      .from(stepInstances)
      .where(and(eq(stepInstances.assigneeId, official.id), isNull(stepInstances.leftAt))),
  ]);
  const nameOf = new Map(everyone.map((o) => [o.id, o.name]));
  const zoneName = zoneLabel(zone);
  const body = html`${form}
${!official.active && (open?.n ?? 0) > 0 ? html`<p class="late">${tr('admin.people.open_steps', { count: String(open?.n) })}</p>` : ''}
<h2 id="chats">${tr('admin.people.chats')}</h2>
${
  links.length === 0
    ? html`<p>${tr('admin.people.no_chats')}</p>`
    : html`<div class="table-wrap"><table>
<thead><tr><th scope="col">${tr('admin.people.channel')}</th><th scope="col">${tr('admin.people.address')}</th><th scope="col">${tr('admin.people.reachable')}</th><th scope="col">${tr('admin.people.last_seen')}</th><th scope="col">${tr('admin.people.last_error')}</th></tr></thead>
<tbody>${links.map(
        (l) => html`<tr><td>${l.channel}</td><td>${l.address}</td>
<td>${l.active ? html`<span class="ok">${tr('admin.people.reachable')}</span>` : html`<span class="late">${tr('admin.people.unreachable')}</span>`}</td>
<td>${when(l.lastSeenAt, req, zone)}</td><td>${l.lastError ?? '–'}</td></tr>`,
      )}</tbody></table></div>`
}
<h2 id="link-code">${tr('admin.people.link_code')}</h2>
<p>${tr('admin.people.link_code_intro')}</p>
<form method="post" action="${OFFICIALS}/${official.id}/link-code">${csrfField(user)}<button type="submit">${tr('admin.people.make_code')}</button></form>
<h2 id="delegations">${tr('admin.people.delegations_of')}</h2>
<p>${tr('admin.people.delegation_intro')}</p>
${delegationTable(req, delegated, nameOf, false)}
<form method="post" action="${OFFICIALS}/${official.id}/delegations" class="stacked">
  ${csrfField(user)}
  <label for="delegateId">${tr('admin.people.delegate')}</label>
  <select id="delegateId" name="delegateId" required>${option('', '', true)}${others
    .filter((o) => o.active)
    .map((o) => option(o.id, `${o.name} (${o.roleId})`, false))}</select>
  <p class="muted" id="zone-hint">${tr('admin.people.times_in_zone', { zone: zoneName })}</p>
  <label for="startsAt">${tr('admin.people.starts')}</label>
  <input id="startsAt" name="startsAt" type="datetime-local" required aria-describedby="zone-hint" value="${DateTime.fromJSDate(now, { zone }).toFormat("yyyy-MM-dd'T'HH:mm")}">
  <label for="endsAt">${tr('admin.people.ends')}</label>
  <input id="endsAt" name="endsAt" type="datetime-local" required aria-describedby="zone-hint">
  <button type="submit">${tr('admin.people.add_delegation')}</button>
</form>`;
  return sendPage(req, reply, {
    title: tr('admin.people.official_edit', { name: official.name }),
    path: PATH,
    body,
    status,
  });
}

function delegationTable(
  req: FastifyRequest,
  rows: readonly (typeof delegations.$inferSelect)[],
  nameOf: ReadonlyMap<string, string>,
  showOfficial: boolean,
): SafeHtml {
  const tr = trOf(req);
  const user = userOf(req);
  if (rows.length === 0) return html`<p>${tr('admin.people.none')}</p>`;
  return html`<div class="table-wrap"><table>
<thead><tr>${showOfficial ? html`<th scope="col">${tr('admin.people.for_official')}</th>` : ''}<th scope="col">${tr('admin.people.delegate')}</th><th scope="col">${tr('admin.people.starts')}</th><th scope="col">${tr('admin.people.ends')}</th><th scope="col"><span class="visually-hidden">${tr('admin.people.end_delegation')}</span></th></tr></thead>
<tbody>${rows.map(
    (
      d,
    ) => html`<tr>${showOfficial ? html`<td>${nameOf.get(d.officialId) ?? d.officialId}</td>` : ''}<td>${nameOf.get(d.delegateId) ?? d.delegateId}</td>
<td>${when(d.startsAt, req)}</td><td>${when(d.endsAt, req)}</td>
<td><form method="post" action="${PATH}/delegations/${d.id}/end">${csrfField(user)}<input type="hidden" name="back" value="${showOfficial ? 'people' : 'official'}"><button type="submit" class="secondary">${tr('admin.people.end_delegation')}</button></form></td></tr>`,
  )}</tbody></table></div>`;
}

function hoursSummary(hours: (typeof units.$inferSelect)['workingHours'], req: FastifyRequest): SafeHtml {
  const tr = trOf(req);
  const days = ([1, 2, 3, 4, 5, 6, 7] as const).map((d) => {
    const text = hours ? hoursText(hours[d]) : d <= 5 ? '08:00-16:00' : '';
    return `${weekdayName(d, req.language).slice(0, 3)} ${text || tr('admin.people.closed')}`;
  });
  return html`${days.join(' · ')}`;
}

function notFound(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.code(404).type('text/plain; charset=utf-8').send(trOf(req)('admin.error.not_found'));
}
