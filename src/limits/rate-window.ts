import type { Redis } from 'ioredis';

export interface RateLimit {
  /** What this limit counts, part of its Redis keys: `chat`, `address`, `telegram-sender`… */
  readonly name: string;
  /** Hits allowed per window. */
  readonly max: number;
  readonly windowMs: number;
}

/** The answer to one hit: allowed, or refused with how long until the window ends. */
export type RateVerdict =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      readonly retryAfterMs: number;
      /** The first refusal of this window: the one moment to tell the person, once, to slow down. */
      readonly first: boolean;
    };

/** A Redis that has not answered a hit by then is treated as away. */
const UNANSWERED_MS = 1000;

interface PendingHit {
  readonly redisKey: string;
  readonly amount: number;
  readonly done: (count: { count: number; ttl: number } | null) => void;
}

/**
 * A fixed-window counter in Redis, shared by every process: the first hit of a key starts its
 * window, and hits past `max` are refused until it ends. Hits made in the same turn of the event
 * loop (a polled batch's chats, say) go to Redis in one MULTI, one round trip for all of them,
 * each with its own commands in the order made, so each is counted as if alone.
 */
export class RateWindow {
  #pending: PendingHit[] = [];

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly limit: RateLimit,
  ) {}

  /** Counts a hit of `key` (a chat, an address, a sender) and says whether it may go on. */
  async hit(key: string, amount = 1): Promise<RateVerdict> {
    // With Redis away the limit is not kept rather than the request held for the whole outage:
    // the message itself is safe in the database (the service's connection waits for ever).
    if (this.redis.status !== 'ready') return { allowed: true };
    const redisKey = `${this.prefix}:rate:${this.limit.name}:${key}`;
    const result = await new Promise<{ count: number; ttl: number } | null>((done) => {
      if (this.#pending.push({ redisKey, amount, done }) === 1) setImmediate(() => void this.#flush());
    });
    if (result === null) return { allowed: true };
    if (result.count <= this.limit.max) return { allowed: true };
    const ttl = Number.isFinite(result.ttl) ? result.ttl : this.limit.windowMs;
    return { allowed: false, retryAfterMs: Math.max(ttl, 1), first: result.count - amount < this.limit.max + 1 };
  }

  async #flush(): Promise<void> {
    const hits = this.#pending;
    this.#pending = [];
    const multi = this.redis.multi();
    for (const { redisKey, amount } of hits) {
      multi.incrby(redisKey, amount).pexpire(redisKey, this.limit.windowMs, 'NX').pttl(redisKey);
    }
    const results = await Promise.race([
      multi.exec().catch(() => null),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), UNANSWERED_MS).unref()),
    ]);
    for (const [i, hit] of hits.entries()) {
      const count = results?.[i * 3]?.[1];
      const ttl = results?.[i * 3 + 2]?.[1];
      hit.done(results ? { count: Number(count ?? 0), ttl: Number(ttl ?? Number.NaN) } : null);
    }
  }
}
