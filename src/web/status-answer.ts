import fastifyMultipart from '@fastify/multipart';
import { and, desc, eq } from 'drizzle-orm';
import type { FastifyError, FastifyPluginAsync, FastifyReply } from 'fastify';
import type { CaseService } from '../cases/index.js';
import { answerReporter, REPORTER_TEXT_MAX } from '../cases/index.js';
import type { Db } from '../db/index.js';
import { caseEvents, stepInstances, units } from '../db/index.js';
import { type AttachmentStore, FileRejectedError } from '../files/index.js';
import { escapeHtml } from '../html.js';
import { extendCatalog, formatMoment, type Language, t } from '../i18n/index.js';
import { statusAnswerUrl, statusUrl } from '../links/index.js';
import { CaseRejectedError, zoneOf } from '../sop/index.js';
import { caseOfStatusLink, sendSecretPage } from './status-link-case.js';

extendCatalog('id', {
  'status_answer.title': 'Kirim kelengkapan tiket {ticket}',
  'status_answer.asked': 'Petugas meminta kelengkapan berikut:',
  'status_answer.until':
    'Mohon kirim paling lambat {until}. Selama menunggu jawaban Anda, waktu penyelesaian tiket dihentikan.',
  'status_answer.text': 'Jawaban Anda',
  'status_answer.file': 'Berkas (boleh dikosongkan): foto, PDF, Word atau Excel, paling besar {max} MB',
  'status_answer.submit': 'Kirim jawaban',
  'status_answer.sent': 'Terima kasih. Jawaban Anda telah kami teruskan ke petugas, dan tiket kembali diproses.',
  'status_answer.not_waiting': 'Tiket ini tidak sedang menunggu jawaban Anda.',
  'status_answer.empty': 'Mohon tulis jawaban atau pilih berkas.',
  'status_answer.file_refused':
    'Berkas tidak dapat diterima: gunakan foto, PDF, Word atau Excel paling besar {max} MB.',
  'status_answer.back': 'Kembali ke status tiket',
  'status_answer.waiting': 'Menunggu jawaban Anda',
});
extendCatalog('en', {
  'status_answer.title': 'Send what ticket {ticket} needs',
  'status_answer.asked': 'The official asks you for:',
  'status_answer.until': 'Please send it by {until}. The ticket’s clock is stopped while we wait for you.',
  'status_answer.text': 'Your answer',
  'status_answer.file': 'File (optional): a photo, PDF, Word or Excel, up to {max} MB',
  'status_answer.submit': 'Send my answer',
  'status_answer.sent': 'Thank you. Your answer has gone to the official, and the ticket is being handled again.',
  'status_answer.not_waiting': 'This ticket is not waiting for your answer.',
  'status_answer.empty': 'Please write an answer or choose a file.',
  'status_answer.file_refused': 'That file cannot be taken: use a photo, PDF, Word or Excel file up to {max} MB.',
  'status_answer.back': 'Back to the ticket’s status',
  'status_answer.waiting': 'Waiting for your answer',
});

export interface StatusAnswerOptions {
  readonly db: Db;
  readonly cases: CaseService;
  /** Where the reporter's file is kept, under the same checks as a file sent in the chat. */
  readonly attachments: AttachmentStore;
  /** Time zone for a unit without its own (TZ_DEFAULT). */
  readonly defaultZone: string;
}

type AnswerRequest = { Params: { ticket: string }; Querystring: { k?: string; lang?: string; hasil?: string } };

/** Outcomes the page shows after a post. */
const OUTCOMES = new Set(['terkirim', 'kosong', 'berkas', 'tidak_menunggu']);

/**
 * The page a request for kelengkapan links to from an email: `/status/<ticket>/jawab?k=<secret>`.
 * A reporter no chat reaches answers here with a text and a file, as they would press "Kirim
 * jawaban" in the chat. The status link's secret is the only key, as for the status page itself:
 * without it the page answers 404, like an unknown ticket.
 */
