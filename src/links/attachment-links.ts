import type { Signer } from '../signing.js';
import { ExpiringTag, type LinkCheck } from './expiring-tag.js';

export interface AttachmentLinksOptions {
  readonly signer: Signer;
  /** Where people reach the service (PUBLIC_URL, see publicBaseUrl). */
  readonly baseUrl: string;
  /** How long a link works; default 72 hours (ATTACHMENT_LINK_HOURS): a step's files read over a few working days. */
  readonly ttlHours?: number;
}

/**
 * Signed, expiring links an official opens a case's file with, from their chat:
 * `/lampiran/<file id>?p=<official id>&e=<unix expiry>&s=<tag>`. The tag covers the file, the
 * official it was made for and the expiry; the route checks again that the official is active.
 */
export class AttachmentLinks {
  readonly #tag: ExpiringTag;
  readonly #base: string;

  constructor(opts: AttachmentLinksOptions) {
    this.#tag = new ExpiringTag(opts.signer, 'lampiran', (opts.ttlHours ?? 72) * 3600);
    this.#base = opts.baseUrl.replace(/\/+$/, '');
  }

  get ttlHours(): number {
    return Math.round(this.#tag.ttlSeconds / 3600);
  }

  url(attachmentId: string, officialId: string, now = new Date()): string {
    const { expiry, tag } = this.#tag.issue(subject(attachmentId, officialId), now);
    return `${this.#base}/lampiran/${encodeURIComponent(attachmentId)}?p=${encodeURIComponent(officialId)}&e=${expiry}&s=${tag}`;
  }

  verify(
    attachmentId: string,
    officialId: string | undefined,
    expiry: string | undefined,
    tag: string | undefined,
    now = new Date(),
  ): LinkCheck {
    if (!officialId) return 'invalid';
    return this.#tag.check(subject(attachmentId, officialId), expiry, tag, now);
  }
}

const subject = (attachmentId: string, officialId: string) => `${attachmentId}:${officialId}`;
