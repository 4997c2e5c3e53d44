import type { Redis } from 'ioredis';
import { DateTime } from 'luxon';

export interface ColdCapOptions {
  readonly redis: Redis;
  /** `${prefix}:whatsapp:cold`. */
  readonly key: string;
  /** WHATSAPP_DAILY_COLD_CAP. */
  readonly cap: number;
  /** The service's zone (TZ_DEFAULT): the day resets at its midnight. */
  readonly zone: string;
}

export type ColdTake =
  | { readonly allowed: true; readonly count: number; readonly day: string }
  | { readonly allowed: false; readonly count: number; readonly day: string; readonly retryAt: Date };

/** The share of the cap at which the console starts warning. */
export const WARN_SHARE = 0.8;

// A row counts once however often its send is tried; the set of today's rows is the count.
const TAKE = `if redis.call('sismember', KEYS[1], ARGV[1]) == 1 then return {1, redis.call('scard', KEYS[1])} end
local n = redis.call('scard', KEYS[1])
if n >= tonumber(ARGV[2]) then return {0, n} end
redis.call('sadd', KEYS[1], ARGV[1])
redis.call('pexpire', KEYS[1], ARGV[3])
return {1, n + 1}`;

/**
 * The daily cap on messages to people who have not written in the last 24 hours. Such a message
 * is a "reach-out" to WhatsApp; many of them a day from an ordinary number is what bulk senders do,
 * and WhatsApp answers with time locks (463) and bans. Counted in Redis, shared by every process.
 */
export class ColdCap {
  constructor(private readonly opts: ColdCapOptions) {}

  get cap(): number {
    return this.opts.cap;
  }

  /** Counts the row against today's cap, or says when tomorrow begins. */
  async take(rowId: string, now = new Date()): Promise<ColdTake> {
    const today = DateTime.fromJSDate(now, { zone: this.opts.zone });
    const tomorrow = today.startOf('day').plus({ days: 1 });
    const day = today.toISODate() ?? '';
    const [allowed, count] = (await this.opts.redis.eval(
      TAKE,
      1,
      `${this.opts.key}:${day}`,
      rowId,
      String(this.opts.cap),
      String(2 * 24 * 3600_000),
    )) as [number, number];
    return allowed === 1 ? { allowed: true, count, day } : { allowed: false, count, day, retryAt: tomorrow.toJSDate() };
  }
}
