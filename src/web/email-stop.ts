import formbody from '@fastify/formbody';
import { and, eq, isNull } from 'drizzle-orm';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Db } from '../db/index.js';
import { stakeholders } from '../db/index.js';
import { verifyEmailStop } from '../email/index.js';
import { escapeHtml } from '../html.js';
import { extendCatalog, type Language, t } from '../i18n/index.js';
import type { Signer } from '../signing.js';

extendCatalog('id', {
  'email_stop.title': 'Berhenti menerima email SIPUT',
  'email_stop.ask': 'Tekan tombol di bawah untuk berhenti menerima email kabar tiket dari SIPUT.',
  'email_stop.button': 'Berhenti menerima email',
  'email_stop.done':
    'Baik, kami tidak akan mengirim email lagi ke alamat Anda. Kabar tiket tetap ada di percakapan SIPUT dan halaman status tiket.',
  'email_stop.invalid': 'Tautan ini tidak dikenal. Pastikan tautan tersalin lengkap dari email Anda.',
  'email_stop.status_button': 'Berhenti menerima email tentang tiket saya',
  'email_stop.status_hint': 'Kabar tiket ini juga kami kirim ke email Anda bila percakapan tidak dapat dijangkau.',
  'email_stop.status_done': 'Email dihentikan. Kabar tetap dapat dilihat di halaman ini.',
});
extendCatalog('en', {
  'email_stop.title': 'Stop SIPUT emails',
  'email_stop.ask': 'Press the button below to stop getting ticket news from SIPUT by email.',
  'email_stop.button': 'Stop emails',
  'email_stop.done':
    'Done: we will not email your address again. Ticket news stays in your SIPUT chat and on the ticket’s status page.',
  'email_stop.invalid': 'This link is not known. Make sure the whole link was copied from your email.',
  'email_stop.status_button': 'Stop emails about my tickets',
  'email_stop.status_hint': 'We also email news of this ticket to you when your chat cannot be reached.',
  'email_stop.status_done': 'Emails stopped. The news stays on this page.',
});

export interface EmailStopOptions {
  readonly db: Db;
  readonly signer: Signer;
}

/** Marks a stakeholder as wanting no more email; their other channels are untouched. */
export async function stopEmails(db: Db, stakeholderId: string, now = new Date()): Promise<void> {
  await db
    .update(stakeholders)
    .set({ emailStoppedAt: now })
    .where(and(eq(stakeholders.id, stakeholderId), isNull(stakeholders.emailStoppedAt)));
}

/**
 * /email/berhenti/:id?s=<tag> — the link in every email. GET asks (mail scanners open links, and
 * opening must not unsubscribe); POST stops, which is also what a mail client's one-click
 * unsubscribe (List-Unsubscribe-Post, RFC 8058) sends.
 */
export const emailStopRoutes: FastifyPluginAsync<EmailStopOptions> = async (fastify, opts) => {
  await fastify.register(formbody);
  type Req = { Params: { id: string }; Querystring: { s?: string; lang?: string } };
  const languageOf = (lang: string | undefined): Language => (lang === 'en' ? 'en' : 'id');

  fastify.get<Req>('/email/berhenti/:id', async (req, reply) => {
    const language = languageOf(req.query.lang);
    if (!verifyEmailStop(opts.signer, req.params.id, req.query.s)) return invalid(reply, language);
    const action = `/email/berhenti/${encodeURIComponent(req.params.id)}?s=${encodeURIComponent(req.query.s ?? '')}&lang=${language}`;
    return page(
      reply,
      200,
      language,
      `<p>${escapeHtml(t(language, 'email_stop.ask'))}</p>
<form method="post" action="${escapeHtml(action)}"><button type="submit">${escapeHtml(t(language, 'email_stop.button'))}</button></form>`,
    );
  });

  fastify.post<Req>('/email/berhenti/:id', async (req, reply) => {
    const language = languageOf(req.query.lang);
    if (!verifyEmailStop(opts.signer, req.params.id, req.query.s)) return invalid(reply, language);
    await stopEmails(opts.db, req.params.id);
    return page(reply, 200, language, `<p role="status">${escapeHtml(t(language, 'email_stop.done'))}</p>`);
  });
};

function invalid(reply: FastifyReply, language: Language) {
  return page(reply, 404, language, `<p>${escapeHtml(t(language, 'email_stop.invalid'))}</p>`);
}

function page(reply: FastifyReply, code: number, language: Language, body: string) {
  const title = escapeHtml(t(language, 'email_stop.title'));
  return reply
    .code(code)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-robots-tag', 'noindex, nofollow')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
    .send(`<!doctype html>
<html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} — SIPUT</title>
<style>body{font:1rem/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1b1f24}button{font:inherit;padding:.5rem 1rem}</style>
</head><body><main><h1>${title}</h1>${body}</main></body></html>`);
}
