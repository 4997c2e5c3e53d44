import { and, asc, eq } from 'drizzle-orm';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { UnknownCaseError } from '../../cases/index.js';
import { cases, officials, recordAudit, units } from '../../db/index.js';
import { AttachmentStore } from '../../files/index.js';
import { html, type SafeHtml } from '../../html.js';
import { formatIsoMoment, isLanguage, t } from '../../i18n/index.js';
import { identityPatterns, pseudonymOf, scrubText } from '../../privacy/index.js';
import { CaseRejectedError, zoneOf } from '../../sop/index.js';
import { contentDisposition } from '../download-links.js';
import { caseFieldsBlock, fieldLabel } from './case-fields.js';
import { type CaseTimeline, loadCaseTimeline } from './case-timeline.js';
import { formatDateTime, formatWorkingMs } from './console-format.js';
import { actorOf, isAdmin } from './console-request.js';
import { csrfField, page } from './layout.js';
import type { SectionOptions } from './plugin.js';
import { askOutcomeLine, askOutcomeOf, askReporterForm } from './reporter-request.js';
import type { ConsoleUser } from './sessions.js';

const reassignBody = z.object({
  instanceId: z.string().min(1).max(200),
  toOfficialId: z.string().min(1).max(200),
  reason: z.string().trim().max(500).optional(),
});

const KNOWN_ERRORS = new Set(['invalid', 'unknown_official', 'stale_step', 'case_closed']);

