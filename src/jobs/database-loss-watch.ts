import type { Database } from '../db/index.js';
import type { Logger } from '../log.js';

export interface DatabaseLossWatchOptions {
  readonly database: Pick<Database, 'onConnectionLost'>;
  readonly log: Logger;
  /** Queues from the rows what Redis lacks; resolves false when it could not (the database is still away). */
  readonly restore: () => Promise<boolean>;
  /** The wait after a loss; doubled between tries while the database is away, up to MAX_WAIT_MS. Default 2 s. */
  readonly againMs?: number;
}

/** A database away for long is tried this often at most: each failed try logs a warning. */
const MAX_WAIT_MS = 30_000;

/**
 * Reconciles the queues with the database once it answers again after dropping a connection. A
 * transaction whose COMMIT went out as its connection died may have committed while its caller was
 * told it failed, so what the caller queues after a commit was never queued: a web chat's replies
 * waited, pending, for the five-minute reconcile, and the browser's retry of the same message is a
 * duplicate, which queues nothing. A restart drops every connection of the pool at once: the
 * losses of one moment make one reconcile, and one more when a loss comes while it runs.
 */
export class DatabaseLossWatch {
  #unsubscribe: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #lostWhileRunning = false;
  #failedTries = 0;

  constructor(private readonly opts: DatabaseLossWatchOptions) {}

  start(): void {
    this.#unsubscribe = this.opts.database.onConnectionLost((err) => this.#lost(err));
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #lost(err: Error): void {
    if (this.#running) {
      this.#lostWhileRunning = true;
      return;
    }
    if (this.#timer) return;
    this.opts.log.warn({ err: err.message }, 'database connection lost: the queues are checked once it answers');
    this.#tryAfterWait();
  }

  #tryAfterWait(): void {
    if (!this.#unsubscribe) return;
    const wait = Math.min((this.opts.againMs ?? 2000) * 2 ** this.#failedTries, MAX_WAIT_MS);
    this.#timer = setTimeout(() => void this.#try(), wait);
    this.#timer.unref();
  }

  async #try(): Promise<void> {
    this.#timer = undefined;
    this.#running = true;
    this.#lostWhileRunning = false;
    const done = await this.opts.restore().catch(() => false);
    this.#running = false;
    this.#failedTries = done ? 0 : this.#failedTries + 1;
    if (!done || this.#lostWhileRunning) this.#tryAfterWait();
  }
}
