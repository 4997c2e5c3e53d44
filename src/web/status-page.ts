import formbody from '@fastify/formbody';
import { eq } from 'drizzle-orm';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { CaseService, SopRegistry } from '../cases/index.js';
import { fieldText, outputDocuments, outputUrl } from '../cases/index.js';
import type { Db } from '../db/index.js';
import { stakeholders, stepInstances, units } from '../db/index.js';
import { reporterHistory } from '../flows/index.js';
import { escapeHtml } from '../html.js';
import { categoryText, extendCatalog, formatMoment, type Language, outcomeText, t } from '../i18n/index.js';
import type { Signer } from '../signing.js';
import { zoneOf } from '../sop/index.js';
import { type SurveyQuestions, surveyOpen } from '../survey/index.js';
import { stopEmails } from './email-stop.js';
import { waitingNotice } from './status-answer.js';
import type { StatusForm } from './status-form-token.js';
import {
  confirmFromPage,
  confirmSection,
  type FormOutcome,
  formOfOutcome,
  isFormOutcome,
  surveyFromPage,
  surveySection,
} from './status-forms.js';
import { caseOfStatusLink, sendSecretPage } from './status-link-case.js';
import { unitLogoUrl } from './unit-logos.js';

extendCatalog('id', {
  'status_page.title': 'Status tiket {ticket}',
  'status_page.heading': 'Status tiket',
  'status_page.category': 'Jenis',
  'status_page.filed': 'Diterima',
  'status_page.stage': 'Tahap sekarang',
  'status_page.due': 'Tahap ini dijadwalkan selesai paling lambat',
  'status_page.paused': 'waktu tahap ini berhenti sampai jawaban Anda kami terima',
  'status_page.done': 'Selesai ditindaklanjuti',
  'status_page.updates': 'Perkembangan tindak lanjut',
  'status_page.no_updates': 'Belum ada kabar.',
  'status_page.tindak_lanjut': 'Tindak lanjut',
  'status_page.documents': 'Dokumen hasil tindak lanjut',
  'status_page.not_found_title': 'Tiket tidak ditemukan',
  'status_page.not_found':
    'Tautan status ini tidak dikenal. Pastikan tautan tersalin lengkap dari pesan tanda terima Anda, atau cek status melalui menu Cek Status di percakapan SIPUT.',
  'status_page.language': 'English',
  'status_page.privacy':
    'Halaman ini hanya dapat dibuka dengan tautan dari pesan tanda terima Anda. Jangan bagikan tautannya.',
  'status_page.logo_alt': 'Logo {unit}',
  'status_page.unit_contact': 'Kontak {unit}: {contact}',
  'status_page.chat_before': 'Ada pertanyaan tentang tiket ini? Tanyakan melalui',
  'status_page.chat_link': 'percakapan SIPUT',
  'status_page.chat_after': '(menu Cek Status menampilkan perkembangan yang sama).',
});
extendCatalog('en', {
  'status_page.title': 'Ticket {ticket} status',
  'status_page.heading': 'Ticket status',
  'status_page.category': 'Type',
  'status_page.filed': 'Received',
  'status_page.stage': 'Current stage',
  'status_page.due': 'This stage is scheduled to end by',
  'status_page.paused': 'this stage’s clock is stopped until we receive your answer',
  'status_page.done': 'Completed',
  'status_page.updates': 'Follow-up updates',
  'status_page.no_updates': 'No news yet.',
  'status_page.tindak_lanjut': 'Follow-up',
  'status_page.documents': 'Outcome documents',
  'status_page.not_found_title': 'Ticket not found',
  'status_page.not_found':
    'This status link is not known. Make sure the whole link was copied from your receipt message, or check the status with Check Status in the SIPUT chat.',
  'status_page.language': 'Bahasa Indonesia',
  'status_page.privacy': 'This page opens only with the link from your receipt message. Do not share the link.',
  'status_page.logo_alt': 'Logo of {unit}',
  'status_page.unit_contact': 'Contact {unit}: {contact}',
  'status_page.chat_before': 'Questions about this ticket? Ask in the',
  'status_page.chat_link': 'SIPUT chat',
  'status_page.chat_after': '(its Check Status menu shows the same updates).',
});

