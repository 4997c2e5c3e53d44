import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { RedisUnavailableError } from '../src/jobs/errors.js';
import { ensureRedis } from '../src/jobs/redis.js';
import { createLogger } from '../src/log.js';

const log = createLogger({ LOG_LEVEL: 'silent', NODE_ENV: 'test' });

describe('ensureRedis', () => {
  it('rejects an explicit REDIS_URL that does not answer, naming REDIS_URL, and starts nothing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'siput-redis-'));
    const attempt = ensureRedis({ target: { url: 'redis://127.0.0.1:6399' }, dataDir, log });
    await expect(attempt).rejects.toBeInstanceOf(RedisUnavailableError);
    await expect(attempt).rejects.toThrow(/REDIS_URL/);
    expect(existsSync(join(dataDir, 'redis'))).toBe(false);
  });

  it('uses the Redis on 127.0.0.1:6379 when no url is set, and leaves it running on stop', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'siput-redis-'));
    const handle = await ensureRedis({ dataDir, log });
    expect(handle.target).toEqual({ url: 'redis://127.0.0.1:6379' });
    // It answered at once, so no redis-server of our own was started under DATA_DIR.
    expect(existsSync(join(dataDir, 'redis'))).toBe(false);
    await handle.stop();
    const client = new Redis('redis://127.0.0.1:6379');
    try {
      expect(await client.ping()).toBe('PONG');
    } finally {
      client.disconnect();
    }
  });
});
