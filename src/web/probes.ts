import type { FastifyPluginAsync } from 'fastify';
import type { Redis } from 'ioredis';
import { type Database, ping } from '../db/index.js';

export interface ProbeOptions {
  readonly database: Database;
  readonly redis: Redis;
  /** How long a dependency may take to answer before it counts as down; default 800 ms. */
  readonly timeoutMs?: number;
}

type Dependency = 'database' | 'redis';

/**
 * `/healthz` and `/readyz`, answered within a second whatever is down: a check that does not
 * answer in time counts as down rather than holding the probe (a monitor's own timeout would
 * otherwise report the web process dead while it is only waiting).
 *
 * - `/healthz`: 200 when PostgreSQL and Redis both answer, else 503 naming what is down.
 * - `/readyz`: 200 while this process can take requests, which needs the database only: with
 *   Redis away the web chat still stores each message and its reply goes out when Redis is back,
 *   so a load balancer should keep sending traffic; 503 when the database is down.
 */
export const probeRoutes: FastifyPluginAsync<ProbeOptions> = async (fastify, opts) => {
  const timeoutMs = opts.timeoutMs ?? 800;
  const check = async () => {
    const [database, redis] = await Promise.all([
      answers(() => ping(opts.database.db), timeoutMs),
      // A command sent while ioredis reconnects would wait in its offline queue: not ready is down.
      opts.redis.status === 'ready' ? answers(() => opts.redis.ping(), timeoutMs) : Promise.resolve(false),
    ]);
    const down: Dependency[] = [];
    if (!database) down.push('database');
    if (!redis) down.push('redis');
    return { database: opts.database.kind, redis, down };
  };

  fastify.get('/healthz', async (_req, reply) => {
    const { down, ...rest } = await check();
    return reply
      .code(down.length === 0 ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({ ok: down.length === 0, ...rest, ...(down.length > 0 ? { down } : {}) });
  });

  fastify.get('/readyz', async (_req, reply) => {
    const { down, ...rest } = await check();
    const ready = !down.includes('database');
    return reply
      .code(ready ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({ ready, ...rest, ...(down.length > 0 ? { down } : {}) });
  });
};

/** True when `probe` resolves within `ms`; a rejection or silence is false. */
async function answers(probe: () => Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      probe().then(
        () => true,
        () => false,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
