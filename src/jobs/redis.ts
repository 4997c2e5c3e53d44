import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import { type Config, sentinelAddress, sentinelUrl } from '../config.js';
import type { Logger } from '../log.js';
import { RedisUnavailableError } from './errors.js';

/** The service's Redis: one server by URL, or the master that Redis Sentinel names. */
export type RedisTarget = { readonly url: string } | { readonly sentinel: SentinelTarget };

export interface SentinelTarget {
  readonly sentinels: ReadonlyArray<{ readonly host: string; readonly port: number }>;
  /** The master's name in the sentinels' configuration. */
  readonly name: string;
  readonly password?: string;
  readonly sentinelPassword?: string;
}

/**
 * REDIS_SENTINELS when set, else REDIS_URL (a redis+sentinel:// one names the sentinels and the
 * master itself); undefined → the local default (see ensureRedis).
 */
export function redisTarget(
  config: Pick<
    Config,
    'REDIS_URL' | 'REDIS_SENTINELS' | 'REDIS_SENTINEL_NAME' | 'REDIS_SENTINEL_PASSWORD' | 'REDIS_PASSWORD'
  >,
): RedisTarget | undefined {
  const fromUrl = config.REDIS_URL ? sentinelUrl(config.REDIS_URL) : undefined;
  const chosen =
    config.REDIS_SENTINELS.length > 0
      ? {
          sentinels: config.REDIS_SENTINELS.map(sentinelAddress),
          name: config.REDIS_SENTINEL_NAME,
          password: config.REDIS_PASSWORD,
        }
      : fromUrl && { ...fromUrl, password: fromUrl.password ?? config.REDIS_PASSWORD };
  if (!chosen) return config.REDIS_URL ? { url: config.REDIS_URL } : undefined;
  return {
    sentinel: {
      sentinels: chosen.sentinels,
      name: chosen.name,
      ...(chosen.password ? { password: chosen.password } : {}),
      ...(config.REDIS_SENTINEL_PASSWORD ? { sentinelPassword: config.REDIS_SENTINEL_PASSWORD } : {}),
    },
  };
}

/**
 * A connection to the target. Every connection the service makes comes from here or is a
 * duplicate() of one that did (BullMQ's blocking connections, the web chat's subscriber), so a
 * sentinel setting reaches them all.
 */
export function openRedis(target: RedisTarget, options: RedisOptions = {}): Redis {
  if ('url' in target) return new Redis(target.url, options);
  const { sentinels, name, password, sentinelPassword } = target.sentinel;
  return new Redis({
    sentinels: sentinels.map((s) => ({ ...s })),
    name,
    ...(password ? { password } : {}),
    ...(sentinelPassword ? { sentinelPassword } : {}),
    // The sentinels announce a failover (+switch-master): move to the new master at once.
    failoverDetector: true,
    // A master demoted to a replica refuses writes: reconnect (to the master the sentinels name
    // now) and send the command again.
    reconnectOnError: (err) => (err.message.startsWith('READONLY') ? 2 : false),
    ...options,
  });
}

export interface RedisHandle {
  /** What every BullMQ queue and worker connection opens (bullConnection). */
  readonly target: RedisTarget;
  /** Set when this process started redis-server itself; stops it. */
  stop(): Promise<void>;
}

const LOCAL = 'redis://127.0.0.1:6379';

/**
 * The sentinels' master, else REDIS_URL, else a Redis on 127.0.0.1:6379, else a redis-server
 * started here with its data under dataDir (append-only, so timers and the outbox survive a
 * restart), else a clear error.
 */
export async function ensureRedis(opts: {
  target?: RedisTarget | undefined;
  dataDir: string;
  log: Logger;
}): Promise<RedisHandle> {
  const target = opts.target ?? { url: LOCAL };
  if (await answers(target)) return { target, stop: async () => {} };
  if ('sentinel' in target) {
    const { sentinels, name } = target.sentinel;
    throw new RedisUnavailableError(
      `Redis Sentinel at ${sentinels.map((s) => `${s.host}:${s.port}`).join(',')} names no master "${name}" that answers; start them or fix REDIS_SENTINELS and REDIS_SENTINEL_NAME (or the redis+sentinel:// REDIS_URL)`,
    );
  }
  const url = target.url;
  if (opts.target) {
    throw new RedisUnavailableError(`Redis at REDIS_URL (${redact(url)}) does not answer; start it or fix REDIS_URL`);
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
    if (await answers(target)) {
      opts.log.info({ dir }, 'started redis-server for this process');
      return {
        target,
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

async function answers(target: RedisTarget): Promise<boolean> {
  const client = openRedis(target, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    retryStrategy: () => null,
    sentinelRetryStrategy: () => null,
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
export function bullConnection(target: RedisTarget): Redis {
  return openRedis(target, { maxRetriesPerRequest: null });
}
