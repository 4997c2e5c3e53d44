import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../config.js';
import type { DocumentStore } from '../files/index.js';
import { downloadName, safeFileName } from '../files/index.js';
import { t } from '../i18n/index.js';
import { ExpiringTag, type LinkCheck } from '../links/index.js';
import type { Signer } from '../signing.js';

export interface DownloadLinksOptions {
  readonly signer: Signer;
  /** Where people reach the service; see publicBaseUrl. */
  readonly baseUrl: string;
  /** How long a link works; default 24 hours, long enough to open it later the same day. */
  readonly ttlSeconds?: number;
}

/**
 * Signed, expiring links to a document's file: `/unduh/<id>?e=<unix expiry>&s=<tag>`. The tag
 * covers the id and the expiry, so neither can be changed, and a link passed around stops working.
 */
export class DownloadLinks {
  // The purpose keeps these tags apart from other things the same secret signs (chat cookies, buttons).
  readonly #tag: ExpiringTag;
  readonly #base: string;

  constructor(opts: DownloadLinksOptions) {
    this.#tag = new ExpiringTag(opts.signer, 'unduh', opts.ttlSeconds ?? 24 * 3600);
    this.#base = opts.baseUrl.replace(/\/+$/, '');
  }

  /** How long a link works, in hours, to tell the person. */
  get ttlHours(): number {
    return Math.round(this.#tag.ttlSeconds / 3600);
  }

  url(documentId: string, now = new Date()): string {
    const { expiry, tag } = this.#tag.issue(documentId, now);
    return `${this.#base}/unduh/${encodeURIComponent(documentId)}?e=${expiry}&s=${tag}`;
  }

  verify(documentId: string, expiry: string | undefined, tag: string | undefined, now = new Date()): LinkCheck {
    return this.#tag.check(documentId, expiry, tag, now);
  }
}

/** PUBLIC_URL, or this machine's port for a newcomer trying it locally. */
export function publicBaseUrl(config: Pick<Config, 'PUBLIC_URL' | 'PORT'>): string {
  return config.PUBLIC_URL ?? `http://localhost:${config.PORT}`;
}

export interface DownloadRoutesOptions {
  readonly documents: DocumentStore;
  readonly links: DownloadLinks;
  readonly now?: () => Date;
}

/** GET /unduh/:id — streams a published document's file to whoever holds a valid link. */
export const downloadRoutes: FastifyPluginAsync<DownloadRoutesOptions> = async (fastify, opts) => {
  fastify.get<{ Params: { id: string }; Querystring: { e?: string; s?: string } }>('/unduh/:id', async (req, reply) => {
    const check = opts.links.verify(req.params.id, req.query.e, req.query.s, opts.now?.() ?? new Date());
    if (check !== 'valid') {
      return reply
        .code(403)
        .type('text/html; charset=utf-8')
        .send(politePage(check === 'expired' ? 'web.link_expired' : 'web.link_invalid'));
    }
    const file = await opts.documents.open(req.params.id);
    if (!file?.meta.published) {
      return reply.code(410).type('text/html; charset=utf-8').send(politePage('web.document_gone'));
    }
    return reply
      .type(file.meta.mime)
      .header('content-length', file.meta.size)
      .header('content-disposition', contentDisposition(downloadName(file.meta)))
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, no-store')
      .send(file.stream);
  });
};

/** `attachment` with an ASCII name for old clients and the exact name (RFC 5987) for the rest. */
export function contentDisposition(name: string): string {
  const safe = safeFileName(name) || 'dokumen';
  const ascii = safe.normalize('NFKD').replace(/[^\w .()-]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(safe)}`;
}

/** A page saying, in both languages, why a link does not open. */
export function politePage(key: string): string {
  return `<!doctype html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t('id', 'web.link_title')} — SIPUT</title>
<style>body{font:1rem/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}p[lang=en]{color:#4a4a4a}</style>
</head><body><h1>${t('id', 'web.link_title')}</h1><p>${t('id', key)}</p><p lang="en">${t('en', key)}</p></body></html>`;
}
