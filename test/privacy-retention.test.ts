import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { auditLog, cases, channelLinks, stakeholders } from '../src/db/schema.js';
import { RETENTION_QUEUE } from '../src/jobs/retention-worker.js';
import { anonymiseExpired } from '../src/privacy/retention.js';
import { REDIS_URL, testApp, testConfig } from './support/app.js';
import { freshDatabase } from './support/postgres.js';

let database: Database;
let app: App;
const now = new Date('2026-11-20T03:00:00Z');
const monthsAgo = (n: number) => DateTime.fromJSDate(now).minus({ months: n }).toJSDate();

/** A stakeholder with one case opened and closed at the given times (closedAt null: still open). */
async function person(name: string, openedAt: Date, closedAt: Date | null): Promise<string> {
  const id = randomUUID();
  await database.db
    .insert(stakeholders)
    .values({ id, name, email: `${id}@contoh.go.id`, phone: '+6281200000000', createdAt: openedAt });
  await database.db.insert(channelLinks).values({
    ownerKind: 'stakeholder',
    ownerId: id,
    channel: 'test',
    address: `chat-${id}`,
    lastSeenAt: openedAt,
  });
  await database.db.insert(cases).values({
    id: randomUUID(),
    ticket: `SMS-2024-${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`,
    sopId: 'siput-sms',
    sopVersion: 1,
    unitId: 'ortala',
    stakeholderId: id,
    category: 'keluhan',
    body: `Dari ${name}`,
    status: closedAt ? 'closed' : 'open',
    outcome: closedAt ? 'selesai' : null,
    openedAt,
    closedAt,
    stepSeq: 1,
    path: ['4'],
  });
  return id;
}

beforeAll(async () => {
  database = await freshDatabase();
  // The workers would run the job at once, on the wall clock; here the test runs it, on its own clock.
  app = await testApp(database, testConfig({ RETENTION_MONTHS: '24' }), { workers: false });
});

afterAll(async () => {
  await app?.close();
  await database?.close();
});

describe('the retention job', () => {
  it('anonymises only stakeholders whose cases all closed more than RETENTION_MONTHS ago', async () => {
    const old = await person('Lama Sekali', monthsAgo(30), monthsAgo(25));
    const recent = await person('Baru Selesai', monthsAgo(30), monthsAgo(23));
    const open = await person('Masih Berjalan', monthsAgo(30), null);
    const erased = await anonymiseExpired(database.db, {
      now,
      months: app.config.RETENTION_MONTHS,
      dataDir: app.config.DATA_DIR,
      log: app.log,
    });
    expect(erased).toBe(1);
    const rows = await database.db.select().from(stakeholders);
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(old)).toMatchObject({ name: null, email: null, phone: null });
    expect(byId.get(old)?.erasedAt).toBeInstanceOf(Date);
    expect(byId.get(recent)).toMatchObject({ name: 'Baru Selesai', erasedAt: null });
    expect(byId.get(open)).toMatchObject({ name: 'Masih Berjalan', erasedAt: null });
    const [kept] = await database.db.select().from(cases).where(eq(cases.stakeholderId, old));
    expect(kept).toMatchObject({ status: 'closed', category: 'keluhan', body: 'Dari [dihapus]' });
    const audits = await database.db.select().from(auditLog).where(eq(auditLog.action, 'stakeholder.erase'));
    expect(audits).toMatchObject([{ actor: 'system', target: old, details: { reason: 'retention' } }]);

    expect(await anonymiseExpired(database.db, { now, months: 24, dataDir: app.config.DATA_DIR, log: app.log })).toBe(
      0,
    );
  });

  it('runs once a day from the workers, with no personal data in the job', async () => {
    const running = await testApp(database, testConfig());
    // Its own connection: closing the app must not pull one from under this queue, or the reverse.
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue(RETENTION_QUEUE, { connection, prefix: running.prefix });
    try {
      const schedulers = await queue.getJobSchedulers();
      const daily = schedulers.find((s) => s.key === 'retention-daily');
      expect(daily?.every).toBe(24 * 3600_000);
      expect(daily?.template?.data ?? {}).toEqual({});
    } finally {
      await queue.close();
      await connection.quit();
      await running.close();
    }
  });

  it('reads RETENTION_MONTHS from the settings, 24 by default', () => {
    expect(testConfig().RETENTION_MONTHS).toBe(24);
    expect(testConfig({ RETENTION_MONTHS: '36' }).RETENTION_MONTHS).toBe(36);
    expect(() => testConfig({ RETENTION_MONTHS: '0' })).toThrow(/RETENTION_MONTHS/);
  });
});
