import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Logger } from '../log.js';

export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
  readonly code = 'redis_unavailable';
}

export interface RedisHandle {
  /** Options for every BullMQ queue and worker connection. */
  readonly url: string;
  /** Set when this process started redis-server itself; stops it. */
  stop(): Promise<void>;
}

const LOCAL = 'redis://127.0.0.1:6379';

/**
 * REDIS_URL, else a Redis on 127.0.0.1:6379, else a redis-server started here with its data under
 * dataDir (append-only, so timers and the outbox survive a restart), else a clear error.
 */
export async function ensureRedis(opts: {
  url?: string | undefined;
  dataDir: string;
  log: Logger;
}): Promise<RedisHandle> {
  const url = opts.url ?? LOCAL;
  if (await answers(url)) return { url, stop: async () => {} };
  if (opts.url) {
    throw new RedisUnavailableError(
      `Redis at REDIS_URL (${redact(opts.url)}) does not answer; start it or fix REDIS_URL`,
    );
  }
  const dir = join(opts.dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  let child: ChildProcess;
  try {
    child = await startRedisServer(dir);
  } catch {
    throw new RedisUnavailableError(
      'Redis is required and none answers on 127.0.0.1:6379. Install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) so that redis-server is on PATH, or set REDIS_URL=redis://host:6379',
    );
  }
  for (let i = 0; i < 50; i++) {
    if (await answers(url)) {
      opts.log.info({ dir }, 'started redis-server for this process');
      return {
        url,
        stop: () =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new RedisUnavailableError(`redis-server was started under ${dir} but did not answer within 5 s`);
}

function startRedisServer(dir: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'redis-server',
      ['--port', '6379', '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', ''],
      { stdio: 'ignore' },
    );
    child.once('error', reject);
    child.once('spawn', () => resolve(child));
  });
}

async function answers(url: string): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function redact(url: string): string {
  return url.replace(/\/\/[^@]*@/, '//***@');
}

/** A connection for BullMQ: workers need maxRetriesPerRequest null to block on Redis. */
export function bullConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}
