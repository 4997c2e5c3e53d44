import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { type Database, openDatabase } from '../src/db/client.js';
import { caseEvents, inboundMessages, messages } from '../src/db/schema.js';
import { eventually, testApp, testConfig } from './support/app.js';
import { KILAT_SETTINGS, seedKilatUnit } from './support/kilat.js';
import { freePort, OwnPostgres, OwnRedis } from './support/own-servers.js';
import { type ServiceProcess, spawnService } from './support/service-process.js';

/**
 * The service in its own process, on a Postgres and a Redis of this test's own, while Postgres is
 * restarted (`pg_ctl restart -m fast`) and killed (SIGKILL to the postmaster) under a flood of web
 * chat messages and a burst of step deadlines. postgres.js died here with an uncatchable
 * `Cannot read properties of null (reading 'write')` (porsager/postgres #1154).
 */

const CHATS = 20;
const BURST_CASES = 60;

let pg: OwnPostgres;
let redis: OwnRedis;
let database: Database;
let service: ServiceProcess;
let seeder: App;
let published: Redis;
const deliveries = new Map<string, number>();

beforeAll(async () => {
  [pg, redis] = await Promise.all([OwnPostgres.start(), OwnRedis.start()]);
  const url = await pg.createDatabase('siput');
  database = await openDatabase({ url, max: 4 });
  await seedKilatUnit(database.db, { linked: ['pelaksana'] });

  // Every message the outbox hands to the web chat travels on Redis pub/sub: count each one.
  published = new Redis(redis.url);
  await published.psubscribe('siput:web:*');
  published.on('pmessage', (_p: string, _topic: string, payload: string) => {
    const id = (JSON.parse(payload) as { id: string }).id;
    deliveries.set(id, (deliveries.get(id) ?? 0) + 1);
  });

  service = spawnService(await freePort(), {
    DATABASE_URL: url,
    REDIS_URL: redis.url,
    // Twenty chats from one address, flooding through two faults: the web chat's flood limits would
    // answer 429 and leave nothing acknowledged to check.
    CHAT_MESSAGES_PER_MINUTE: '10000',
    CHAT_MESSAGES_PER_MINUTE_PER_ADDRESS: '100000',
  });
  await service.healthy();
  // Cases on the seconds-long SOP are filed from here, into the service's queues (prefix "siput");
  // the service's timer worker fires their deadlines.
  seeder = await testApp(
    database,
    testConfig({
      REDIS_URL: redis.url,
      ...KILAT_SETTINGS,
    }),
    { queuePrefix: 'siput', workers: false },
  );
}, 120_000);

afterAll(async () => {
  await seeder?.close().catch(() => {});
  published?.disconnect();
  if (service && service.child.exitCode === null) {
    service.child.kill('SIGTERM');
    await service.exited;
  }
  await database?.close().catch(() => {});
  await redis?.stop();
  await pg?.stop();
}, 60_000);

/** A browser on /chat sending BANTUAN over and over; a message counts once the service said 200. */
class Flooder {
  readonly acked: string[] = [];
  #cookie = '';
  #stop = false;
  readonly #done: Promise<void>;

  constructor(base: string) {
    this.#done = this.#run(base);
  }

