import { createHash, timingSafeEqual } from 'node:crypto';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { SopRegistry } from '../cases/sop-registry.js';
import type { Db } from '../db/client.js';
import { cases, messages, stepInstances } from '../db/schema.js';
import { extendCatalog, type Language, t } from '../i18n/catalog.js';
import { formatTime } from '../jobs/render.js';
import { zoneOf } from '../sop/working-calendar.js';
import { escapeHtml } from './admin/html.js';

extendCatalog('id', {
  'status_page.title': 'Status tiket {ticket}',
  'status_page.heading': 'Status tiket',
  'status_page.category': 'Jenis',
  'status_page.filed': 'Diterima',
  'status_page.stage': 'Tahap sekarang',
  'status_page.due': 'Tahap ini dijadwalkan selesai paling lambat',
  'status_page.done': 'Selesai ditindaklanjuti',
  'status_page.updates': 'Perkembangan tindak lanjut',
  'status_page.no_updates': 'Belum ada kabar.',
  'status_page.update.received': 'Tiket diterima: {status}',
  'status_page.update.update': '{status}',
  'status_page.update.closed': 'Selesai ditindaklanjuti ({outcome})',
  'status_page.not_found_title': 'Tiket tidak ditemukan',
  'status_page.not_found':
    'Tautan status ini tidak dikenal. Pastikan tautan tersalin lengkap dari pesan tanda terima Anda, atau cek status melalui menu Cek Status di percakapan SIPUT.',
  'status_page.language': 'English',
  'status_page.privacy':
    'Halaman ini hanya dapat dibuka dengan tautan dari pesan tanda terima Anda. Jangan bagikan tautannya.',
});
extendCatalog('en', {
  'status_page.title': 'Ticket {ticket} status',
  'status_page.heading': 'Ticket status',
  'status_page.category': 'Type',
  'status_page.filed': 'Received',
  'status_page.stage': 'Current stage',
  'status_page.due': 'This stage is scheduled to end by',
  'status_page.done': 'Completed',
  'status_page.updates': 'Follow-up updates',
  'status_page.no_updates': 'No news yet.',
  'status_page.update.received': 'Ticket received: {status}',
  'status_page.update.update': '{status}',
  'status_page.update.closed': 'Completed ({outcome})',
  'status_page.not_found_title': 'Ticket not found',
  'status_page.not_found':
    'This status link is not known. Make sure the whole link was copied from your receipt message, or check the status with Check Status in the SIPUT chat.',
  'status_page.language': 'Bahasa Indonesia',
  'status_page.privacy': 'This page opens only with the link from your receipt message. Do not share the link.',
});

export interface StatusPageOptions {
  readonly db: Db;
  readonly sops: SopRegistry;
  /** Time zone for the dates shown (TZ_DEFAULT). */
  readonly defaultZone: string;
}

const TICKET = /^[A-Z]{2,6}-\d{4}-\d{1,9}$/;
const TEMPLATES = ['case.received', 'case.update', 'case.closed'];

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Compares digests, so the time taken says nothing about how much of a guess was right. */
function sameSecret(given: string, stored: string): boolean {
  return timingSafeEqual(digest(given), digest(stored));
}

/**
 * GET /status/:ticket?k=<secret> — the stage of a ticket in plain words and the updates the
 * stakeholder was sent, for whoever holds the link from the receipt. No official's name or any
 * personal data is shown. An unknown ticket and a wrong secret get the same 404, so ticket
 * numbers (which are sequential) cannot be probed.
 */