/** A case's whole timeline, what the stakeholder was told, and (for admins) reassigning its step. */
export const casePageSection: FastifyPluginAsync<SectionOptions> = async (fastify, { app }) => {
  const zone = zoneOf(app.config.TZ_DEFAULT);
  const files = new AttachmentStore({ db: app.database.db, dataDir: app.config.DATA_DIR });

  fastify.get<{
    Params: { ticket: string };
    Querystring: { identity?: string; done?: string; error?: string; fieldError?: string; ask?: string };
  }>('/admin/cases/:ticket', async (req, reply) => {
    const user = req.consoleUser as ConsoleUser;
    const tr = (key: string, params?: Record<string, string>) => t(req.language, key, params);
    const timeline = await loadCaseTimeline(
      app.database.db,
      app.sops,
      app.calendars,
      req.params.ticket.toUpperCase(),
      new Date(),
    );
    if (!timeline) {
      return reply
        .code(404)
        .type('text/html; charset=utf-8')
        .send(
          page({
            title: tr('admin.error.not_found'),
            language: req.language,
            user,
            path: '/admin/tracking',
            body: html`<p><a href="/admin/tracking">${tr('admin.nav.tracking')}</a></p>`,
          }),
        );
    }
    const { row } = timeline;
    // Only admins see who filed a rahasia report, and only on asking; each look is in the audit log.
    const reveal = row.rahasia && isAdmin(user) && req.query.identity === '1' && timeline.stakeholder !== null;
    if (reveal) {
      await recordAudit(app.database.db, {
        actor: await actorOf(app, user),
        action: 'stakeholder.view_identity',
        target: row.ticket,
        details: { caseId: row.id, stakeholderId: row.stakeholderId },
        ip: req.ip,
      });
    }
    const reassignTo =
      isAdmin(user) && row.status === 'open'
        ? await app.database.db
            .select({ id: officials.id, name: officials.name, unit: units.name })
            .from(officials)
            .innerJoin(units, eq(units.id, officials.unitId))
            .where(and(eq(officials.active, true)))
            .orderBy(asc(officials.name))
        : [];
    const [initiator] = row.initiatorId
      ? await app.database.db.select({ name: officials.name }).from(officials).where(eq(officials.id, row.initiatorId))
      : [];
    const badField = timeline.sop?.fields?.find((f) => f.id === req.query.fieldError);
    const fields = caseFieldsBlock(row, timeline.sop, {
      user,
      language: req.language,
      initiator: initiator?.name ?? (row.openedBy?.startsWith('admin:') ? row.openedBy : null),
      error: badField ? tr('admin.case_fields.invalid', { field: fieldLabel(badField, req.language) }) : null,
      saved: req.query.done === 'fields',
    });
    const body = casePage(timeline, {
      fields,
      user,
      language: req.language,
      zone,
      reveal,
      reassignTo,
      done: req.query.done === 'reassigned',
      error: req.query.error && KNOWN_ERRORS.has(req.query.error) ? req.query.error : null,
      ask: askOutcomeOf(req.query),
    });
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'private, no-store')
      .send(
        page({
          title: tr('admin.case.title', { ticket: row.ticket }),
          language: req.language,
          user,
          path: '/admin/tracking',
          body,
        }),
      );
  });

  fastify.post<{ Params: { ticket: string } }>('/admin/cases/:ticket/reassign', async (req, reply) => {
    const user = req.consoleUser as ConsoleUser;
    const ticket = req.params.ticket.toUpperCase();
    const back = (query: string) => reply.redirect(`/admin/cases/${encodeURIComponent(ticket)}?${query}`);
    if (!isAdmin(user))
      return reply.code(403).type('text/plain; charset=utf-8').send(t(req.language, 'admin.error.readonly'));
    const parsed = reassignBody.safeParse(req.body);
    const [row] = await app.database.db
      .select({ id: cases.id, openInstanceId: cases.openInstanceId })
      .from(cases)
      .where(eq(cases.ticket, ticket));
    if (!row) return reply.code(404).type('text/plain; charset=utf-8').send(t(req.language, 'admin.error.not_found'));
    if (!parsed.success) return back('error=invalid');
    const actor = await actorOf(app, user);
    try {
      const result = await app.cases.dispatch(row.id, {
        type: 'reassign',
        instanceId: parsed.data.instanceId,
        toOfficialId: parsed.data.toOfficialId,
        by: actor,
        ...(parsed.data.reason ? { reason: parsed.data.reason } : {}),
      });
      const entry = result.transition?.effects.find((e) => e.type === 'audit' && e.entry.kind === 'reassigned');
      await recordAudit(app.database.db, {
        actor,
        action: 'case.reassign',
        target: ticket,
        details: {
          caseId: row.id,
          instanceId: parsed.data.instanceId,
          to: parsed.data.toOfficialId,
          ...(entry?.type === 'audit' ? { at: entry.entry.at.toISOString() } : {}),
        },
        ip: req.ip,
      });
    } catch (err) {
      if (err instanceof CaseRejectedError) return back(`error=${err.code}`);
      if (err instanceof UnknownCaseError) return back('error=invalid');
      throw err;
    }
    return back('done=reassigned');
  });

  fastify.get<{ Params: { ticket: string; id: string } }>('/admin/cases/:ticket/files/:id', async (req, reply) => {
    const user = req.consoleUser as ConsoleUser;
    const [row] = await app.database.db
      .select({ id: cases.id, rahasia: cases.rahasia })
      .from(cases)
      .where(eq(cases.ticket, req.params.ticket.toUpperCase()));
    const meta = row ? await files.get(req.params.id) : undefined;
    if (!row || !meta || meta.caseId !== row.id) {
      return reply.code(404).type('text/plain; charset=utf-8').send(t(req.language, 'admin.error.not_found'));
    }
    // Erased with its sender's personal data (UU PDP): the row stays for the timeline, the bytes are gone.
    if (meta.sha256 === '-') {
      return reply.code(410).type('text/plain; charset=utf-8').send(t(req.language, 'admin.error.not_found'));
    }
    // A rahasia reporter's own files may show who they are: admins only.
    if (row.rahasia && !isAdmin(user)) {
      return reply.code(403).type('text/plain; charset=utf-8').send(t(req.language, 'admin.error.forbidden'));
    }
    const file = await files.open(meta.id);
    if (!file) return reply.code(404).type('text/plain; charset=utf-8').send(t(req.language, 'admin.error.not_found'));
    return reply
      .type(file.meta.mime)
      .header('content-disposition', contentDisposition(file.meta.name))
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, no-store')
      .send(file.stream);
  });
};

interface PageContext {
  /** The case's own fields and who opened it. */
  readonly fields: SafeHtml;
  readonly user: ConsoleUser;
  readonly language: 'id' | 'en';
  readonly zone: string;
  readonly reveal: boolean;
  readonly reassignTo: readonly { id: string; name: string; unit: string }[];
  readonly done: boolean;
  readonly error: string | null;
  /** How the last request to the reporter went (`sent` or a refusal code). */
  readonly ask: string | null;
}

