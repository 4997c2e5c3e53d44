import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/*
 * Both scripts read the clock from Redis (TIME), so every process sending for the bot shares one
 * clock and one count.
 */

/** Evenly spaced slots (GCRA): reserves the next free one and returns how long to wait for it. */
const NEXT_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
-- string.format keeps the fraction of a ms that tostring would round away on a 13-digit number
redis.call('SET', KEYS[1], string.format('%.2f', slot + interval), 'PX', math.ceil(slot + interval - now) + 1000)
return slot - now`;

/**
 * A sliding log: admits a send when fewer than ARGV[2] were admitted in the last ARGV[1] ms and
 * none in the last ARGV[3] ms; otherwise returns how long until one would be.
 */
const SLIDING_LOG = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window, max, gap = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local wait = 0
if redis.call('ZCARD', KEYS[1]) >= max then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  wait = tonumber(oldest[2]) + window - now + 1
end
local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if newest[2] and tonumber(newest[2]) + gap > now then
  wait = math.max(wait, tonumber(newest[2]) + gap - now)
end
if wait > 0 then return wait end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], window)
return 0`;

export interface PacerOptions {
  readonly redis: Redis;
  /** Redis key prefix of the app. */
  readonly prefix: string;
  /**
   * Sends per second over the whole bot; default 29. Telegram allows about 30 and counts them as
   * they arrive: one below leaves room for sends that travel at different speeds.
   */
  readonly perSecond?: number;
  /** Sends per minute into one group; default 20, Telegram's limit for groups. */
  readonly groupPerMinute?: number;
}

/**
 * Paces sends to Telegram's limits as they reach Telegram, which BullMQ's limiter (a fixed window
 * that lets a whole second's quota go at once) does not: evenly spaced over the bot and never more
 * than the rate in any sliding second, and at most 20 a minute and 1 a second into a group.
 */
export class TelegramPacer {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #intervalMs: number;
  readonly #perSecondMax: number;
  readonly #groupPerMinute: number;

  constructor(opts: PacerOptions) {
    this.#redis = opts.redis;
    this.#prefix = opts.prefix;
    this.#intervalMs = 1000 / (opts.perSecond ?? 29);
    this.#perSecondMax = Math.floor(opts.perSecond ?? 29);
    this.#groupPerMinute = opts.groupPerMinute ?? 20;
  }

  /** Waits for the bot's next free slot; call right before the request. */
  async slot(): Promise<void> {
    const wait = Number(await this.#redis.eval(NEXT_SLOT, 1, `${this.#prefix}:tg:pace`, this.#intervalMs));
    if (wait > 0) await sleep(wait);
    // A timer that fires late (a busy event loop) lets this send leave together with the next one.
    // The log of sends actually leaving holds them to the rate in any second all the same.
    for (;;) {
      const more = await this.#admit(`${this.#prefix}:tg:sent`, 1000, this.#perSecondMax, 0);
      if (more === 0) return;
      await sleep(more);
    }
  }

  /** 0 when a send into the group may go now (and is counted); otherwise the ms to wait first. */
  groupWait(chatId: string): Promise<number> {
    return this.#admit(`${this.#prefix}:tg:group:${chatId}`, 60_000, this.#groupPerMinute, 1000);
  }

  async #admit(key: string, windowMs: number, max: number, gapMs: number): Promise<number> {
    return Number(await this.#redis.eval(SLIDING_LOG, 1, key, windowMs, max, gapMs, randomUUID()));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
