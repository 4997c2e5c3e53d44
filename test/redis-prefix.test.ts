import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, startApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { Database } from '../src/db/client.js';
import { createLogger } from '../src/log.js';
import type { OutgoingMessage } from '../src/outbox/channel.js';
import { WebChatHub } from '../src/web/chat-hub.js';
import { eventually, REDIS_URL, testConfig } from './support/app.js';
import { freshDatabase } from './support/postgres.js';

const prefixA = `siput-test-a-${randomUUID()}`;
const prefixB = `siput-test-b-${randomUUID()}`;
let database: Database;
const apps: App[] = [];
const redis = new Redis(REDIS_URL);

/** An app as `npm start` builds it: no queue prefix of the tests', only REDIS_PREFIX. */
async function deployment(prefix: string): Promise<App> {
  const config = testConfig({ REDIS_PREFIX: prefix });
  const app = await startApp(config, createLogger(config), { database, workers: false, receive: false });
  apps.push(app);
  return app;
}

beforeAll(async () => {
  database = await freshDatabase();
});

afterAll(async () => {
  for (const app of apps) await app.close();
  await database?.close();
  for (const prefix of [prefixA, prefixB]) {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  await redis.quit();
});

describe('REDIS_PREFIX', () => {
  it('defaults to siput and refuses characters that would split a key', () => {
    expect(loadConfig({}).REDIS_PREFIX).toBe('siput');
    expect(() => loadConfig({ REDIS_PREFIX: 'a:b' })).toThrow(/REDIS_PREFIX/);
  });

  it('keeps two deployments on one Redis apart: queues and web chat messages', async () => {
    const a = await deployment(prefixA);
    const b = await deployment(prefixB);
    expect(a.prefix).toBe(prefixA);
    const job = randomUUID();
    await a.queues.addMessage(job, 'web');
    expect(await redis.exists(`${prefixA}:outbox-web:${job}`)).toBe(1);
    expect(await b.queues.outbox('web').getJob(job)).toBeUndefined();

    const heardByA: OutgoingMessage[] = [];
    const heardByB: OutgoingMessage[] = [];
    const hubA = new WebChatHub({ subscriber: a.connection.duplicate(), prefix: a.prefix, log: a.log });
    const hubB = new WebChatHub({ subscriber: b.connection.duplicate(), prefix: b.prefix, log: b.log });
    await hubA.start();
    await hubB.start();
    try {
      const address = randomUUID();
      hubA.listen(address, { message: (m) => heardByA.push(m), resync: () => {} });
      hubB.listen(address, { message: (m) => heardByB.push(m), resync: () => {} });
      await a.channels.get('web')?.send({ id: randomUUID(), address, text: 'halo', choices: [] });
      await eventually('deployment A to hear its message', async () => heardByA.length === 1);
      // A second message on B's side arrives after A's would have: B heard nothing of A's.
      await b.channels.get('web')?.send({ id: randomUUID(), address, text: 'dari B', choices: [] });
      await eventually('deployment B to hear its own message', async () => heardByB.length === 1);
      expect(heardByB.map((m) => m.text)).toEqual(['dari B']);
      expect(heardByA.map((m) => m.text)).toEqual(['halo']);
    } finally {
      await hubA.close();
      await hubB.close();
    }
  });
});
