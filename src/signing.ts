import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Signs short strings (button values, download links) so that only what the service issued is
 * accepted back: a forged callback or a link with a changed id or expiry fails verification.
 */
export class Signer {
  readonly #key: Buffer;

  constructor(secret: string | Buffer) {
    this.#key = Buffer.isBuffer(secret) ? secret : Buffer.from(secret, 'utf8');
    if (this.#key.length < 16) throw new Error('the signing secret must have at least 16 bytes');
  }

  /** A URL-safe tag of `length` characters (default 16: 96 bits, plenty against guessing). */
  sign(payload: string, length = 16): string {
    return createHmac('sha256', this.#key).update(payload).digest('base64url').slice(0, length);
  }

  /**
   * True only for the whole tag `sign(payload, length)` gives: a tag cut short is refused, since
   * every character dropped halves the work of guessing one.
   */
  verify(payload: string, tag: string, length = 16): boolean {
    const expected = Buffer.from(this.sign(payload, length));
    const given = Buffer.from(tag);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

/**
 * APP_SECRET when set (required when several machines share the work); otherwise a random secret
 * kept in DATA_DIR, created on first start, so a newcomer has nothing to configure.
 */
export function loadSecret(appSecret: string | undefined, dataDir: string): string {
  if (appSecret) return appSecret;
  const file = join(dataDir, 'secret.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return secret;
}
