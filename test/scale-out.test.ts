import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { addOfficial, linkChannel } from '../src/db/officials.js';
import { caseEvents, cases, messages, units } from '../src/db/schema.js';
import { ALWAYS_WORKING } from '../src/sop/working-calendar.js';
import { eventually, REDIS_URL, testApp, testConfig } from './support/app.js';
import { freshDatabase } from './support/postgres.js';
import { TelegramEmulator } from './support/telegram-emulator.js';
import { startTopology, type Topology } from './support/topology.js';
import { WebChatClient } from './support/web-chat-client.js';

/**
 * Two ROLE=web, two ROLE=worker and one ROLE=bot processes (`node --import tsx src/main.ts`) on
 * one Postgres database and one Redis prefix: chats file cases through both web processes (each
 * chat's requests alternate between them), a burst of deadlines falls due together, and Telegram
 * users write to the bot. Every reminder fires once, every message goes out once, and the work
 * that must be single (the sweeps, Telegram polling) runs in one process.
 */

const KILAT = fileURLToPath(new URL('./fixtures/sops-kilat', import.meta.url));
const NO_HOLIDAYS = fileURLToPath(new URL('./fixtures/no-holidays.yaml', import.meta.url));
const CHATS = 12;
const BURST = 100;
const TELEGRAM_USERS = 6;

const prefix = `siput-test-${randomUUID()}`;
let database: Awaited<ReturnType<typeof freshDatabase>>;
let emulator: TelegramEmulator;
let topology: Topology | undefined;
let seeder: App;
let published: Redis;
/** Each message id published on the web chat's topics, with how many times. */
const deliveries = new Map<string, number>();
/** Attempts of the test so far: a retry (CI retries a failed test once) checks only its own work. */
let attempt = 0;

beforeAll(async () => {
  [database, emulator] = await Promise.all([freshDatabase(), TelegramEmulator.start()]);
  await database.db.insert(units).values({ id: 'kilat', name: 'Unit Kilat', workingHours: ALWAYS_WORKING });
  // Six pelaksana under two kepala: the reminders spread over several chats, as in a real unit.
  const officials = [
    { nip: '3', name: 'Pimpinan', roleId: 'pimpinan' },
    ...[1, 2].map((k) => ({ nip: `2${k}`, name: `Kepala ${k}`, roleId: 'kepala', superiorNip: '3' })),
    ...[1, 2, 3, 4, 5, 6].map((p) => ({
      nip: `1${p}`,
      name: `Pelaksana ${p}`,
      roleId: 'pelaksana',
      superiorNip: `2${(p % 2) + 1}`,
    })),
  ];
  for (const o of officials) {
    const id = await addOfficial(database.db, { ...o, unitId: 'kilat' });
    await linkChannel(database.db, { kind: 'official', id }, 'web', `official-${o.nip}`);
  }

  // Every message an outbox worker hands to the web chat travels on Redis pub/sub: count each one.
  published = new Redis(REDIS_URL);
  await published.psubscribe(`${prefix}:web:*`);
  published.on('pmessage', (_p: string, _topic: string, payload: string) => {
    const id = (JSON.parse(payload) as { id: string }).id;
    deliveries.set(id, (deliveries.get(id) ?? 0) + 1);
  });

  const settings = {
    SOPS_DIR: KILAT,
    HOLIDAYS_FILE: NO_HOLIDAYS,
    DEFAULT_UNIT: 'kilat',
    COMPLAINT_SOP: 'kilat',
  };
  topology = await startTopology(
    { web: 2, worker: 2, bot: 1 },
    {
      ...settings,
      DATABASE_URL: database.url,
      REDIS_URL,
      REDIS_PREFIX: prefix,
      TELEGRAM_BOT_TOKEN: emulator.token,
      TELEGRAM_API_ROOT: emulator.apiRoot,
      // Every chat comes from 127.0.0.1: the per-address flood limit would refuse them.
      CHAT_MESSAGES_PER_MINUTE_PER_ADDRESS: '100000',
    },
  );
  // The burst is filed from here into the processes' queues; their timer workers fire it.
  seeder = await testApp(database, testConfig(settings), { queuePrefix: prefix, workers: false });
}, 180_000);

afterAll(async () => {
  await seeder?.close().catch(() => {});
  await topology?.stop();
  published?.disconnect();
  await emulator?.close();
  await database?.close();
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.unlink(...keys);
  redis.disconnect();
}, 60_000);

