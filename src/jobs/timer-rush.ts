/** Timers waiting for a batch at which a rush starts: half a batch, which a steady flow never holds. */
const RUSH_WAITING = 100;
/**
 * How long the timers must have been idle for a rush to end: between two batches of a burst the
 * worker may hold nothing for a moment while it fetches the next jobs.
 */
const RUSH_LINGER_MS = 100;

/**
 * Whether this process's timer worker is behind: a deadline burst (a weekend's deadlines falling
 * due at Monday's opening) is being fired. The sends of a channel nobody waits on for an answer
 * (ChannelLimits.yieldsToTimers) wait meanwhile (outbox-worker.ts): in a burst they took about a
 * third of the process's CPU, making every reminder later, while the channel sends them all
 * within seconds once the firing is done.
 * A rush starts when RUSH_WAITING timers wait for a batch and ends when none has waited or run for
 * RUSH_LINGER_MS.
 */
export class TimerRush {
  #on = false;
  #since = 0;
  #ending: NodeJS.Timeout | undefined;
  readonly #listeners = new Set<(on: boolean) => void>();

  get on(): boolean {
    return this.#on;
  }

  /** The timers' load after each change: timers waiting for a batch, and batches running. */
  load(waiting: number, running: number): void {
    if (!this.#on) {
      if (waiting >= RUSH_WAITING) this.#set(true);
      return;
    }
    if (waiting + running > 0) {
      clearTimeout(this.#ending);
      this.#ending = undefined;
    } else if (!this.#ending) {
      this.#ending = setTimeout(() => {
        this.#ending = undefined;
        this.#set(false);
      }, RUSH_LINGER_MS);
      this.#ending.unref();
    }
  }

  /**
   * Resolves at once outside a rush; else when it ends, `maxMs` after it began (a rush that
   * outlasts that is an overload, not a burst), or when `signal` aborts.
   */
  async over(maxMs: number, signal: AbortSignal): Promise<void> {
    const left = this.#since + maxMs - Date.now();
    if (!this.#on || left <= 0 || signal.aborted) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(cap);
        stop();
        signal.removeEventListener('abort', done);
        resolve();
      };
      const cap = setTimeout(done, left);
      const stop = this.onChange((on) => {
        if (!on) done();
      });
      signal.addEventListener('abort', done);
    });
  }

  /** Calls `listener` at each start (true) and end (false) of a rush; returns its removal. */
  onChange(listener: (on: boolean) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #set(on: boolean): void {
    this.#on = on;
    if (on) this.#since = Date.now();
    for (const listener of this.#listeners) listener(on);
  }
}