export const statusPageRoutes: FastifyPluginAsync<StatusPageOptions> = async (fastify, opts) => {
  const zone = zoneOf(opts.defaultZone);

  fastify.get<{ Params: { ticket: string }; Querystring: { k?: string; lang?: string } }>(
    '/status/:ticket',
    async (req, reply) => {
      const language: Language =
        req.query.lang === 'en' || (!req.query.lang && /^en\b/i.test(req.headers['accept-language'] ?? ''))
          ? 'en'
          : 'id';
      const ticket = req.params.ticket.toUpperCase();
      const secret = req.query.k ?? '';
      if (!TICKET.test(ticket) || secret.length < 16 || secret.length > 64) return notFound(reply, language);
      const [row] = await opts.db.select().from(cases).where(eq(cases.ticket, ticket));
      if (!row?.statusSecret || !sameSecret(secret, row.statusSecret)) return notFound(reply, language);

      const tr = (key: string, params?: Record<string, string>) => t(language, key, params);
      const when = (at: Date) => formatTime(at.toISOString(), language, zone);
      const sop = await opts.sops.get(row.sopId, row.sopVersion);
      const [open] = row.openInstanceId
        ? await opts.db
            .select({ stepId: stepInstances.stepId, dueAt: stepInstances.dueAt })
            .from(stepInstances)
            .where(eq(stepInstances.id, row.openInstanceId))
        : [];
      const step = sop?.steps.find((s) => s.id === open?.stepId);
      const stage =
        row.status === 'closed'
          ? `${tr('status_page.done')}${row.outcome ? ` (${row.outcome})` : ''}`
          : ((language === 'en' ? step?.status.en : undefined) ?? step?.status.id ?? '–');
      // The tindak-lanjut updates are what the stakeholder was sent: the same words, on one page.
      const told = await opts.db
        .select({ at: messages.createdAt, template: messages.template, params: messages.params })
        .from(messages)
        .where(
          and(
            eq(messages.caseId, row.id),
            eq(messages.recipientKind, 'stakeholder'),
            inArray(messages.template, TEMPLATES),
          ),
        )
        .orderBy(asc(messages.seq));
      const updates = told.map((m) => {
        const status = (language === 'en' ? m.params.status_en : undefined) ?? m.params.status ?? '';
        const key = `status_page.update.${m.template.slice('case.'.length)}`;
        return `<li><time datetime="${m.at.toISOString()}">${escapeHtml(when(m.at))}</time> — ${escapeHtml(
          tr(key, { status, outcome: m.params.outcome ?? '' }),
        )}</li>`;
      });
      const other = language === 'en' ? 'id' : 'en';
      const body = `<p class="lang"><a href="/status/${encodeURIComponent(ticket)}?k=${encodeURIComponent(secret)}&amp;lang=${other}">${escapeHtml(tr('status_page.language'))}</a></p>
<h1>${escapeHtml(tr('status_page.heading'))} <span class="ticket">${escapeHtml(row.ticket)}</span></h1>
<dl>
<dt>${escapeHtml(tr('status_page.category'))}</dt><dd>${escapeHtml(row.category ?? '–')}</dd>
<dt>${escapeHtml(tr('status_page.filed'))}</dt><dd>${escapeHtml(when(row.openedAt))}</dd>
<dt>${escapeHtml(tr('status_page.stage'))}</dt><dd><strong>${escapeHtml(stage)}</strong></dd>
${row.status === 'open' && open ? `<dt>${escapeHtml(tr('status_page.due'))}</dt><dd>${escapeHtml(when(open.dueAt))}</dd>` : ''}
</dl>
<h2>${escapeHtml(tr('status_page.updates'))}</h2>
${updates.length > 0 ? `<ol class="updates">${updates.join('')}</ol>` : `<p>${escapeHtml(tr('status_page.no_updates'))}</p>`}
<p class="note">${escapeHtml(tr('status_page.privacy'))}</p>`;
      return send(reply, 200, language, tr('status_page.title', { ticket: row.ticket }), body);
    },
  );
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

function send(reply: FastifyReply, code: number, language: Language, title: string, body: string) {
  return (
    reply
      .code(code)
      .type('text/html; charset=utf-8')
      // The secret is in the address: no caching, no referrer to other sites, no search engines.
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .header('x-robots-tag', 'noindex, nofollow')
      .header(
        'content-security-policy',
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
      )
      .send(`<!doctype html>
<html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)} — SIPUT</title>
<style>body{font:1rem/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
a{color:#0b5cad}dt{font-weight:600;margin-top:.5rem}dd{margin:0}.ticket{white-space:nowrap}
.updates{padding-left:1.25rem}.updates li{margin:.25rem 0}.note{color:#4a5562;font-size:.9rem;margin-top:2rem}
.lang{text-align:right}a:focus{outline:3px solid #f0b400;outline-offset:2px}</style>
</head><body><main>${body}</main></body></html>`)
  );
}