describe('two web, two worker and one bot process on one database and Redis', () => {
  it('file cases through both web processes and fire a deadline burst: every reminder and message once', async () => {
    const processes = topology as Topology;
    const webs = processes.webs.map((p) => p.base);
    attempt += 1;
    // Postgres and this process read the same clock: a row of this attempt is written after this.
    const sinceStart = sql`${messages.createdAt} >= ${new Date().toISOString()}::timestamptz`;

    // Chats and the burst at once: submissions, replies and deadlines all land on the workers together.
    const chats = Array.from({ length: CHATS }, (_, i) => new WebChatClient(i % 2 ? webs : [...webs].reverse()));
    const filing = Promise.all(chats.map((chat, i) => chat.fileComplaint(`Keluhan nomor ${i}`, 'KLT'))).catch(
      async (err: Error) => {
        // What a chat waited for: the web messages not yet sent, and what the processes said last.
        const unsent = await database.db
          .select({
            seq: messages.seq,
            address: messages.address,
            status: messages.status,
            attempts: messages.attempts,
          })
          .from(messages)
          .where(and(eq(messages.channel, 'web'), sql`${messages.status} <> 'sent'`, sinceStart));
        const said = processes.all.map((p) => p.output().slice(-1500)).join('\n---\n');
        throw new Error(`${err.message}\nunsent web messages: ${JSON.stringify(unsent)}\n${said}`);
      },
    );
    const burst: string[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async (_, lane) => {
        for (let i = lane; i < BURST; i += 8) {
          burst.push((await seeder.cases.submit({ sopId: 'kilat', unitId: 'kilat', body: `beban ${i}` })).caseId);
        }
      }),
    );
    const people = Array.from({ length: TELEGRAM_USERS }, (_, i) => emulator.user(7000 + attempt * 100 + i));
    for (const person of people) emulator.sendText(person, 'halo');
    const tickets = await filing;
    expect(new Set(tickets).size).toBe(CHATS);

    // Each case: its two reminders and one escalation, once each, nothing more.
    const filed = await database.db
      .select({ id: cases.id })
      .from(cases)
      .where(
        sql`${cases.ticket} = any(${sql.param(tickets)}::text[]) or ${cases.id} = any(${sql.param(burst)}::text[])`,
      );
    expect(filed).toHaveLength(CHATS + BURST);
    const caseIds = filed.map((c) => c.id);
    const trail = await eventually(
      'every deadline to fire',
      async () => {
        const rows = await database.db
          .select({ caseId: caseEvents.caseId, kind: caseEvents.kind, n: sql<number>`count(*)::int` })
          .from(caseEvents)
          .where(and(inArray(caseEvents.caseId, caseIds), inArray(caseEvents.kind, ['reminded', 'escalated'])))
          .groupBy(caseEvents.caseId, caseEvents.kind);
        return rows.filter((r) => r.kind === 'escalated').length === caseIds.length ? rows : null;
      },
      90_000,
    );
    expect(trail.filter((r) => r.n !== (r.kind === 'reminded' ? 2 : 1))).toEqual([]);
    expect(trail.filter((r) => r.kind === 'reminded')).toHaveLength(caseIds.length);
    expect(burst.filter((id) => !caseIds.includes(id))).toEqual([]);

    // Every message written goes out, and once: web chat replies, step notices, reminders and
    // escalations on pub/sub; the Telegram answers at the emulator, one for each row.
    const rows = await eventually(
      'every message to be sent',
      async () => {
        const all = await database.db
          .select({
            id: messages.id,
            channel: messages.channel,
            address: messages.address,
            status: messages.status,
            template: messages.template,
          })
          .from(messages)
          .where(sinceStart);
        return all.some((r) => r.status === 'pending') ? null : all;
      },
      60_000,
    );
    // The admins' holiday warning has nobody to go to here (no official takes alerts): written once.
    const holidayWarnings = rows.filter((r) => r.template === 'holidays.unconfirmed');
    expect(holidayWarnings.length).toBeLessThanOrEqual(1);
    expect(rows.filter((r) => r.status !== 'sent' && r.template !== 'holidays.unconfirmed')).toEqual([]);
    const reminders = await database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(messages)
      .where(and(eq(messages.template, 'step.reminder'), inArray(messages.caseId, caseIds)));
    expect(reminders[0]?.n).toBe(2 * caseIds.length);
    const web = rows.filter((r) => r.channel === 'web');
    // A web message is marked sent once published; its subscriber may read it a moment later. Once
    // every one has arrived, a short while more would show one published twice.
    await eventually('every web message to reach its page', async () => web.every((r) => deliveries.has(r.id)));
    await new Promise((r) => setTimeout(r, 500));
    expect(web.filter((r) => deliveries.get(r.id) !== 1)).toEqual([]);
    // Nothing published that is not a web message's row (of this attempt or a failed one before).
    const webIds = new Set(
      (await database.db.select({ id: messages.id }).from(messages).where(eq(messages.channel, 'web'))).map(
        (r) => r.id,
      ),
    );
    expect([...deliveries.keys()].filter((id) => !webIds.has(id))).toEqual([]);
    for (const person of people) {
      const written = rows.filter((r) => r.channel === 'telegram' && r.address === String(person.id));
      expect(written.length).toBeGreaterThan(0);
      expect(emulator.messagesIn(person.id)).toHaveLength(written.length);
    }

    // What must be single ran in one process: the sweeps in one worker, polling in the bot.
    const leases = (lease: string) =>
      processes.all.filter((p) => p.output().includes(`"lease":"${lease}","msg":"lease taken`));
    expect(leases('sweeps')).toHaveLength(1);
    expect(processes.workers).toContain(leases('sweeps')[0]);
    expect(leases('telegram polling')).toEqual(processes.bots);
    for (const p of processes.all) expect(p.output()).not.toContain('getUpdates failed');

    expect(await processes.stop()).toEqual([0, 0, 0, 0, 0]);
  }, 240_000);
});
