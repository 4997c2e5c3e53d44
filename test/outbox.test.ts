import { fileURLToPath } from 'node:url';
import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { addOfficial, linkChannel } from '../src/db/officials.js';
import { insertMessage } from '../src/db/outbox.js';
import { channelLinks, messages, pausedLines } from '../src/db/schema.js';
import type { Channel, OutgoingMessage } from '../src/outbox/channel.js';
import { ChannelRateLimitedError, ChannelRefusedError, ChannelUnreachableError } from '../src/outbox/errors.js';
import { eventually, testApp, testConfig } from './support/app.js';
import { freshDatabase } from './support/postgres.js';

/** A channel whose answer to each send is scripted by the test. */
class ScriptedChannel implements Channel {
  readonly name = 'scripted';
  readonly sent: { message: OutgoingMessage; at: number }[] = [];
  calls = 0;
  constructor(
    private readonly answer: (call: number) => Error | undefined,
    readonly limits = { perSecond: 100, perChatIntervalMs: 0 },
  ) {}
  async send(message: OutgoingMessage): Promise<void> {
    this.calls++;
    const err = this.answer(this.calls);
    if (err) throw err;
    this.sent.push({ message, at: Date.now() });
  }
}

const config = testConfig({ SOPS_DIR: fileURLToPath(new URL('./fixtures/sops-kilat', import.meta.url)) });
let database: Database;
let official: string;
let app: App | undefined;

beforeAll(async () => {
  database = await freshDatabase();
  await database.db.execute("insert into units (id, name) values ('ortala', 'Ortala') on conflict do nothing");
  official = await addOfficial(database.db, { nip: '1', name: 'Pelaksana', roleId: 'pelaksana', unitId: 'ortala' });
});

afterEach(async () => {
  await app?.close();
  app = undefined;
});

afterAll(async () => {
  await database.close();
});

async function start(channel: ScriptedChannel, address = 'chat-1') {
  await linkChannel(database.db, { kind: 'official', id: official }, channel.name, address);
  app = await testApp(database, config, { channels: [channel], retryDelayMs: 50 });
  return app;
}

async function queue(current: App, count = 1) {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const [queued] = await insertMessage(
      database.db,
      { kind: 'official', id: official },
      {
        caseId: null,
        instanceId: null,
        template: 'step.reminder',
        params: { ticket: `T-${i}`, step: '4', kegiatan: 'x', due: '2026-11-27T03:00:00Z' },
      },
    );
    if (!queued) throw new Error('message was not queued');
    await current.queues.addMessage(queued.id, queued.channel);
    ids.push(queued.id);
  }
  return ids;
}

const rowOf = async (id: string) => (await database.db.select().from(messages).where(eq(messages.id, id)))[0];

describe('when the channel cannot be reached', () => {
  it('retries with backoff and sends once it answers', async () => {
    const channel = new ScriptedChannel((n) => (n <= 2 ? new ChannelUnreachableError('ECONNRESET') : undefined));
    const [id = ''] = await queue(await start(channel));
    const row = await eventually('the message to be sent', async () => {
      const r = await rowOf(id);
      return r?.status === 'sent' ? r : null;
    });
    expect(row.attempts).toBe(3);
    expect(channel.sent).toHaveLength(1);
    expect(channel.sent[0]?.message.text).toContain('T-0');
  });

  it('pauses the chat’s line at the message when every attempt fails, keeping it pending with the last error', async () => {
    const channel = new ScriptedChannel(() => new ChannelUnreachableError('timeout'));
    // A chat of its own: the tests after this one send to chat-1, which must not be paused.
    const [id = ''] = await queue(await start(channel, 'chat-timeout'));
    const line = await eventually(
      'the chat’s line to pause',
      async () => (await database.db.select().from(pausedLines).where(eq(pausedLines.headMessageId, id)))[0],
      20_000,
    );
    expect(line.lastError).toContain('timeout');
    expect(await rowOf(id)).toMatchObject({ status: 'pending', lastError: expect.stringContaining('timeout') });
    expect(channel.calls).toBe(8);
  });
});

describe('when the channel refuses for good', () => {
  it('dead-letters at once and marks the chat unreachable', async () => {
    const channel = new ScriptedChannel(() => new ChannelRefusedError('Forbidden: bot was blocked by the user', true));
    const [id = ''] = await queue(await start(channel, 'chat-blocked'));
    const row = await eventually('the message to be dead-lettered', async () => {
      const r = await rowOf(id);
      return r?.status === 'dead' ? r : null;
    });
    expect(channel.calls).toBe(1);
    expect(row.lastError).toContain('blocked');
    const [link] = await database.db
      .select()
      .from(channelLinks)
      .where(and(eq(channelLinks.channel, 'scripted'), eq(channelLinks.address, 'chat-blocked')));
    expect(link?.active).toBe(false);
  });
});

describe('when the channel asks to slow down', () => {
  it('waits the time it asked for and then delivers, without using up attempts', async () => {
    const channel = new ScriptedChannel((n) => (n <= 3 ? new ChannelRateLimitedError(200) : undefined));
    const started = Date.now();
    const [id = ''] = await queue(await start(channel));
    await eventually('the message to be sent', async () => (await rowOf(id))?.status === 'sent');
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    expect(channel.sent).toHaveLength(1);
  });
});

describe('when several messages go to one chat', () => {
  it('keeps the per-chat gap between them', async () => {
    const channel = new ScriptedChannel(() => undefined, { perSecond: 100, perChatIntervalMs: 300 });
    const ids = await queue(await start(channel, 'chat-busy'), 3);
    await eventually('all three to be sent', async () => {
      const rows = await Promise.all(ids.map(rowOf));
      return rows.every((r) => r?.status === 'sent');
    });
    const times = channel.sent.map((s) => s.at).sort((a, b) => a - b);
    expect(times).toHaveLength(3);
    for (let i = 1; i < times.length; i++) expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(280);
  });
});

describe('when a job runs for a message already sent', () => {
  it('does not send it again', async () => {
    const channel = new ScriptedChannel(() => undefined);
    const current = await start(channel);
    const [id = ''] = await queue(current);
    await eventually('the message to be sent', async () => (await rowOf(id))?.status === 'sent');
    const job = await current.queues.outbox('scripted').getJob(id);
    await job?.remove();
    await current.queues.addMessage(id, 'scripted');
    await new Promise((r) => setTimeout(r, 500));
    expect(channel.sent).toHaveLength(1);
  });
});
