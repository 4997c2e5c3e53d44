import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { asc, eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { addOfficial, linkChannel } from '../src/db/officials.js';
import { caseEvents, cases, stakeholders, stepInstances, units } from '../src/db/schema.js';
import { ALWAYS_WORKING } from '../src/sop/working-calendar.js';
import { eventually, REDIS_URL, testApp, testConfig } from './support/app.js';
import { Chat, TestChannel, texts } from './support/chat-driver.js';
import { freshDatabase } from './support/postgres.js';

const config = testConfig({
  SOPS_DIR: fileURLToPath(new URL('./fixtures/sops-tunggu', import.meta.url)),
  HOLIDAYS_FILE: fileURLToPath(new URL('./fixtures/no-holidays.yaml', import.meta.url)),
  DEFAULT_UNIT: 'kilat',
});

let database: Database;
let pelaksana: string;
const channel = new TestChannel();

beforeAll(async () => {
  database = await freshDatabase();
  await database.db.insert(units).values({ id: 'kilat', name: 'Unit Kilat', workingHours: ALWAYS_WORKING });
  await addOfficial(database.db, { nip: '2', name: 'Kepala', roleId: 'kepala', unitId: 'kilat' });
  pelaksana = await addOfficial(database.db, {
    nip: '1',
    name: 'Pelaksana',
    roleId: 'pelaksana',
    unitId: 'kilat',
    superiorNip: '2',
  });
  await linkChannel(database.db, { kind: 'official', id: pelaksana }, 'test', 'chat-pelaksana');
});

afterAll(async () => {
  await database.close();
});

/** A case of a reporter whose chat is `address`. */
async function fileCase(app: App, address: string): Promise<{ caseId: string; ticket: string }> {
  const stakeholderId = randomUUID();
  await database.db.insert(stakeholders).values({ id: stakeholderId, name: 'Pelapor' });
  await linkChannel(database.db, { kind: 'stakeholder', id: stakeholderId }, 'test', address);
  return app.cases.submit({ sopId: 'tunggu', unitId: 'kilat', stakeholderId, body: 'Jalan rusak' });
}

const stepRow = async (caseId: string) =>
  (
    await database.db
      .select()
      .from(stepInstances)
      .where(eq(stepInstances.id, `${caseId}_1`))
  )[0];

const kindsOf = async (caseId: string) =>
  (
    await database.db
      .select({ kind: caseEvents.kind })
      .from(caseEvents)
      .where(eq(caseEvents.caseId, caseId))
      .orderBy(asc(caseEvents.id))
  ).map((e) => e.kind);

describe('an official asks the reporter for more from the chat', () => {
  it('stops the step’s clock, takes the reporter’s answer, moves the deadline by the wait and tells the official', async () => {
    const app = await testApp(database, config, { channels: [channel] });
    try {
      const staf = new Chat(app, channel, 'chat-pelaksana');
      const reporter = new Chat(app, channel, `reporter-${randomUUID().slice(0, 8)}`);
      const { caseId, ticket } = await fileCase(app, reporter.address);
      await eventually('the task to reach the official', async () => {
        await staf.settle();
        return staf.received.some((m) => m.text.includes(ticket));
      });
      const dueBefore = (await stepRow(caseId))?.dueAt ?? new Date(0);

      expect(texts(await staf.press('Minta kelengkapan ke pelapor'))).toContain('tuliskan kelengkapan');
      expect(texts(await staf.send('Mohon kirim foto jalan yang rusak.'))).toContain('telah dikirim ke pelapor');
      expect((await stepRow(caseId))?.pausedAt).not.toBeNull();
      const asked = await eventually('the request to reach the reporter', async () => {
        await reporter.settle();
        return reporter.received.find((m) => m.text.includes('Mohon kirim foto jalan yang rusak.'));
      });
      expect(asked.text).toContain(ticket);

      await new Promise((r) => setTimeout(r, 1500));
      expect(texts(await reporter.press('Kirim jawaban'))).toContain('kirim jawaban Anda sekarang');
      expect(texts(await reporter.sendFile('foto-jalan.jpg', 'image/jpeg'))).toContain('telah kami teruskan');

      const after = await stepRow(caseId);
      expect(after?.pausedAt).toBeNull();
      expect(after?.pausedMs).toBeGreaterThanOrEqual(1500);
      // Round the clock, the deadline moves by exactly the wait.
      expect((after?.dueAt.getTime() ?? 0) - dueBefore.getTime()).toBe(after?.pausedMs);
      const told = await eventually('the answer to reach the official', async () => {
        await staf.settle();
        return staf.received.find((m) => m.text.startsWith('Pelapor menjawab'));
      });
      expect(told.text).toContain('foto-jalan.jpg');
      expect(told.choices.map((c) => c.label)).toContain('Selesaikan');
      expect(await kindsOf(caseId)).toEqual(['submitted', 'entered', 'paused', 'resumed']);
      const [file] = await database.db.select().from(cases).where(eq(cases.id, caseId));
      expect(file?.status).toBe('open');
    } finally {
      await app.close();
    }
  });

  it('refuses an answer from someone else, and an answer when nothing was asked', async () => {
    const app = await testApp(database, config, { channels: [channel] });
    try {
      const reporter = new Chat(app, channel, `reporter-${randomUUID().slice(0, 8)}`);
      const { caseId } = await fileCase(app, reporter.address);
      const { answerReporterToken } = await import('../src/flows/reporter-wait-token.js');
      const token = answerReporterToken(app.signer, caseId);
      await app.flows.handle({ channel: 'test', address: reporter.address, key: randomUUID(), choice: token });
      expect(texts(await reporter.settle())).toContain('tidak sedang menunggu jawaban Anda');
      const stranger = new Chat(app, channel, `stranger-${randomUUID().slice(0, 8)}`);
      await app.flows.handle({ channel: 'test', address: stranger.address, key: randomUUID(), choice: token });
      expect(texts(await stranger.settle())).not.toContain('kirim jawaban Anda sekarang');
    } finally {
      await app.close();
    }
  });
});

describe('a reporter who never answers', () => {
  it('is reminded once and the case closes as tidak dilengkapi, across a restart and a Redis flush while waiting', async () => {
    const prefix = `siput-test-${randomUUID()}`;
    const address = `reporter-${randomUUID().slice(0, 8)}`;
    const first = await testApp(database, config, { channels: [channel], queuePrefix: prefix });
    let caseId = '';
    try {
      ({ caseId } = await fileCase(first, address));
      await first.cases.dispatch(caseId, {
        type: 'askReporter',
        instanceId: `${caseId}_1`,
        actorId: pelaksana,
        note: 'Mohon kirim KTP.',
      });
    } finally {
      await first.close();
    }
    // Everything this service had in Redis is gone while it is down.
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();

    const second = await testApp(database, config, { channels: [channel], queuePrefix: prefix });
    try {
      const reporter = new Chat(second, channel, address);
      await eventually(
        'the case to close as tidak dilengkapi',
        async () => {
          const [row] = await database.db.select().from(cases).where(eq(cases.id, caseId));
          return row?.status === 'closed' ? row : null;
        },
        20_000,
      );
      const [row] = await database.db.select().from(cases).where(eq(cases.id, caseId));
      expect(row?.outcome).toBe('tidak-dilengkapi');
      const kinds = await kindsOf(caseId);
      expect(kinds.filter((k) => k === 'reminded')).toHaveLength(1);
      expect(kinds.at(-1)).toBe('closed');
      const said = await eventually('the closing to reach the reporter', async () => {
        await reporter.settle();
        const all = texts(reporter.received);
        return all.includes('tidak dilengkapi') && all.includes('Pengingat') ? all : null;
      });
      expect(said).toContain('Mohon kirim KTP.');
      const closedStep = await stepRow(caseId);
      expect(closedStep?.outcome).toBe('tidak-dilengkapi');
      // The step worked only until it was asked: the wait up to the closing is not its working time.
      const asked = closedStep?.pausedAt?.getTime() ?? Number.NaN;
      expect(closedStep?.workingMs).toBe(asked - (closedStep?.enteredAt.getTime() ?? 0));
    } finally {
      await second.close();
    }
  });
});
