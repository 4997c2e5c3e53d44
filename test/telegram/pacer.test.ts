import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { TelegramPacer } from '../../src/bots/telegram/pacer.js';
import { REDIS_URL } from '../support/app.js';

const redis = new Redis(REDIS_URL);
const prefix = `siput-test-${randomUUID()}`;

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe('the pacer', () => {
  it('spaces sends over the bot evenly, never more than the rate in any sliding second', async () => {
    const pacer = new TelegramPacer({ redis, prefix, perSecond: 50 });
    const times: number[] = [];
    await Promise.all(
      Array.from({ length: 60 }, async () => {
        await pacer.slot();
        times.push(performance.now());
      }),
    );
    times.sort((a, b) => a - b);
    const span = (times.at(-1) ?? 0) - (times[0] ?? 0);
    // 60 sends at 50/s: 59 gaps of 20 ms.
    expect(span).toBeGreaterThan(59 * 20 - 30);
    for (let i = 50; i < times.length; i++) expect((times[i] ?? 0) - (times[i - 50] ?? 0)).toBeGreaterThan(950);
  });

  it('lets a group have 20 sends a minute, one a second', async () => {
    const pacer = new TelegramPacer({ redis, prefix, groupPerMinute: 3 });
    expect(await pacer.groupWait('-100')).toBe(0);
    const wait = await pacer.groupWait('-100');
    expect(wait).toBeGreaterThan(900);
    expect(wait).toBeLessThanOrEqual(1000);
    await new Promise((r) => setTimeout(r, wait));
    expect(await pacer.groupWait('-100')).toBe(0);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await pacer.groupWait('-100')).toBe(0);
    await new Promise((r) => setTimeout(r, 1000));
    // Three in the last minute: the next waits for the oldest to leave the window.
    expect(await pacer.groupWait('-100')).toBeGreaterThan(55_000);
    expect(await pacer.groupWait('-200')).toBe(0);
  });
});
