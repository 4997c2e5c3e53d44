import { fileURLToPath } from 'node:url';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { addOfficial, linkChannel } from '../src/db/officials.js';
import { insertChatMessage, insertMessage, type QueuedMessage } from '../src/db/outbox.js';
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
    private readonly answer: (call: number, message: OutgoingMessage) => Error | undefined,
    readonly limits = { perSecond: 100, perChatIntervalMs: 0 },
  ) {}
  async send(message: OutgoingMessage): Promise<void> {
    this.calls++;
    const err = this.answer(this.calls, message);
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

describe('when a burst to a few chats is queued at once', () => {
  it('sends each message once, every chat in the order written, a chat waiting behind its failed message', async () => {
    const chats = ['chat-a', 'chat-b', 'chat-c'];
    const written = new Map<string, string[]>(chats.map((chat) => [chat, []]));
    const queued: QueuedMessage[] = [];
    await database.db.transaction(async (tx) => {
      for (let i = 0; i < 120; i++) {
        const chat = chats[i % chats.length] ?? '';
        const message = await insertChatMessage(tx, 'scripted', chat, {
          caseId: null,
          instanceId: null,
          template: 'flow.text',
          params: { text: `pesan ${i}` },
        });
        written.get(chat)?.push(message.id);
        queued.push(message);
      }
    });
    // chat-b's first message fails once: the ones claimed with it must wait for its retry, not pass it.
    const failing = written.get('chat-b')?.[0];
    let failed = false;
    const channel = new ScriptedChannel((_, message) => {
      if (message.id !== failing || failed) return undefined;
      failed = true;
      return new ChannelUnreachableError('ECONNRESET');
    });
    const ids = queued.map((m) => m.id);
    const current = await start(channel);
    // One addBulk, as a timer batch queues its reminders: the worker runs many of them at once.
    await current.queues.scheduleMany([{ messages: queued, timers: [] }]);
    await eventually('every message to be sent', async () => {
      const rows = await database.db
        .select({ status: messages.status })
        .from(messages)
        .where(inArray(messages.id, ids));
      return rows.length === 120 && rows.every((r) => r.status === 'sent');
    });
    expect(failed).toBe(true);
    expect(channel.sent.filter((s) => ids.includes(s.message.id))).toHaveLength(120);
    for (const chat of chats) {
      expect(channel.sent.filter((s) => s.message.address === chat).map((s) => s.message.id)).toEqual(
        written.get(chat),
      );
    }
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
