import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../log.js';

export interface KeyspaceWatchOptions {
  readonly connection: Redis;
  /** Redis key prefix of the app: the marker lives beside the queues. */
  readonly prefix: string;
  readonly log: Logger;
  /** Puts back what Redis forgot (jobs from the database, job schedulers); run when the marker is gone. */
  readonly restore: () => Promise<unknown>;
  /** How often the marker is looked for; default 2 s. */
  readonly everyMs?: number;
}

/**
 * Notices a Redis that lost its keys while its connection stayed up (FLUSHALL, FLUSHDB, a failover
 * to an empty replica): a marker key is written at start and looked for every few seconds; when it
 * is gone the keyspace was lost, and the queues are restored from the database at once rather
 * than at the next periodic reconcile. A Redis restarted empty is caught by the connection's
 * 'ready' event instead.
 */
export class KeyspaceWatch {
  readonly #key: string;
  #timer: NodeJS.Timeout | undefined;
  #checking = false;

  constructor(private readonly opts: KeyspaceWatchOptions) {
    this.#key = `${opts.prefix}:keyspace-marker`;
  }

  async start(): Promise<void> {
    await this.opts.connection.set(this.#key, randomUUID(), 'NX');
    this.#timer = setInterval(() => void this.check(), this.opts.everyMs ?? 2000);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** True when the marker was gone (and the restore was run). */
  async check(): Promise<boolean> {
    // While reconnecting a command would only wait in the offline queue; 'ready' restores then.
    if (this.#checking || this.opts.connection.status !== 'ready') return false;
    this.#checking = true;
    try {
      // Several processes may notice the same loss: each restores, which is harmless (job ids).
      if ((await this.opts.connection.set(this.#key, randomUUID(), 'NX')) !== 'OK') return false;
      this.opts.log.warn('redis lost its keys (flushed or replaced): restoring the queues from the database');
      await this.opts.restore();
      return true;
    } catch (err) {
      this.opts.log.warn({ err: (err as Error).message }, 'redis keyspace check failed');
      return false;
    } finally {
      this.#checking = false;
    }
  }
}
