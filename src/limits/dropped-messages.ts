import type { Redis } from 'ioredis';

const HOUR_MS = 3_600_000;
/** How far back the console looks: the last day, hour by hour. */
const HOURS = 24;
/** A Redis that has not answered by then is treated as away: counting never holds up a receiver. */
const UNANSWERED_MS = 1000;

/** One sender's messages dropped by the flood limit in the last day. */
export interface DroppedBySender {
  readonly channel: string;
  readonly address: string;
  readonly count: number;
  readonly lastAt: Date;
}

/**
 * Counts the messages the chat receivers drop from a sender over their limit, so the admins see
 * who floods and how much, in Redis (shared by every process), one hash per hour kept a day.
 */
export class DroppedMessages {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** Counts one dropped message from `address` on `channel`. Never throws: a lost count is only a figure. */
  async count(channel: string, address: string, at = new Date()): Promise<void> {
    if (this.redis.status !== 'ready') return;
    const hour = this.#hourKey(Math.floor(at.getTime() / HOUR_MS));
    const field = JSON.stringify([channel, address]);
    const last = `${this.prefix}:dropped:last`;
    await Promise.race([
      this.redis
        .multi()
        .hincrby(hour, field, 1)
        .pexpire(hour, (HOURS + 1) * HOUR_MS)
        .hset(last, field, String(at.getTime()))
        .pexpire(last, (HOURS + 1) * HOUR_MS)
        .exec()
        .catch(() => null),
      new Promise((resolve) => setTimeout(resolve, UNANSWERED_MS).unref()),
    ]);
  }

  /**
   * Each sender with messages dropped in the last 24 hours, most dropped first; undefined while
   * Redis is away, so the console page that shows them does not wait for it.
   */
  async lastDay(now = new Date()): Promise<DroppedBySender[] | undefined> {
    if (this.redis.status !== 'ready') return undefined;
    const current = Math.floor(now.getTime() / HOUR_MS);
    const pipeline = this.redis.pipeline();
    for (let h = current - HOURS + 1; h <= current; h++) pipeline.hgetall(this.#hourKey(h));
    pipeline.hgetall(`${this.prefix}:dropped:last`);
    const results = await Promise.race([
      pipeline.exec().catch(() => null),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), UNANSWERED_MS).unref()),
    ]);
    if (!results) return undefined;
    const counts = new Map<string, number>();
    for (const [, hash] of results.slice(0, HOURS)) {
      for (const [field, n] of Object.entries((hash ?? {}) as Record<string, string>)) {
        counts.set(field, (counts.get(field) ?? 0) + Number(n));
      }
    }
    const last = (results[HOURS]?.[1] ?? {}) as Record<string, string>;
    return [...counts]
      .map(([field, count]) => {
        const [channel = '', address = ''] = JSON.parse(field) as [string, string];
        return { channel, address, count, lastAt: new Date(Number(last[field] ?? now.getTime())) };
      })
      .sort((a, b) => b.count - a.count || b.lastAt.getTime() - a.lastAt.getTime());
  }

  #hourKey(hour: number): string {
    return `${this.prefix}:dropped:${hour}`;
  }
}