export const statusAnswerRoutes: FastifyPluginAsync<StatusAnswerOptions> = async (fastify, opts) => {
  const maxMb = String(Math.round(opts.attachments.maxBytes / 1024 / 1024));
  await fastify.register(fastifyMultipart, {
    limits: { fileSize: opts.attachments.maxBytes, files: 1, fields: 2, parts: 3, fieldSize: REPORTER_TEXT_MAX * 4 },
  });

  const languageOf = (req: { query: AnswerRequest['Querystring'] }): Language =>
    req.query.lang === 'en' ? 'en' : 'id';

  /** The case the link names, or null for an unknown ticket and a wrong secret alike (compared as digests). */
  const caseOf = (req: { params: AnswerRequest['Params']; query: AnswerRequest['Querystring'] }) =>
    caseOfStatusLink(opts.db, req.params.ticket, req.query.k);

  const back = (reply: FastifyReply, ticket: string, req: AnswerRequest['Querystring'], outcome: string) =>
    reply.redirect(
      `/status/${encodeURIComponent(ticket)}/jawab?k=${encodeURIComponent(req.k ?? '')}${
        req.lang === 'en' ? '&lang=en' : ''
      }&hasil=${outcome}`,
      303,
    );

  fastify.get<AnswerRequest>('/status/:ticket/jawab', async (req, reply) => {
    const language = languageOf(req);
    const tr = (key: string, params?: Record<string, string>) => escapeHtml(t(language, key, params));
    const row = await caseOf(req);
    if (!row)
      return send(
        reply,
        404,
        language,
        t(language, 'status_page.not_found_title'),
        `<p>${tr('status_page.not_found')}</p>`,
      );
    const secret = req.query.k ?? '';
    const statusLink = `<p><a href="${escapeHtml(statusUrl(undefined, row.ticket, secret))}${language === 'en' ? '&amp;lang=en' : ''}">${tr('status_answer.back')}</a></p>`;
    const outcome = req.query.hasil && OUTCOMES.has(req.query.hasil) ? req.query.hasil : null;
    const title = t(language, 'status_answer.title', { ticket: row.ticket });
    if (outcome === 'terkirim') {
      return send(
        reply,
        200,
        language,
        title,
        `<p class="notice" role="status">${tr('status_answer.sent')}</p>${statusLink}`,
      );
    }
    const waiting = await waitingRequest(opts.db, row.id, row.openInstanceId);
    if (row.status !== 'open' || !waiting) {
      return send(reply, 200, language, title, `<p role="status">${tr('status_answer.not_waiting')}</p>${statusLink}`);
    }
    const [unit] = await opts.db.select({ zone: units.timeZone }).from(units).where(eq(units.id, row.unitId));
    const zone = zoneOf(unit?.zone ?? opts.defaultZone);
    const problem =
      outcome === 'kosong'
        ? tr('status_answer.empty')
        : outcome === 'berkas'
          ? tr('status_answer.file_refused', { max: maxMb })
          : null;
    const action = `/status/${encodeURIComponent(row.ticket)}/jawab?k=${encodeURIComponent(secret)}&amp;lang=${language}`;
    const body = `<h1>${escapeHtml(title)}</h1>
${problem ? `<p class="error" role="alert">${problem}</p>` : ''}
<p>${tr('status_answer.asked')}</p>
<blockquote class="asked">${escapeHtml(waiting.note ?? '')}</blockquote>
${waiting.until ? `<p>${tr('status_answer.until', { until: formatMoment(waiting.until, language, zone) })}</p>` : ''}
<form method="post" action="${action}" enctype="multipart/form-data">
<label for="jawaban">${tr('status_answer.text')}</label>
<textarea id="jawaban" name="jawaban" rows="5" maxlength="${REPORTER_TEXT_MAX}"></textarea>
<label for="berkas">${tr('status_answer.file', { max: maxMb })}</label>
<input id="berkas" name="berkas" type="file" accept="image/jpeg,image/png,application/pdf,.docx,.xlsx">
<button type="submit">${tr('status_answer.submit')}</button>
</form>
${statusLink}`;
    return send(reply, 200, language, title, body);
  });

  fastify.post<AnswerRequest>('/status/:ticket/jawab', async (req, reply) => {
    const row = await caseOf(req);
    if (!row) return send(reply, 404, languageOf(req), t(languageOf(req), 'status_page.not_found_title'), '');
    if (!req.isMultipart()) return back(reply, row.ticket, req.query, 'kosong');
    let text = '';
    let file: { bytes: Buffer; name: string } | null = null;
    try {
      for await (const part of req.parts()) {
        if (part.type === 'file') {
          const bytes = await part.toBuffer();
          if (part.fieldname === 'berkas' && bytes.length > 0 && part.filename) file = { bytes, name: part.filename };
        } else if (part.fieldname === 'jawaban' && typeof part.value === 'string') {
          text = part.value.trim();
        }
      }
    } catch (err) {
      if (err instanceof fastify.multipartErrors.RequestFileTooLargeError)
        return back(reply, row.ticket, req.query, 'berkas');
      throw err;
    }
    if (!text && !file) return back(reply, row.ticket, req.query, 'kosong');
    const by = row.stakeholderId ? 'stakeholder' : (row.initiatorId ?? '');
    try {
      const saved = file
        ? await opts.attachments.save({ bytes: file.bytes, name: file.name, uploadedBy: row.stakeholderId ?? by })
        : null;
      await answerReporter(opts.cases, opts.db, {
        caseId: row.id,
        by,
        text,
        attachments: saved ? [{ id: saved.id, name: saved.name }] : [],
      });
    } catch (err) {
      if (err instanceof FileRejectedError) return back(reply, row.ticket, req.query, 'berkas');
      if (err instanceof CaseRejectedError) return back(reply, row.ticket, req.query, 'tidak_menunggu');
      throw err;
    }
    return back(reply, row.ticket, req.query, 'terkirim');
  });

  fastify.setErrorHandler(async (err: FastifyError, req, reply) => {
    if (err.statusCode && err.statusCode < 500) return reply.code(err.statusCode).send(err.message);
    req.log.error({ err: err.message }, 'status answer request failed');
    return reply.code(500).send('internal');
  });
};

