import { asc, eq, inArray } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { addOfficial, linkChannel } from '../src/db/officials.js';
import { messages, stakeholders } from '../src/db/schema.js';
import { HANDOVER_JOB } from '../src/jobs/queues.js';
import type { Channel, ChannelLimits, OutgoingMessage } from '../src/outbox/channel.js';
import { ChannelUnreachableError } from '../src/outbox/errors.js';
import { eventually, testApp, testConfig } from './support/app.js';
import { freshDatabase } from './support/postgres.js';

/** A quick, local channel (as the log and the web chat are) whose failures the test scripts. */
class QuickChannel implements Channel {
  readonly name = 'quick';
  readonly limits: ChannelLimits = { perSecond: 10_000, perChatIntervalMs: 0, sendsAtOnce: true };
  readonly sent: OutgoingMessage[] = [];
  calls = 0;
  constructor(private readonly fails: (call: number) => boolean = () => false) {}
  async send(message: OutgoingMessage): Promise<void> {
    this.calls++;
    if (this.fails(this.calls)) throw new ChannelUnreachableError('quick channel down');
    this.sent.push(message);
  }
}

const config = testConfig();
const UNIT = config.DEFAULT_UNIT;
let database: Database;
let app: App | undefined;

beforeAll(async () => {
  database = await freshDatabase();
  await database.db.execute(`insert into units (id, name) values ('${UNIT}', 'Ortala') on conflict do nothing`);
  const official = await addOfficial(database.db, {
    nip: '1',
    name: 'Staf',
    roleId: 'staf-pelaksana',
    unitId: UNIT,
  });
  await linkChannel(database.db, { kind: 'official', id: official }, 'quick', 'official-chat');
  await database.db.insert(stakeholders).values({ id: 'pelapor', name: 'Pelapor' });
  await linkChannel(database.db, { kind: 'stakeholder', id: 'pelapor' }, 'quick', 'pelapor-chat');
});

afterEach(async () => {
  await app?.close();
  app = undefined;
});

afterAll(async () => {
  await database.close();
});

const submit = (current: App, i: number) =>
  current.cases.submit({
    sopId: 'siput-sms',
    unitId: UNIT,
    stakeholderId: 'pelapor',
    category: 'keluhan',
    subject: `Keluhan ${i}`,
    body: 'Isi keluhan',
    channel: 'web',
  });

const rowsOf = (caseIds: string[]) =>
  database.db.select().from(messages).where(inArray(messages.caseId, caseIds)).orderBy(asc(messages.seq));

const jobsOf = async (current: App) => {
  const queue = current.queues.outbox('quick');
  return queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
};

describe('a channel whose sends are quick and local', () => {
  it('sends what a submission commits at once, each chat in order, with no send job for any of it', async () => {
    const channel = new QuickChannel();
    app = await testApp(database, config, { channels: [channel] });
    const current = app;
    const filed = await Promise.all([1, 2, 3, 4, 5].map((i) => submit(current, i)));
    const caseIds = filed.map((f) => f.caseId);
    const rows = await eventually('every message sent', async () => {
      const found = await rowsOf(caseIds);
      return found.length === 10 && found.every((r) => r.status === 'sent') && found;
    });
    expect(rows.every((r) => r.attempts === 1)).toBe(true);
    for (const address of ['official-chat', 'pelapor-chat']) {
      const written = rows.filter((r) => r.address === address).map((r) => r.id);
      expect(channel.sent.filter((m) => m.address === address).map((m) => m.id)).toEqual(written);
    }
    // The handovers are removed once their messages went; no message had a job of its own.
    await eventually('the handovers removed', async () => (await jobsOf(current)).length === 0);
  });

  it('gives a send that failed its own job, which sends it after the retry wait', async () => {
    const channel = new QuickChannel((call) => call === 1);
    app = await testApp(database, config, { channels: [channel], retryDelayMs: 50 });
    const current = app;
    const { caseId } = await submit(current, 6);
    const rows = await eventually('both messages sent', async () => {
      const found = await rowsOf([caseId]);
      return found.length === 2 && found.every((r) => r.status === 'sent') && found;
    });
    const failed = rows.find((r) => r.attempts === 2);
    expect(failed, 'the message whose first send failed').toBeDefined();
    expect(rows.filter((r) => r.attempts === 1)).toHaveLength(1);
    const jobs = await jobsOf(current);
    expect(jobs.map((j) => j.id)).toEqual([failed?.id]);
    expect(channel.sent.map((m) => m.id).sort()).toEqual(rows.map((r) => r.id).sort());
  });

  it('sends nothing at once while an admin has paused the channel’s queue: the messages wait in it', async () => {
    const channel = new QuickChannel();
    app = await testApp(database, config, { channels: [channel] });
    const current = app;
    await current.queues.outbox('quick').pause();
    // The worker looks about every second.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const { caseId } = await submit(current, 8);
    await current.cases.drain();
    const rows = await rowsOf([caseId]);
    expect(rows).toHaveLength(2);
    const waiting = await current.queues.outbox('quick').getJobs(['paused', 'waiting']);
    expect(waiting.map((j) => j.id).sort()).toEqual(rows.map((r) => r.id).sort());
    expect(channel.sent).toHaveLength(0);
    await current.queues.outbox('quick').resume();
    await eventually('both sent once resumed', async () => {
      const found = await rowsOf([caseId]);
      return found.every((r) => r.status === 'sent');
    });
  });

  it('queues the messages through their handover when the process that committed them did not send them', async () => {
    const channel = new QuickChannel();
    app = await testApp(database, config, { channels: [channel], handoverAfterMs: 300 });
    const current = app;
    // As if the process died after its commit: its sends never happened, and the handover stays.
    current.queues.setInstantSender('quick', {
      room: () => 10,
      send: async () => {
        throw new Error('the process died');
      },
    });
    const { caseId } = await submit(current, 7);
    await current.cases.drain();
    expect((await jobsOf(current)).map((j) => j.name)).toEqual([HANDOVER_JOB]);
    const rows = await eventually('both messages sent by their own jobs', async () => {
      const found = await rowsOf([caseId]);
      return found.length === 2 && found.every((r) => r.status === 'sent') && found;
    });
    expect(channel.sent.map((m) => m.id).sort()).toEqual(rows.map((r) => r.id).sort());
    const jobs = await jobsOf(current);
    expect(jobs.map((j) => j.id).sort()).toEqual(rows.map((r) => r.id).sort());
    expect((await database.db.select().from(messages).where(eq(messages.caseId, caseId))).length).toBe(2);
  });
});
