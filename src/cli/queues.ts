import type { Redis } from 'ioredis';
import type { AfterCommit, SavedTransition } from '../cases/index.js';
import type { Config } from '../config.js';
import { JobQueues, openRedis, redisTarget } from '../jobs/index.js';

/** How long the CLI waits for Redis before leaving the queuing to the service's reconciler. */
const CONNECT_TIMEOUT_MS = 1000;

/**
 * Queues what a command committed (a step's notice, its timers) on the service's Redis, so the
 * running service sends it at once instead of at its next reconcile, up to five minutes later.
 * It connects only when there is something to queue and gives up after a second: the rows are
 * committed either way, and the reconciler queues whatever this could not. `missed` counts the
 * transitions left to it, for the command to say so.
 */
export class CliQueues implements AfterCommit {
  #connection: Redis | undefined;
  #queues: Promise<JobQueues | null> | undefined;
  missed = 0;

  constructor(private readonly config: Parameters<typeof redisTarget>[0] & Pick<Config, 'REDIS_PREFIX'>) {}

  async schedule(saved: SavedTransition): Promise<void> {
    if ((await saved.messages).length === 0 && saved.timers.length === 0) return;
    this.#queues ??= this.#open();
    const queues = await this.#queues;
    try {
      if (!queues) throw new Error('redis unavailable');
      await queues.schedule(saved);
    } catch {
      this.missed++;
    }
  }

  async #open(): Promise<JobQueues | null> {
    // The service's own default when neither REDIS_SENTINELS nor REDIS_URL is set: a Redis on this machine.
    const connection = openRedis(redisTarget(this.config) ?? { url: 'redis://127.0.0.1:6379' }, {
      lazyConnect: true,
      connectTimeout: CONNECT_TIMEOUT_MS,
      maxRetriesPerRequest: null,
      retryStrategy: () => null,
      sentinelRetryStrategy: () => null,
    });
    connection.on('error', () => {});
    this.#connection = connection;
    try {
      await connection.connect();
    } catch {
      return null;
    }
    return new JobQueues({ connection, prefix: this.config.REDIS_PREFIX });
  }

  async close(): Promise<void> {
    const queues = await this.#queues;
    await queues?.close();
    this.#connection?.disconnect();
  }
}
