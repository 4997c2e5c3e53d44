import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../config.js';
import { t } from '../i18n/catalog.js';
import type { Signer } from '../signing.js';
import type { DocumentStore } from './document-store.js';
import { safeFileName } from './file-kinds.js';
import './texts.js';

export type LinkCheck = 'valid' | 'expired' | 'invalid';

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
  readonly #signer: Signer;
  readonly #base: string;
  readonly #ttl: number;

  constructor(opts: DownloadLinksOptions) {
    this.#signer = opts.signer;
    this.#base = opts.baseUrl.replace(/\/+$/, '');
    this.#ttl = opts.ttlSeconds ?? 24 * 3600;
  }

  /** How long a link works, in hours, to tell the person. */
  get ttlHours(): number {
    return Math.round(this.#ttl / 3600);
  }

  url(documentId: string, now = new Date()): string {
    const expiry = Math.floor(now.getTime() / 1000) + this.#ttl;
    const tag = this.#signer.sign(payload(documentId, expiry), 22);
    return `${this.#base}/unduh/${encodeURIComponent(documentId)}?e=${expiry}&s=${tag}`;
  }

  verify(documentId: string, expiry: string | undefined, tag: string | undefined, now = new Date()): LinkCheck {
    if (!expiry || !/^\d{1,12}$/.test(expiry) || !tag) return 'invalid';
    if (!this.#signer.verify(payload(documentId, Number(expiry)), tag)) return 'invalid';
    return Number(expiry) * 1000 < now.getTime() ? 'expired' : 'valid';
  }
}

// A prefix keeps these tags apart from other things the same secret signs (chat cookies, buttons).
const payload = (documentId: string, expiry: number) => `unduh:${documentId}:${expiry}`;

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
      .header('content-disposition', contentDisposition(file.meta.fileName))
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

function politePage(key: string): string {
  return `<!doctype html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t('id', 'web.link_title')} — SIPUT</title>
<style>body{font:1rem/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}p[lang=en]{color:#4a4a4a}</style>
</head><body><h1>${t('id', 'web.link_title')}</h1><p>${t('id', key)}</p><p lang="en">${t('en', key)}</p></body></html>`;
}
