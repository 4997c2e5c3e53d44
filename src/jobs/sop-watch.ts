import type { Redis } from 'ioredis';
import type { SopRegistry } from '../cases/index.js';
import type { Logger } from '../log.js';

export interface SopWatchOptions {
  /** The app's connection, to publish on. */
  readonly connection: Redis;
  /** A connection of its own: a subscribed Redis connection can do nothing else. */
  readonly subscriber: Redis;
  /** Redis key prefix of the app: processes of one deployment share it. */
  readonly prefix: string;
  readonly sops: SopRegistry;
  readonly log: Logger;
}

/**
 * Tells every process of the deployment that an SOP version was activated, so each reads the
 * active versions again at once. A notice lost while Redis was away costs at most the registry's
 * refresh time (SOP_REFRESH_SECONDS), after which the process reads them anyway.
 */
export class SopWatch {
  readonly #opts: SopWatchOptions;
  readonly #topic: string;

  constructor(opts: SopWatchOptions) {
    this.#opts = opts;
    this.#topic = `${opts.prefix}:sop:activated`;
  }

  async start(): Promise<void> {
    const { subscriber, sops, log } = this.#opts;
    subscriber.on('error', (err: Error) => log.warn({ err: err.message }, 'SOP notice subscriber error'));
    subscriber.on('message', (topic: string, payload: string) => {
      if (topic !== this.#topic) return;
      sops.invalidate();
      log.info({ sop: payload }, 'SOP version activated elsewhere; active versions read again');
    });
    // A notice published while this connection was away is gone: read the versions again.
    subscriber.on('ready', () => sops.invalidate());
    await subscriber.subscribe(this.#topic);
  }

  /** After an activation: every process, this one included, reads the active versions again. */
  async announce(sopId: string, version: number): Promise<void> {
    this.#opts.sops.invalidate();
    await this.#opts.connection
      .publish(this.#topic, `${sopId}@${version}`)
      .catch((err: Error) => this.#opts.log.warn({ err: err.message }, 'announcing an SOP activation failed'));
  }

  async close(): Promise<void> {
    const { subscriber } = this.#opts;
    await subscriber.quit().catch(() => subscriber.disconnect());
  }
}
