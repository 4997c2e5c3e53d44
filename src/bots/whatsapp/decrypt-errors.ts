/**
 * Counts messages that could not be decrypted ("Bad MAC", "No session record"…) over a sliding
 * window. One now and then is WhatsApp retrying; a burst means a broken signal session that only
 * a new pairing fixes (Baileys #2234), so admins must hear of it.
 */
export class DecryptErrors {
  #times: number[] = [];
  #warnedAt = Number.NEGATIVE_INFINITY;

  constructor(
    /** Default 10 minutes. */
    readonly windowMs = 10 * 60_000,
    /** Failures within the window that make a burst; default 5. */
    readonly burst = 5,
  ) {}

  /** Records one failure; `alarm` is true once per window when the count reaches a burst. */
  record(now = Date.now()): { count: number; alarm: boolean } {
    this.#times = this.#times.filter((t) => t > now - this.windowMs);
    this.#times.push(now);
    const count = this.#times.length;
    const alarm = count >= this.burst && now - this.#warnedAt >= this.windowMs;
    if (alarm) this.#warnedAt = now;
    return { count, alarm };
  }
}