function casePage(tl: CaseTimeline, ctx: PageContext): SafeHtml {
  const tr = (key: string, params?: Record<string, string>) => t(ctx.language, key, params);
  // Until an admin asks, a rahasia report's texts show the pseudonym where the reporter named themselves.
  const hidden = tl.row.rahasia && !ctx.reveal && tl.stakeholder ? identityPatterns(tl.stakeholder) : [];
  const shown = (text: string | null) => (hidden.length > 0 ? scrubText(text, hidden, pseudonymOf(tl.row.id)) : text);
  const when = (at: Date | null) => formatDateTime(at, ctx.language, ctx.zone);
  const { row } = tl;
  const fileLink = (f: { id: string; name: string; kelengkapan?: string | null }) =>
    html`${f.kelengkapan ? html`<span class="kelengkapan">${f.kelengkapan}</span>: ` : ''}<a href="/admin/cases/${encodeURIComponent(row.ticket)}/files/${encodeURIComponent(f.id)}">${shown(f.name)}</a>`;
  const absentLine = (a: { kelengkapan: string; note: string }) =>
    html`<span class="kelengkapan">${a.kelengkapan}</span>: <em>${tr('admin.case.absent')}</em> — <q>${shown(a.note)}</q>`;
  const statusText =
    row.status === 'closed'
      ? `${tr('admin.tracking.closed')}${row.outcome ? ` (${row.outcome})` : ''}`
      : (() => {
          const open = tl.steps.find((s) => s.instanceId === row.openInstanceId);
          const step = tl.sop?.steps.find((s) => s.id === open?.stepId);
          const stage = (ctx.language === 'en' ? step?.status.en : undefined) ?? step?.status.id ?? '–';
          return open?.waitingUntil
            ? `${stage} — ${tr('admin.clock.waiting', { until: when(open.waitingUntil) })}`
            : stage;
        })();

  const kindWord = (kind: string) => tr(`admin.case.event.${kind}`);
  const eventLine = (e: CaseTimeline['events'][number]) =>
    html`<li><time>${when(e.at)}</time> — ${kindWord(e.kind)}${e.stepId ? ` (${tr('admin.case.step')} ${e.stepId})` : ''}${
      e.kind === 'reminded' ||
      e.kind === 'escalated' ||
      e.kind === 'reassigned' ||
      e.kind === 'entered' ||
      e.kind === 'assigned'
        ? e.target
          ? html` → ${e.target}`
          : ''
        : ''
    }${e.actor !== 'system' && e.actor !== 'stakeholder' ? html`, ${tr('admin.case.by')} ${e.actor}` : ''}${
      e.note ? html`: <q>${shown(e.note)}</q>` : ''
    }</li>`;

  const steps = tl.steps.map(
    (s) => html`<tr${s.late ? html` class="row-late"` : ''}>
  <td>${s.seq}</td>
  <td><strong>${s.stepId}</strong> ${s.kegiatan.length > 140 ? `${s.kegiatan.slice(0, 139)}…` : s.kegiatan}<br><span class="muted">${tr('admin.case.waktu')}: ${s.waktu}</span>${
    s.waktuDefault
      ? html` <span class="badge" title="${tr('admin.clock.waktu_default_title')}">${tr('admin.clock.waktu_default')}</span>`
      : ''
  }${s.effort ? html`<br><span class="muted">${tr('admin.clock.effort', { effort: s.effort })}</span>` : ''}</td>
  <td>${s.ownerName ?? html`<span class="muted">${tr('admin.tracking.unassigned')}</span>`}${s.onBehalfOfName ? html`<br><span class="muted">${tr('admin.case.on_behalf', { name: s.onBehalfOfName })}</span>` : ''}</td>
  <td>${when(s.enteredAt)}</td>
  <td>${when(s.dueAt)}${
    s.estimated
      ? html` <span class="badge" title="${tr('admin.clock.estimated_title')}">${tr('admin.clock.estimated')}</span>`
      : ''
  }</td>
  <td>${s.leftAt ? when(s.leftAt) : html`<span class="muted">${tr('admin.case.still_open')}</span>`}</td>
  <td>${formatWorkingMs(s.workingMs, ctx.language)}${
    s.waitedMs > 0
      ? html`<br><span class="muted">${tr('admin.clock.waited', { time: formatWorkingMs(s.waitedMs, ctx.language) })}</span>`
      : ''
  }${s.late ? html` <strong class="late badge">⚠ ${tr('admin.tracking.late')}</strong>` : ''}</td>
  <td>${s.outcome ?? ''}${s.actorName && s.actorName !== s.ownerName ? html`<br><span class="muted">${tr('admin.case.by')} ${s.actorName}</span>` : ''}</td>
  <td>${shown(s.note) ?? ''}${
    s.note
      ? html` <span class="badge${s.notePublic ? ' public' : ''}">${tr(s.notePublic ? 'admin.case.note_public' : 'admin.case.note_internal')}</span>`
      : ''
  }</td>
  <td>${[...s.attachments.map(fileLink), ...s.absent.map(absentLine)].map((item, i) => html`${i > 0 ? html`<br>` : ''}${item}`)}</td>
</tr>${
      s.events.length > 0
        ? html`<tr class="sub"><td></td><td colspan="9"><ul class="events">${s.events.map(eventLine)}</ul></td></tr>`
        : ''
    }`,
  );

  const told = tl.told.map((m) => {
    const language = tl.stakeholder && isLanguage(tl.stakeholder.language) ? tl.stakeholder.language : 'id';
    const params: Record<string, string> = { ...m.params };
    if (params.due) params.due = formatIsoMoment(params.due, language, zoneOf(tl.unitZone));
    return html`<li><time>${when(m.at)}</time> · ${m.channel ?? '–'} · ${tr(`admin.case.message.${m.status}`)}${deliveryOf(m, tr)}<br>${t(language, m.template, params)}</li>`;
  });
  const notices = tl.notices.map(
    (m) =>
      html`<li><time>${when(m.at)}</time> · ${m.recipientName ?? '–'} · ${m.template} · ${m.channel ?? '–'} · ${tr(`admin.case.message.${m.status}`)}${deliveryOf(m, tr)}</li>`,
  );

  const identity = identityBlock(tl, ctx);
  const reassign =
    ctx.reassignTo.length > 0 && row.openInstanceId
      ? html`<section class="no-print"><h2>${tr('admin.case.reassign')}</h2>
<p class="muted">${tr('admin.case.reassign_hint')}</p>
<form method="post" action="/admin/cases/${encodeURIComponent(row.ticket)}/reassign" class="stack">
  ${csrfField(ctx.user)}
  <input type="hidden" name="instanceId" value="${row.openInstanceId}">
  <label for="toOfficialId">${tr('admin.case.reassign_to')}</label>
  <select id="toOfficialId" name="toOfficialId" required>${ctx.reassignTo.map((o) => html`<option value="${o.id}">${o.name} — ${o.unit}</option>`)}</select>
  <label for="reason">${tr('admin.case.reassign_reason')}</label>
  <textarea id="reason" name="reason" rows="2" maxlength="500"></textarea>
  <button type="submit">${tr('admin.case.reassign_submit')}</button>
</form></section>`
      : '';

  const openStep = tl.steps.find((s) => s.instanceId === row.openInstanceId);
  // An admin may ask the reporter in the holder's stead while the step runs and someone filed it.
  const askable =
    isAdmin(ctx.user) &&
    row.status === 'open' &&
    openStep &&
    !openStep.waitingUntil &&
    (row.stakeholderId !== null || row.initiatorId !== null);
  const ask = askable
    ? html`<section class="no-print" id="minta-kelengkapan"><h2>${tr('admin.ask.title')}</h2>
<p class="muted">${tr('admin.ask.hint')} ${tr('admin.ask.hint_admin')}</p>
${askReporterForm({
  user: ctx.user,
  language: ctx.language,
  ticket: row.ticket,
  instanceId: openStep.instanceId,
  action: `/admin/cases/${encodeURIComponent(row.ticket)}/minta-kelengkapan`,
})}</section>`
    : '';

  return html`${askOutcomeLine(ctx.ask, row.ticket, ctx.language)}
${ctx.done ? html`<p class="ok" role="status">${tr('admin.case.reassigned')}</p>` : ''}
${ctx.error ? html`<p class="error" role="alert">${tr(`admin.case.error.${ctx.error}`)}</p>` : ''}
<p><a href="/admin/tracking">← ${tr('admin.nav.tracking')}</a></p>
<dl class="facts">
  <dt>${tr('admin.tracking.col.sop')}</dt><dd>${tl.sopTitle} (${row.sopId}, v${row.sopVersion})</dd>
  <dt>${tr('admin.tracking.col.unit')}</dt><dd>${tl.unitName}</dd>
  <dt>${tr('admin.tracking.col.status')}</dt><dd>${statusText}</dd>
  <dt>${tr('admin.tracking.col.category')}</dt><dd>${row.category ?? '–'}${row.rahasia ? html` <strong class="badge">${tr('admin.case.rahasia')}</strong>` : ''}</dd>
  <dt>${tr('admin.tracking.col.channel')}</dt><dd>${row.channel ?? '–'}</dd>
  <dt>${tr('admin.tracking.col.opened')}</dt><dd>${when(row.openedAt)}</dd>
  <dt>${tr('admin.tracking.col.closed')}</dt><dd>${when(row.closedAt) || '–'}</dd>
  <dt>${tr('admin.case.subject')}</dt><dd>${shown(row.subject) ?? '–'}</dd>
  <dt>${tr('admin.case.body')}</dt><dd class="prewrap">${shown(row.body) ?? '–'}</dd>
  <dt>${tr('admin.case.files')}</dt><dd>${tl.files.length > 0 ? tl.files.map((f, i) => html`${i > 0 ? ', ' : ''}${fileLink(f)}`) : '–'}</dd>
  <dt>${tr('admin.case.reporter')}</dt><dd>${identity}</dd>
</dl>
${ctx.fields}
<h2>${tr('admin.case.timeline')}</h2>
<div class="table-wrap"><table class="timeline">
<thead><tr>
  <th scope="col">#</th><th scope="col">${tr('admin.case.step')}</th><th scope="col">${tr('admin.tracking.col.owner')}</th>
  <th scope="col">${tr('admin.case.entered')}</th><th scope="col">${tr('admin.tracking.col.due')}</th><th scope="col">${tr('admin.case.left')}</th>
  <th scope="col">${tr('admin.case.working_time')}</th><th scope="col">${tr('admin.case.outcome')}</th><th scope="col">${tr('admin.case.note')}</th>
  <th scope="col">${tr('admin.case.attachments')}</th>
</tr></thead>
<tbody>${steps}</tbody>
</table></div>
<h2>${tr('admin.case.events')}</h2>
<ul class="events">${tl.events.map(eventLine)}</ul>
<h2>${tr('admin.case.told')}</h2>
${told.length > 0 ? html`<ul class="told">${told}</ul>` : html`<p class="muted">${tr('admin.case.told_none')}</p>`}
${notices.length > 0 ? html`<h2>${tr('admin.case.notices')}</h2><ul class="told">${notices}</ul>` : ''}
${ask}
${reassign}`;
}

