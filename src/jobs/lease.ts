import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../log.js';

export interface LeaseOptions {
  readonly redis: Redis;
  /** The lock's key, under the app's prefix: `${prefix}:whatsapp:lock`, `${prefix}:telegram:polling`… */
  readonly key: string;
  /** What the lease guards, for the log: "whatsapp socket", "telegram polling", "sweeps". */
  readonly what: string;
  readonly log: Logger;
  /**
   * How long the lease outlives a holder that stopped renewing it; default 30 000 ms. After a crash,
   * another process takes over within this time; shorter means more Redis writes.
   */
  readonly ttlMs?: number;
}

export interface LeaseHolder {
  /** This process now holds the lease: start the work it guards. Not awaited by the lease. */
  acquired(): Promise<void>;
  /** The lease is no longer ours (or can no longer be proved ours): stop that work at once. Not awaited. */
  lost(): Promise<void>;
}

// Renew or release only while the value is still our token: never extend or delete another holder's lease.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Work that one process of many must do alone (the WhatsApp socket, Telegram long polling, the
 * workers' sweeps): a Redis key with a TTL, renewed while held. The other processes keep asking
 * and take over once a dead holder's key expires, or at once when a stopping holder releases it.
 */
export class Lease {
  readonly #opts: LeaseOptions;
  readonly #token = randomUUID();
  readonly #ttl: number;
  #holder: LeaseHolder | undefined;
  #held = false;
  #renewedAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();

  constructor(opts: LeaseOptions) {
    this.#opts = opts;
    this.#ttl = opts.ttlMs ?? 30_000;
  }

  get held(): boolean {
    return this.#held;
  }

  /** Tries once now (resolving after that try), then keeps trying or renewing every third of the TTL. */
  async start(holder: LeaseHolder): Promise<void> {
    this.#holder = holder;
    await this.#tick();
  }

  /** Stops trying and renewing; the caller stops the work, then calls release. */
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
      this.#opts.log.warn(
        { err: (err as Error).message, lease: this.#opts.what },
        'lease not released; it expires by itself',
      );
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
    const { redis, key, log, what } = this.#opts;
    if (!this.#held) {
      let taken: string | null;
      try {
        taken = await redis.set(key, this.#token, 'PX', this.#ttl, 'NX');
      } catch (err) {
        log.warn({ err: (err as Error).message, lease: what }, 'lease could not be asked for');
        return;
      }
      if (taken !== 'OK') return;
      this.#held = true;
      this.#renewedAt = Date.now();
      log.info({ lease: what }, 'lease taken: this process does this work alone');
      // Not awaited: starting the work (opening a socket) may take longer than a renewal period.
      void holder
        .acquired()
        .catch((err: unknown) =>
          log.error({ err: (err as Error).message, lease: what }, 'start after taking the lease failed'),
        );
      return;
    }
    let renewed: boolean;
    try {
      renewed = (await redis.eval(RENEW, 1, key, this.#token, String(this.#ttl))) === 1;
      if (renewed) this.#renewedAt = Date.now();
    } catch (err) {
      log.warn({ err: (err as Error).message, lease: what }, 'lease renewal failed');
      // Unproven for half the TTL: another process may take it soon, so stop before it does.
      renewed = Date.now() - this.#renewedAt < this.#ttl / 2;
    }
    if (renewed) return;
    this.#held = false;
    log.warn({ lease: what }, 'lease lost: stopping, another process does this work now');
    void holder
      .lost()
      .catch((err: unknown) =>
        log.error({ err: (err as Error).message, lease: what }, 'stop after losing the lease failed'),
      );
  }
}