export interface StatusPageOptions {
  readonly db: Db;
  readonly sops: SopRegistry;
  /** Time zone for the dates shown (TZ_DEFAULT). */
  readonly defaultZone: string;
  /** Signs the output documents' download links and the page's forms. */
  readonly signer: Signer;
  /** Takes the reporter's "Sudah selesai" / "Belum" from the page, as from the chat. */
  readonly cases: CaseService;
  /** The SKM questionnaire as each unit words it (SKM_FILE). */
  readonly survey: SurveyQuestions;
  /** Moves the clock in tests; defaults to the wall clock. */
  readonly now?: () => Date;
}

/**
 * GET /status/:ticket?k=<secret> — the stage of a ticket in plain words and the updates the
 * stakeholder was sent, for whoever holds the link from the receipt. No official's name or any
 * personal data is shown. An unknown ticket and a wrong secret get the same 404, so ticket
 * numbers (which are sequential) cannot be probed.
 */
export const statusPageRoutes: FastifyPluginAsync<StatusPageOptions> = async (fastify, opts) => {
  await fastify.register(formbody);
  const zone = zoneOf(opts.defaultZone);
  const now = () => opts.now?.() ?? new Date();

  type StatusRequest = {
    Params: { ticket: string };
    Querystring: { k?: string; lang?: string; email?: string; hasil?: string };
    Body: Record<string, unknown> | undefined;
  };
  const languageOf = (req: { query: StatusRequest['Querystring']; headers: Record<string, unknown> }): Language =>
    req.query.lang === 'en' || (!req.query.lang && /^en\b/i.test(String(req.headers['accept-language'] ?? '')))
      ? 'en'
      : 'id';
  /** The case the link names, or null for an unknown ticket and a wrong secret alike. */
  const caseOf = (req: { params: StatusRequest['Params']; query: StatusRequest['Querystring'] }) =>
    caseOfStatusLink(opts.db, req.params.ticket, req.query.k);

  // The link is the reporter's key to the case: holding it is enough to stop the emails about it.
  fastify.post<StatusRequest>('/status/:ticket/berhenti-email', async (req, reply) => {
    const row = await caseOf(req);
    if (!row) return notFound(reply, languageOf(req));
    if (row.stakeholderId) await stopEmails(opts.db, row.stakeholderId);
    const lang = req.query.lang === 'en' ? '&lang=en' : '';
    return reply.redirect(
      `/status/${encodeURIComponent(row.ticket)}?k=${encodeURIComponent(req.query.k ?? '')}${lang}&email=stopped`,
      303,
    );
  });

  /** Back to the page after a form, with what came of it and at the form's own section. */
  const backTo = (reply: FastifyReply, ticket: string, req: StatusRequest['Querystring'], outcome: FormOutcome) =>
    reply.redirect(
      `/status/${encodeURIComponent(ticket)}?k=${encodeURIComponent(req.k ?? '')}${
        req.lang === 'en' ? '&lang=en' : ''
      }&hasil=${outcome}#${formOfOutcome(outcome)}`,
      303,
    );

  // The forms answer what the chat's buttons answer, with the same code. A forgery has neither
  // the link's secret nor a form token signed for this case.
  fastify.post<StatusRequest>('/status/:ticket/konfirmasi', async (req, reply) => {
    const row = await caseOf(req);
    if (!row) return notFound(reply, languageOf(req));
    return backTo(reply, row.ticket, req.query, await confirmFromPage(opts, row, req.body ?? {}, now()));
  });

  fastify.post<StatusRequest>('/status/:ticket/survei', async (req, reply) => {
    const row = await caseOf(req);
    if (!row) return notFound(reply, languageOf(req));
    return backTo(reply, row.ticket, req.query, await surveyFromPage(opts, row, req.body ?? {}, now()));
  });

  fastify.get<StatusRequest>('/status/:ticket', async (req, reply) => {
    const language = languageOf(req);
    const ticket = req.params.ticket.toUpperCase();
    const secret = req.query.k ?? '';
    const row = await caseOf(req);
    if (!row) return notFound(reply, language);

    const tr = (key: string, params?: Record<string, string>) => t(language, key, params);
    const when = (at: Date) => formatMoment(at, language, zone);
    const sop = await opts.sops.get(row.sopId, row.sopVersion);
    const [open] = row.openInstanceId
      ? await opts.db
          .select({ stepId: stepInstances.stepId, dueAt: stepInstances.dueAt, pausedAt: stepInstances.pausedAt })
          .from(stepInstances)
          .where(eq(stepInstances.id, row.openInstanceId))
      : [];
    const step = sop?.steps.find((s) => s.id === open?.stepId);
    // While the step waits on the reporter its clock is stopped, so the due time it had will move.
    const dueLine = (o: { dueAt: Date; pausedAt: Date | null }) =>
      o.pausedAt
        ? `<dt>${escapeHtml(tr('status_page.due'))}</dt><dd>${escapeHtml(tr('status_page.paused'))}</dd>`
        : `<dt>${escapeHtml(tr('status_page.due'))}</dt><dd>${escapeHtml(when(o.dueAt))}</dd>`;
    const stage =
      row.status === 'closed'
        ? `${tr('status_page.done')}${row.outcome ? ` (${outcomeText(language, row.outcome)})` : ''}`
        : ((language === 'en' ? step?.status.en : undefined) ?? step?.status.id ?? '–');
    // The tindak-lanjut updates are what the stakeholder was sent: the same list the chat's status shows.
    const updates = (await reporterHistory(opts.db, row.id, language)).map(
      (h) =>
        `<li><time datetime="${h.at.toISOString()}">${escapeHtml(when(h.at))}</time> — ${escapeHtml(h.text)}${
          h.tindakLanjut
            ? `<br><span class="tl">${escapeHtml(tr('status_page.tindak_lanjut'))}: ${escapeHtml(h.tindakLanjut)}</span>`
            : ''
        }</li>`,
    );
    // Output documents (e.g. the laporan penyelesaian) once closed, as fresh signed links.
    const outputs =
      row.status === 'closed'
        ? (await outputDocuments(opts.db, row.id)).map(
            (d) =>
              `<li><a href="${escapeHtml(outputUrl(undefined, opts.signer, d.id))}">${escapeHtml(d.name)}</a></li>`,
          )
        : [];
    const [reporter] = row.stakeholderId
      ? await opts.db
          .select({ email: stakeholders.email, stoppedAt: stakeholders.emailStoppedAt })
          .from(stakeholders)
          .where(eq(stakeholders.id, row.stakeholderId))
      : [];
    const emailPart =
      req.query.email === 'stopped'
        ? `<p class="note" role="status">${escapeHtml(tr('email_stop.status_done'))}</p>`
        : reporter?.email && !reporter.stoppedAt
          ? `<form method="post" action="/status/${encodeURIComponent(ticket)}/berhenti-email?k=${encodeURIComponent(secret)}&amp;lang=${language}">
<p class="note">${escapeHtml(tr('email_stop.status_hint'))}</p><button type="submit">${escapeHtml(tr('email_stop.status_button'))}</button></form>`
          : '';
    const other = language === 'en' ? 'id' : 'en';
    const view = {
      language,
      when,
      outcome: isFormOutcome(req.query.hasil) ? req.query.hasil : null,
      action: (form: StatusForm) =>
        `/status/${encodeURIComponent(ticket)}/${form}?k=${encodeURIComponent(secret)}&lang=${language}`,
    };
    const at = now();
    const forms = `${confirmSection(opts, view, row, at)}${surveySection(
      opts,
      view,
      row,
      opts.survey,
      await surveyOpen(opts.db, row.id),
    )}`;
    // The case's own fields (seed 004: the SOP document's number, revision, category), as its SOP names them.
    const fieldRows = (sop?.fields ?? [])
      .filter((f) => row.fields[f.id])
      .map(
        (f) =>
          `<dt>${escapeHtml((language === 'en' ? f.label.en : undefined) ?? f.label.id)}</dt><dd>${escapeHtml(fieldText(f, row.fields[f.id], language))}</dd>`,
      )
      .join('');
    // The unit's name, logo and contact, and a way to the chat: a reporter can tell the page is the
    // unit's own and not a look-alike asking for their data.
    const [unit] = await opts.db
      .select({ id: units.id, name: units.name, logo: units.logo, letterhead: units.letterhead })
      .from(units)
      .where(eq(units.id, row.unitId));
    const unitName = unit?.name ?? row.unitId;
    const header = `<header class="unit">${
      unit?.logo
        ? `<img src="${escapeHtml(unitLogoUrl(unit.id, unit.logo))}" alt="${escapeHtml(tr('status_page.logo_alt', { unit: unitName }))}" height="48">`
        : ''
    }<span class="unit-name">${escapeHtml(unitName)}</span></header>`;
    // The contact lines of the unit's letterhead (kop surat), as set on the console's unit page.
    const contact = [unit?.letterhead?.address, unit?.letterhead?.contact].filter(Boolean).join(' · ');
    const footer = `<footer>${
      contact ? `<p class="contact">${escapeHtml(tr('status_page.unit_contact', { unit: unitName, contact }))}</p>` : ''
    }<p class="chat">${escapeHtml(tr('status_page.chat_before'))} <a href="/chat">${escapeHtml(tr('status_page.chat_link'))}</a> ${escapeHtml(tr('status_page.chat_after'))}</p></footer>`;
    const body = `<p class="lang"><a href="/status/${encodeURIComponent(ticket)}?k=${encodeURIComponent(secret)}&amp;lang=${other}">${escapeHtml(tr('status_page.language'))}</a></p>
${header}
<h1>${escapeHtml(tr('status_page.heading'))} <span class="ticket">${escapeHtml(row.ticket)}</span></h1>
<dl>
<dt>${escapeHtml(tr('status_page.category'))}</dt><dd>${escapeHtml(row.category ? categoryText(language, row.category) : '–')}</dd>
<dt>${escapeHtml(tr('status_page.filed'))}</dt><dd>${escapeHtml(when(row.openedAt))}</dd>
<dt>${escapeHtml(tr('status_page.stage'))}</dt><dd><strong>${escapeHtml(stage)}</strong></dd>
${row.status === 'open' && open ? dueLine(open) : ''}
${fieldRows}
</dl>
<h2>${escapeHtml(tr('status_page.updates'))}</h2>
${updates.length > 0 ? `<ol class="updates">${updates.join('')}</ol>` : `<p>${escapeHtml(tr('status_page.no_updates'))}</p>`}
${await waitingNotice(opts.db, row, language, secret)}
${outputs.length > 0 ? `<h2>${escapeHtml(tr('status_page.documents'))}</h2><ul class="documents">${outputs.join('')}</ul>` : ''}
${forms}
${emailPart}
${footer}
<p class="note">${escapeHtml(tr('status_page.privacy'))}</p>`;
    return send(reply, 200, language, tr('status_page.title', { ticket: row.ticket }), body);
  });
};