  async #run(base: string): Promise<void> {
    let key = randomUUID();
    while (!this.#stop) {
      try {
        const res = await fetch(`${base}/chat/api/send`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(this.#cookie ? { cookie: this.#cookie } : {}) },
          body: JSON.stringify({ id: key, text: 'BANTUAN' }),
          signal: AbortSignal.timeout(10_000),
        });
        const set = res.headers.get('set-cookie');
        if (set && !this.#cookie) this.#cookie = set.split(';')[0] ?? '';
        await res.arrayBuffer();
        if (res.status === 200) {
          this.acked.push(key);
          key = randomUUID();
        } else {
          // Not acknowledged: a browser sends the same message (same id) again.
          await new Promise((r) => setTimeout(r, 100));
        }
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  stop(): Promise<void> {
    this.#stop = true;
    return this.#done;
  }
}

/** Files cases whose reminders fall due within seconds, one after another, while the test goes on. */
async function fileBurst(): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < BURST_CASES; i++) {
    ids.push((await seeder.cases.submit({ sopId: 'kilat', unitId: 'kilat', body: `beban ${i}` })).caseId);
  }
  return ids;
}

async function underLoad(fault: () => Promise<void>) {
  const flooders = Array.from({ length: CHATS }, () => new Flooder(service.base));
  await new Promise((r) => setTimeout(r, 1500));
  const caseIds = await fileBurst();
  // The first reminders fall due two seconds after filing: the fault lands in the burst.
  await new Promise((r) => setTimeout(r, 1500));
  await fault();
  await new Promise((r) => setTimeout(r, 3000));
  await Promise.all(flooders.map((f) => f.stop()));
  return { acked: flooders.flatMap((f) => f.acked), caseIds };
}

async function expectAllOnce(acked: string[], caseIds: string[]) {
  expect(service.child.exitCode, service.output().slice(-2000)).toBeNull();
  await service.healthy(15_000);
  expect(acked.length).toBeGreaterThan(CHATS);

  // Every acknowledged message is recorded, once (the key is unique: it is there or not). A web
  // key is the chat's address and the page's message id: the id is its last part.
  const stored = new Set<string>();
  const rows = await database.db
    .select({ key: inboundMessages.key })
    .from(inboundMessages)
    .where(eq(inboundMessages.channel, 'web'));
  for (const { key } of rows) if (key) stored.add(key.slice(key.lastIndexOf(':') + 1));
  expect(acked.filter((k) => !stored.has(k))).toEqual([]);

  // Every reply written goes out, and once.
  const replies = await eventually(
    'every web reply to be sent',
    async () => {
      const rows = await database.db
        .select({ id: messages.id, status: messages.status })
        .from(messages)
        .where(eq(messages.channel, 'web'));
      return rows.every((r) => r.status === 'sent') ? rows : null;
    },
    60_000,
  ).catch(async (err: Error) => {
    // What is left, and the service's last words: a flaky run says why it failed.
    const left = await database.db
      .select({ id: messages.id, status: messages.status, attempts: messages.attempts, error: messages.lastError })
      .from(messages)
      .where(and(eq(messages.channel, 'web'), sql`${messages.status} <> 'sent'`));
    throw new Error(`${err.message}: ${JSON.stringify(left.slice(0, 5))}\n${service.output().slice(-3000)}`);
  });
  await new Promise((r) => setTimeout(r, 500));
  expect(replies.filter((r) => deliveries.get(r.id) !== 1)).toEqual([]);

  // Each case: its two reminders and one escalation, once each, nothing more.
  const trail = await eventually(
    'every deadline of the burst to fire',
    async () => {
      const rows = await database.db
        .select({ caseId: caseEvents.caseId, kind: caseEvents.kind, n: sql<number>`count(*)::int` })
        .from(caseEvents)
        .where(and(inArray(caseEvents.caseId, caseIds), inArray(caseEvents.kind, ['reminded', 'escalated'])))
        .groupBy(caseEvents.caseId, caseEvents.kind);
      return rows.filter((r) => r.kind === 'escalated').length === caseIds.length ? rows : null;
    },
    60_000,
  );
  expect(trail.filter((r) => r.n !== (r.kind === 'reminded' ? 2 : 1))).toEqual([]);
  expect(trail.filter((r) => r.kind === 'reminded')).toHaveLength(caseIds.length);
  const reminders = await database.db
    .select({ instanceId: messages.instanceId, template: messages.template, n: sql<number>`count(*)::int` })
    .from(messages)
    .where(and(inArray(messages.caseId, caseIds), eq(messages.template, 'step.reminder')))
    .groupBy(messages.instanceId, messages.template);
  expect(reminders.filter((r) => r.n !== 2)).toEqual([]);
}

describe('when Postgres restarts under a chat flood and a deadline burst', () => {
  it('pg_ctl restart -m fast: the process stays up, every acknowledged message and reminder once', async () => {
    const { acked, caseIds } = await underLoad(() => pg.restartFast());
    await expectAllOnce(acked, caseIds);
  }, 150_000);

  it('SIGKILL of the postmaster: the process stays up, every acknowledged message and reminder once', async () => {
    const { acked, caseIds } = await underLoad(async () => {
      pg.killPostmaster();
      await new Promise((r) => setTimeout(r, 1000));
      await pg.startServer();
    });
    await expectAllOnce(acked, caseIds);
    expect(service.output()).not.toContain('Cannot read properties of null');
  }, 150_000);
});
