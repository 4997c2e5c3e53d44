import { randomUUID } from 'node:crypto';
import { and, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { caseEvents, messages } from '../src/db/schema.js';
import { openRedis, redisTarget } from '../src/jobs/redis.js';
import type { OutgoingMessage } from '../src/outbox/index.js';
import { eventually, testApp, testConfig } from './support/app.js';
import { KILAT_SETTINGS, seedKilatUnit } from './support/kilat.js';
import { freshDatabase } from './support/postgres.js';
import { MASTER_NAME, SentinelSet } from './support/sentinel.js';

/**
 * The service on Redis Sentinel (REDIS_SENTINELS): a master, a replica and a sentinel of the
 * test's own. A burst of deadlines is falling due when the replica is promoted (SENTINEL
 * FAILOVER): every connection follows the new master, and every reminder fires once and every
 * message is sent once. Outside CI the test is skipped where redis-sentinel is not installed;
 * in CI (.ci/run installs it) it runs, and fails if it cannot.
 */

const BURST = 120;
const run = SentinelSet.installed() || process.env.CI;

describe.runIf(run)('on Redis Sentinel, when the replica is promoted mid-burst', () => {
  let set: SentinelSet;
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let app: App;

  beforeAll(async () => {
    [set, database] = await Promise.all([SentinelSet.start(), freshDatabase()]);
    await seedKilatUnit(database.db, { pelaksana: 4, linked: ['kepala', 'pelaksana'] });
    app = await testApp(
      database,
      testConfig({
        REDIS_SENTINELS: set.sentinels,
        // Nothing answers here: every connection must come through the sentinel.
        REDIS_URL: 'redis://127.0.0.1:1',
        ...KILAT_SETTINGS,
      }),
      { retryDelayMs: 200 },
    );
  }, 60_000);

  afterAll(async () => {
    await app?.close().catch(() => {});
    await database?.close();
    await set?.stop();
  }, 90_000);

  it('follows the new master: every reminder fires once and every message is sent once', async () => {
    // A retried test finds the servers' roles as the first try left them.
    const master = await set.masterNow();
    const replica = set.other(master);
    const caseIds: string[] = [];
    await Promise.all(
      Array.from({ length: 6 }, async (_, lane) => {
        for (let i = lane; i < BURST; i += 6) {
          caseIds.push((await app.cases.submit({ sopId: 'kilat', unitId: 'kilat', body: `beban ${i}` })).caseId);
        }
      }),
    );
    // The first reminders fall due two seconds after filing: promote the replica among them.
    await new Promise((r) => setTimeout(r, 1500));
    await set.failover();
    await eventually(
      'the old master to serve as a replica',
      // Becoming a replica, the old master drops its clients (CLIENT KILL): an INFO cut off asks again.
      async () => String(await set.server(master, 'INFO', 'replication').catch(() => '')).includes('role:slave'),
      30_000,
    );

    // Each case: its two reminders and one escalation, once each.
    const trail = await eventually(
      'every deadline of the burst to fire',
      async () => {
        const rows = await database.db
          .select({ caseId: caseEvents.caseId, kind: caseEvents.kind, n: sql<number>`count(*)::int` })
          .from(caseEvents)
          .where(and(inArray(caseEvents.caseId, caseIds), inArray(caseEvents.kind, ['reminded', 'escalated'])))
          .groupBy(caseEvents.caseId, caseEvents.kind);
        return rows.filter((r) => r.kind === 'escalated').length === BURST ? rows : null;
      },
      90_000,
    );
    expect(trail.filter((r) => r.n !== (r.kind === 'reminded' ? 2 : 1))).toEqual([]);
    expect(trail.filter((r) => r.kind === 'reminded')).toHaveLength(BURST);

    // Every message written is sent, and the channel was handed each one once.
    const rows = await eventually(
      'every message to be sent',
      async () => {
        const all = await database.db
          .select({ id: messages.id, status: messages.status })
          .from(messages)
          .where(inArray(messages.caseId, caseIds));
        return all.every((r) => r.status === 'sent') ? all : null;
      },
      60_000,
    );
    expect(rows.length).toBeGreaterThanOrEqual(4 * BURST);
    const sent = (app.channels.get('log') as unknown as { sent: OutgoingMessage[] }).sent;
    const times = new Map<string, number>();
    for (const m of sent) times.set(m.id, (times.get(m.id) ?? 0) + 1);
    expect(rows.filter((r) => times.get(r.id) !== 1)).toEqual([]);

    // The app's connection writes to the new master (the old one, a replica now, would refuse).
    expect(await app.connection.set(`${app.prefix}:after-failover`, '1')).toBe('OK');
    expect(await set.server(replica, 'GET', `${app.prefix}:after-failover`)).toBe('1');
    const keys = (await set.server(replica, 'KEYS', `${app.prefix}:timers:*`)) as string[];
    expect(keys.length).toBeGreaterThan(0);
    expect(String(await set.server(replica, 'INFO', 'replication'))).toContain('role:master');
  }, 180_000);

  it('is reached through REDIS_URL in its redis+sentinel:// form as well', async () => {
    const target = redisTarget(loadConfig({ REDIS_URL: `redis+sentinel://${set.sentinels}/${MASTER_NAME}` }));
    expect(target).toHaveProperty('sentinel');
    const connection = openRedis(target ?? { url: 'redis://127.0.0.1:1' }, { maxRetriesPerRequest: 1 });
    try {
      // A write only a master takes, on the server the sentinel names the master now.
      await connection.set(`siput-test-${randomUUID()}`, '1', 'EX', 60);
      expect(String(await connection.info('server'))).toContain(`tcp_port:${await set.masterNow()}`);
    } finally {
      connection.disconnect();
    }
  });
});