/** WhatsApp's own word on a message: its server took it, it reached the phone, it was read, or refused. */
function deliveryOf(m: CaseTimeline['told'][number], tr: (key: string, params?: Record<string, string>) => string) {
  if (!m.delivery) return '';
  return html` · <span class="${m.delivery === 'error' ? 'late' : 'muted'}">${tr(`admin.case.delivery.${m.delivery}`, { code: m.errorCode ?? '?' })}</span>`;
}

/** Who filed it: hidden behind a pseudonym for rahasia reports unless an admin asked (and was audited). */
function identityBlock(tl: CaseTimeline, ctx: PageContext): SafeHtml {
  const tr = (key: string, params?: Record<string, string>) => t(ctx.language, key, params);
  const person = tl.stakeholder;
  if (!person) return html`<span class="muted">${tr('admin.case.internal')}</span>`;
  if (person.erasedAt) {
    return html`<span class="muted">${tr('admin.case.erased', { date: formatDateTime(person.erasedAt, ctx.language, ctx.zone) })}</span>`;
  }
  const shown = html`${person.name ?? '–'}${person.email ? html` · ${person.email}` : ''}${person.phone ? html` · ${person.phone}` : ''}`;
  if (!tl.row.rahasia) return shown;
  const alias = pseudonymOf(tl.row.id);
  if (ctx.reveal) return html`${alias}: ${shown} <span class="muted">(${tr('admin.case.identity_audited')})</span>`;
  if (!isAdmin(ctx.user)) return html`${alias} <span class="muted">(${tr('admin.case.identity_hidden')})</span>`;
  return html`${alias} <span class="muted">(${tr('admin.case.identity_hidden')})</span>
<a class="no-print" href="/admin/cases/${encodeURIComponent(tl.row.ticket)}?identity=1">${tr('admin.case.show_identity')}</a>`;
}
