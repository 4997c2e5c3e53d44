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

/**
 * A fixed-window counter in Redis, shared by every process: the first hit of a key starts its
 * window, and hits past `max` are refused until it ends.
 */
export class RateWindow {
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
    const result = await Promise.race([
      this.redis.multi().incrby(redisKey, amount).pexpire(redisKey, this.limit.windowMs, 'NX').pttl(redisKey).exec(),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), UNANSWERED_MS).unref()),
    ]);
    if (result === null) return { allowed: true };
    const count = Number(result?.[0]?.[1] ?? 0);
    if (count <= this.limit.max) return { allowed: true };
    const ttl = Number(result?.[2]?.[1] ?? this.limit.windowMs);
    return { allowed: false, retryAfterMs: Math.max(ttl, 1), first: count - amount < this.limit.max + 1 };
  }
}
