import type { CacheStore } from '@whiskeysockets/baileys';

/**
 * A small expiring map for Baileys' caches that must outlive one socket: the retry counts of
 * messages that failed to decrypt are kept across reconnects, so one broken message cannot make
 * every new socket ask for it again (Baileys' own advice).
 */
export class MemoryCache implements CacheStore {
  readonly #entries = new Map<string, { value: unknown; until: number }>();

  constructor(
    private readonly ttlMs: number,
    /** Oldest entries go first beyond this many; a burst of failures cannot grow it without end. */
    private readonly max = 10_000,
  ) {}

  get<T>(key: string): T | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.until <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value as T;
  }

  set<T>(key: string, value: T): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, until: Date.now() + this.ttlMs });
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.max) break;
      this.#entries.delete(oldest);
    }
  }

  del(key: string): void {
    this.#entries.delete(key);
  }

  flushAll(): void {
    this.#entries.clear();
  }
}
