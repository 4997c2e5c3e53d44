import { createHash, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { FastifyReply } from 'fastify';
import type { Db } from '../db/index.js';
import { cases } from '../db/index.js';
import { escapeHtml } from '../html.js';
import type { Language } from '../i18n/index.js';

const TICKET = /^[A-Z]{2,6}-\d{4}-\d{1,9}$/;

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * The case a status link (`/status/<ticket>…?k=<secret>`) names, or null for an unknown ticket and a
 * wrong secret alike, so sequential ticket numbers cannot be probed. The secrets are compared as
 * digests: the time taken says nothing about how much of a guess was right.
 */
export async function caseOfStatusLink(db: Db, ticket: string, secret: string | undefined) {
  const wanted = ticket.toUpperCase();
  const given = secret ?? '';
  if (!TICKET.test(wanted) || given.length < 16 || given.length > 64) return null;
  const [row] = await db.select().from(cases).where(eq(cases.ticket, wanted));
  return row?.statusSecret && timingSafeEqual(digest(given), digest(row.statusSecret)) ? row : null;
}

/**
 * Sends a page reached by a status link. The secret is in the address: no caching, no referrer to
 * other sites, no search engines; `images` lets the page show the unit's logo from this server.
 */
export function sendSecretPage(
  reply: FastifyReply,
  page: { code: number; language: Language; title: string; body: string; css: string; images: boolean },
) {
  const images = page.images ? " img-src 'self';" : '';
  return reply
    .code(page.code)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-robots-tag', 'noindex, nofollow')
    .header(
      'content-security-policy',
      `default-src 'none';${images} style-src 'unsafe-inline'; base-uri 'none'; form-action 'self'`,
    )
    .send(`<!doctype html>
<html lang="${page.language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(page.title)} — SIPUT</title>
<style>${page.css}</style>
</head><body><main>${page.body}</main></body></html>`);
}
