import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../../log.js';
import { errorText } from './error-text.js';

export interface SocketLockOptions {
  readonly redis: Redis;
  /** `${prefix}:whatsapp:lock`. */
  readonly key: string;
  readonly log: Logger;
  /**
   * How long the lock outlives a holder that stopped renewing it; default 30 000 ms. After a crash,
   * another process takes the socket over within this time; shorter means more Redis writes.
   */
  readonly ttlMs?: number;
}

export interface LockHolder {
  /** This process now holds the lock: open the socket. Not awaited by the lock. */
  acquired(): Promise<void>;
  /** The lock is no longer ours (or can no longer be proved ours): close the socket at once. Not awaited. */
  lost(): Promise<void>;
}

// Renew or release only while the value is still our token: never extend or delete another holder's lock.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * WhatsApp allows one socket per linked device: a second one replaces the first (440), and two
 * processes taking turns would loop. A Redis lock with a TTL, renewed while held, keeps it to one
 * process; the others wait and try again, and take over once a dead holder's lock expires.
 */
export class SocketLock {
  readonly #opts: SocketLockOptions;
  readonly #token = randomUUID();
  readonly #ttl: number;
  #holder: LockHolder | undefined;
  #held = false;
  #renewedAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();

  constructor(opts: SocketLockOptions) {
    this.#opts = opts;
    this.#ttl = opts.ttlMs ?? 30_000;
  }

  get held(): boolean {
    return this.#held;
  }

  /** Tries once now (resolving after that try), then keeps trying or renewing every third of the TTL. */
  async start(holder: LockHolder): Promise<void> {
    this.#holder = holder;
    await this.#tick();
  }

  /** Stops trying and renewing; the caller closes the socket, then calls release. */
  async stop(): Promise<void> {
    this.#holder = undefined;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** Lets another process take over at once rather than after the TTL. */
  async release(): Promise<void> {
    if (!this.#held) return;
    this.#held = false;
    try {
      await this.#opts.redis.eval(RELEASE, 1, this.#opts.key, this.#token);
    } catch (err) {
      this.#opts.log.warn({ err: errorText(err) }, 'whatsapp lock not released; it expires by itself');
    }
  }

  #tick(): Promise<void> {
    this.#running = this.#step().finally(() => {
      if (this.#holder) this.#timer = setTimeout(() => void this.#tick(), Math.max(this.#ttl / 3, 10)).unref();
    });
    return this.#running;
  }

  async #step(): Promise<void> {
    const holder = this.#holder;
    if (!holder) return;
    const { redis, key, log } = this.#opts;
    if (!this.#held) {
      let taken: string | null;
      try {
        taken = await redis.set(key, this.#token, 'PX', this.#ttl, 'NX');
      } catch (err) {
        log.warn({ err: errorText(err) }, 'whatsapp lock could not be asked for');
        return;
      }
      if (taken !== 'OK') return;
      this.#held = true;
      this.#renewedAt = Date.now();
      log.info('whatsapp socket lock taken: this process holds the connection');
      // Not awaited: opening a socket may take longer than a renewal period.
      void holder.acquired().catch((err: unknown) => log.error({ err: errorText(err) }, 'whatsapp start failed'));
      return;
    }
    let renewed: boolean;
    try {
      renewed = (await redis.eval(RENEW, 1, key, this.#token, String(this.#ttl))) === 1;
      if (renewed) this.#renewedAt = Date.now();
    } catch (err) {
      log.warn({ err: errorText(err) }, 'whatsapp lock renewal failed');
      // Unproven for half the TTL: another process may take it soon, so stop before it does.
      renewed = Date.now() - this.#renewedAt < this.#ttl / 2;
    }
    if (renewed) return;
    this.#held = false;
    log.warn('whatsapp socket lock lost: closing the connection for the process that holds it now');
    void holder
      .lost()
      .catch((err: unknown) => log.error({ err: errorText(err) }, 'whatsapp stop after lock loss failed'));
  }
}