/**
 * The status page's note while the case waits on its reporter: what was asked and a link to
 * answer it here. Empty otherwise. Kept here so the status page itself only places it.
 */
export async function waitingNotice(
  db: Db,
  row: { id: string; ticket: string; status: string; openInstanceId: string | null },
  language: Language,
  secret: string,
): Promise<string> {
  const waiting = row.status === 'open' ? await waitingRequest(db, row.id, row.openInstanceId) : null;
  if (!waiting) return '';
  const tr = (key: string) => escapeHtml(t(language, key));
  const url = `${statusAnswerUrl(undefined, row.ticket, secret)}${language === 'en' ? '&lang=en' : ''}`;
  return `<section id="jawab"><h2>${tr('status_answer.waiting')}</h2>
<blockquote class="asked">${escapeHtml(waiting.note ?? '')}</blockquote>
<p><a href="${escapeHtml(url)}">${tr('status_answer.submit')}</a></p></section>`;
}

/** What the open step asked the reporter, and until when; null when it is not waiting on them. */
async function waitingRequest(db: Db, caseId: string, instanceId: string | null) {
  if (!instanceId) return null;
  const [step] = await db
    .select({ pausedAt: stepInstances.pausedAt, until: stepInstances.pauseUntil })
    .from(stepInstances)
    .where(eq(stepInstances.id, instanceId));
  if (!step?.pausedAt) return null;
  const [asked] = await db
    .select({ note: caseEvents.note })
    .from(caseEvents)
    .where(and(eq(caseEvents.caseId, caseId), eq(caseEvents.instanceId, instanceId), eq(caseEvents.kind, 'paused')))
    .orderBy(desc(caseEvents.id))
    .limit(1);
  return { note: asked?.note ?? null, until: step.until };
}

/** The page's own look: the shell around it is the status link's (see status-link-case.ts). */
const ANSWER_PAGE_CSS = `body{font:1rem/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
a{color:#0b5cad}label{display:block;margin:.75rem 0 .25rem}textarea{display:block;width:100%;box-sizing:border-box;font:inherit}
button{font:inherit;padding:.4rem 1rem;margin-top:1rem}.asked{border-left:4px solid #c9d1da;margin:.5rem 0;padding:.25rem .75rem;white-space:pre-wrap}
.notice{background:#eef6ee;border-left:4px solid #2e7d32;padding:.5rem .75rem}.error{color:#a11}
a:focus,button:focus,input:focus,textarea:focus{outline:3px solid #f0b400;outline-offset:2px}`;

function send(reply: FastifyReply, code: number, language: Language, title: string, body: string) {
  return sendSecretPage(reply, { code, language, title, body, css: ANSWER_PAGE_CSS, images: false });
}