function notFound(reply: FastifyReply, language: Language) {
  const tr = (key: string) => t(language, key);
  return send(
    reply,
    404,
    language,
    tr('status_page.not_found_title'),
    `<h1>${escapeHtml(tr('status_page.not_found_title'))}</h1><p>${escapeHtml(tr('status_page.not_found'))}</p>`,
  );
}

/** The page's own look: the shell around it is the status link's (see status-link-case.ts). */
const STATUS_PAGE_CSS = `body{font:1rem/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
a{color:#0b5cad}dt{font-weight:600;margin-top:.5rem}dd{margin:0}.ticket{white-space:nowrap}
.updates{padding-left:1.25rem}.updates li{margin:.25rem 0}.note{color:#4a5562;font-size:.9rem;margin-top:2rem}
.lang{text-align:right}a:focus,button:focus,input:focus,textarea:focus{outline:3px solid #f0b400;outline-offset:2px}
section{margin-top:2rem}form{margin:.75rem 0}form.inline{display:inline-block}label{display:block;margin:.5rem 0 .25rem}
textarea{display:block;width:100%;box-sizing:border-box;font:inherit}fieldset{border:1px solid #c9d1da;margin:1rem 0}
label.score{margin:.25rem 0}button{font:inherit;padding:.4rem 1rem;margin-top:.5rem}button.secondary{background:none}
.notice{background:#eef6ee;border-left:4px solid #2e7d32;padding:.5rem .75rem}
header.unit{display:flex;align-items:center;gap:.75rem;border-bottom:1px solid #c9d1da;padding-bottom:.5rem}
.unit-name{font-weight:600}footer{margin-top:2rem;border-top:1px solid #c9d1da}`;

function send(reply: FastifyReply, code: number, language: Language, title: string, body: string) {
  return sendSecretPage(reply, { code, language, title, body, css: STATUS_PAGE_CSS, images: true });
}
