/**
 * Delay before retry number `attempt` (1-based): doubling from `baseMs` up to a minute, with up to
 * a fifth taken off at random so that several processes do not retry in step.
 */
export function backoffMs(attempt: number, baseMs: number): number {
  const full = Math.min(60_000, baseMs * 2 ** Math.min(attempt - 1, 16));
  return Math.round(full * (1 - Math.random() * 0.2));
}

/** Sleeps, or resolves early when `signal` aborts (stopping must not wait out a long backoff). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
