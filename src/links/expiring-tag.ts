import type { Signer } from '../signing.js';

export type LinkCheck = 'valid' | 'expired' | 'invalid';

/**
 * The signature of an expiring link: a tag over a purpose, a subject and the expiry, so neither
 * the subject (a document, a file and its reader) nor the expiry can be changed, and a link passed
 * around stops working. The purpose keeps tags of one kind of link from opening another.
 */
export class ExpiringTag {
  constructor(
    private readonly signer: Signer,
    private readonly purpose: string,
    /** How long a link works, in seconds. */
    readonly ttlSeconds: number,
  ) {}

  issue(subject: string, now: Date): { expiry: number; tag: string } {
    const expiry = Math.floor(now.getTime() / 1000) + this.ttlSeconds;
    return { expiry, tag: this.signer.sign(this.#payload(subject, expiry), TAG_LENGTH) };
  }

  check(subject: string, expiry: string | undefined, tag: string | undefined, now: Date): LinkCheck {
    if (!expiry || !/^\d{1,12}$/.test(expiry) || !tag) return 'invalid';
    if (!this.signer.verify(this.#payload(subject, Number(expiry)), tag, TAG_LENGTH)) return 'invalid';
    return Number(expiry) * 1000 < now.getTime() ? 'expired' : 'valid';
  }

  #payload(subject: string, expiry: number): string {
    return `${this.purpose}:${subject}:${expiry}`;
  }
}

/** 22 base64url characters: 132 bits, beyond guessing for as long as a link lives. */
const TAG_LENGTH = 22;
