import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Database } from '../../src/db/client.js';
import { Lease, type LeaseHolder } from '../../src/jobs/lease.js';
import { createLogger } from '../../src/log.js';
import { eventually, REDIS_URL } from '../support/app.js';
import { freshDatabase } from '../support/postgres.js';
import { FakeWhatsApp } from './support/fake-whatsapp.js';
import { startWhatsApp, stateIs, WhatsAppPerson, whatsappConfig } from './support/whatsapp-app.js';

const log = createLogger({ LOG_LEVEL: 'silent', NODE_ENV: 'test' });
const connections: Redis[] = [];
const locks: Lease[] = [];

function redis(): Redis {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  connections.push(connection);
  return connection;
}

/**
 * A lock and what it was told, in order. Its TTL is also how often it asks or renews (a third of
 * it): short where a test waits for it to ask, long where a busy machine must not make it lapse.
 */
function lock(key: string, { connection = redis(), ttlMs = 450 } = {}) {
  const events: string[] = [];
  const holder: LeaseHolder = {
    acquired: async () => void events.push('acquired'),
    lost: async () => void events.push('lost'),
  };
  const it = new Lease({ redis: connection, key, what: 'whatsapp socket', log, ttlMs });
  locks.push(it);
  return { lock: it, events, start: () => it.start(holder) };
}

afterEach(async () => {
  for (const l of locks.splice(0)) await l.stop();
  for (const c of connections.splice(0)) c.disconnect();
});

describe('the WhatsApp socket lock', () => {
  it('is held by one process at a time, and passed on at once when released', async () => {
    const key = `siput-test-${randomUUID()}:whatsapp:lock`;
    // The holder renews well within its TTL even when the machine stalls; the other asks often.
    const a = lock(key, { ttlMs: 10_000 });
    const b = lock(key);
    await a.start();
    await b.start();
    expect(a.lock.held).toBe(true);
    expect(b.lock.held).toBe(false);
    await new Promise((r) => setTimeout(r, 600));
    expect(b.events).toEqual([]);

    await a.lock.stop();
    await a.lock.release();
    await eventually('the other process to take the lock', async () => b.lock.held);
    expect(a.events).toEqual(['acquired']);
    expect(b.events).toEqual(['acquired']);
  });

  it('is taken over after its TTL when the holder dies, and the holder learns it lost it', async () => {
    const key = `siput-test-${randomUUID()}:whatsapp:lock`;
    const dyingConnection = redis();
    // Long enough that a stall of the machine does not make either lapse while it lives.
    const a = lock(key, { connection: dyingConnection, ttlMs: 3000 });
    const b = lock(key, { ttlMs: 3000 });
    await a.start();
    await b.start();
    expect(b.lock.held).toBe(false);
    const died = Date.now();
    dyingConnection.disconnect();
    // What the dead holder's lock had left: nobody may take it sooner.
    const left = await redis().pttl(key);

    await eventually('the holder to give the socket up', async () => a.events.includes('lost'));
    await eventually('another process to take over', async () => b.lock.held);
    expect(Date.now() - died).toBeGreaterThanOrEqual(left);
    expect(b.events).toEqual(['acquired']);
  });

  it('is given up when another process holds it after all', async () => {
    const key = `siput-test-${randomUUID()}:whatsapp:lock`;
    const connection = redis();
    const a = lock(key, { connection });
    await a.start();
    await connection.set(key, 'someone-else', 'PX', 5000);
    await eventually('the holder to notice', async () => a.events.includes('lost'));
    expect(a.lock.held).toBe(false);
  });
});

describe('two services with WhatsApp enabled', () => {
  let database: Database;
  const apps: App[] = [];

  beforeAll(async () => {
    database = await freshDatabase();
  });

  afterAll(async () => {
    for (const app of apps) await app.close().catch(() => {});
    await database?.close();
  });

  it('connect one socket, send through it alone, and hand over when the holder stops', async () => {
    const config = whatsappConfig();
    const queuePrefix = `siput-test-${randomUUID()}`;
    const first = new FakeWhatsApp();
    const second = new FakeWhatsApp();
    // The holder runs no outbox workers of the app's own (ROLE=bot): its adapter runs WhatsApp's.
    const a = (await startWhatsApp(database, config, first, { queuePrefix, workers: false })).app;
    apps.push(a);
    await stateIs(a, 'connected');
    const b = (await startWhatsApp(database, config, second, { queuePrefix })).app;
    apps.push(b);
    const whatsappQueue = b.queues.outbox('whatsapp');

    expect(a.workers).toHaveLength(0);
    const person = new WhatsAppPerson(a, first, '6281500000001@s.whatsapp.net');
    await person.say('halo');
    await person.choose('Saran/Keluhan');
    await person.choose('Keluhan');
    expect(person.lastText()).toContain('Tentang dokumen atau layanan apa');
    expect(second.sockets).toHaveLength(0);
    // Only the socket's holder draws WhatsApp's messages: a worker elsewhere could only put them
    // back, and a message could go back and forth for as long as it kept drawing it first.
    await Promise.all(b.workers.map((w) => w.waitUntilReady()));
    expect(await whatsappQueue.getWorkersCount()).toBe(1);

    await a.close();
    await second.socket(0);
    await stateIs(b, 'connected');
    const resumed = new WhatsAppPerson(b, second, person.jid);
    expect((await resumed.say('1')).join('\n')).toContain('Silakan tuliskan keluhan Anda');
    await eventually('the new holder alone to draw them', async () => (await whatsappQueue.getWorkersCount()) === 1);
  });
});
