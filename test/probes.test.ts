import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { type Database, openDatabase } from '../src/db/client.js';
import { buildWeb } from '../src/web/server.js';
import { eventually, testApp, testConfig } from './support/app.js';
import { OwnPostgres, OwnRedis } from './support/own-servers.js';

/**
 * /healthz and /readyz while a dependency is away, on servers of this test's own. They hung for
 * more than 5 s during an outage; now they answer at once, naming what is down. The bound below is
 * loose (a monitor's usual timeout), the probe's own is 800 ms.
 */
const PROBE_BOUND_MS = 3000;

let pg: OwnPostgres;
let redis: OwnRedis;
let database: Database;
let app: App;
let web: FastifyInstance;

beforeAll(async () => {
  [pg, redis] = await Promise.all([OwnPostgres.start(), OwnRedis.start()]);
  database = await openDatabase({ url: await pg.createDatabase('probes'), max: 3 });
  app = await testApp(database, testConfig({ REDIS_URL: redis.url }), { workers: false });
  web = await buildWeb(app);
}, 120_000);

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close().catch(() => {});
  await redis?.stop();
  await pg?.stop();
}, 60_000);

async function probe(path: '/healthz' | '/readyz') {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${path} did not answer within ${PROBE_BOUND_MS} ms`)), PROBE_BOUND_MS);
  });
  try {
    const res = await Promise.race([web.inject({ method: 'GET', url: path }), late]);
    return { status: res.statusCode, body: res.json() as Record<string, unknown> };
  } finally {
    clearTimeout(timer);
  }
}

describe('with PostgreSQL and Redis up', () => {
  it('/healthz and /readyz answer 200', async () => {
    expect(await probe('/healthz')).toEqual({ status: 200, body: { ok: true, database: 'postgres', redis: true } });
    expect(await probe('/readyz')).toEqual({ status: 200, body: { ready: true, database: 'postgres', redis: true } });
  });
});

describe('when Redis is down', () => {
  it('/healthz answers 503 naming redis; /readyz stays 200, the web chat still takes messages', async () => {
    await redis.stop();
    try {
      expect(await probe('/healthz')).toEqual({
        status: 503,
        body: { ok: false, database: 'postgres', redis: false, down: ['redis'] },
      });
      expect((await probe('/readyz')).status).toBe(200);
    } finally {
      await redis.startAgain();
    }
    await eventually('Redis to be back', async () => (await probe('/healthz')).status === 200);
  });

  it('a hung Redis (stopped, connection open) counts as down instead of holding the probe', async () => {
    redis.pause();
    try {
      const { status, body } = await probe('/healthz');
      expect(status).toBe(503);
      expect(body.down).toEqual(['redis']);
    } finally {
      redis.resume();
    }
    await eventually('Redis to answer again', async () => (await probe('/healthz')).status === 200);
  });
});

describe('when PostgreSQL is down', () => {
  it('/healthz and /readyz answer 503 naming the database', async () => {
    await pg.stopServer();
    try {
      expect(await probe('/healthz')).toEqual({
        status: 503,
        body: { ok: false, database: 'postgres', redis: true, down: ['database'] },
      });
      expect(await probe('/readyz')).toEqual({
        status: 503,
        body: { ready: false, database: 'postgres', redis: true, down: ['database'] },
      });
    } finally {
      await pg.startServer();
    }
    await eventually('PostgreSQL to be back', async () => (await probe('/healthz')).status === 200, 20_000);
  });
});
