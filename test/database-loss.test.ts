import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { withConnection } from '../src/db/client.js';
import { insertChatMessage } from '../src/db/outbox.js';
import { messages } from '../src/db/schema.js';
import type { Channel, OutgoingMessage } from '../src/outbox/channel.js';
import { eventually, testApp, testConfig } from './support/app.js';
import { ADMIN_URL, freshDatabase } from './support/postgres.js';

class RecordingChannel implements Channel {
  readonly name = 'recorded';
  readonly limits = { perSecond: 100, perChatIntervalMs: 0 };
  readonly sent: OutgoingMessage[] = [];
  async send(message: OutgoingMessage): Promise<void> {
    this.sent.push(message);
  }
}

let database: Awaited<ReturnType<typeof freshDatabase>>;
let app: App;
const channel = new RecordingChannel();

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, testConfig(), { channels: [channel], queuePrefix: `siput-test-${randomUUID()}` });
});

afterAll(async () => {
  await app?.close();
  await database?.close();
});

// The test reads through the service's own pool, so a read may meet a connection terminated
// before its pool heard of it; that read tells nothing and the next one is asked.
const statusOf = async (id: string) => {
  try {
    return (await database.db.select({ status: messages.status }).from(messages).where(eq(messages.id, id)))[0]?.status;
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code === '57P01' || cause?.message?.startsWith('Connection terminated')) return undefined;
    throw error;
  }
};

describe('a connection to Postgres dropped under the service', () => {
  it('queues, once Postgres answers, a message whose commit answer may have been lost with it', async () => {
    const sentBefore = channel.sent.length; // a retry checks only its own message
    // Committed, and its job never added: as when the COMMIT's answer was lost and the caller,
    // told the transaction failed, queued nothing.
    const { id } = await database.db.transaction((tx) =>
      insertChatMessage(tx, 'recorded', 'chat-1', {
        caseId: null,
        instanceId: null,
        template: 'flow.text',
        params: { text: 'halo' },
      }),
    );
    await new Promise((r) => setTimeout(r, 1000));
    expect(await statusOf(id)).toBe('pending');

    const name = new URL(database.url).pathname.slice(1);
    await withConnection(ADMIN_URL, (admin) =>
      admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [name]),
    );

    // Well before the periodic reconcile, five minutes away.
    await eventually('the message to be sent', async () => (await statusOf(id)) === 'sent', 15_000);
    expect(channel.sent.slice(sentBefore).map((m) => m.id)).toEqual([id]);
  });
});
