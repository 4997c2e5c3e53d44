import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/client.js';
import { insertChatMessage } from '../src/db/outbox.js';
import { messages } from '../src/db/schema.js';
import { reconcile } from '../src/jobs/reconciler.js';
import { createLogger } from '../src/log.js';
import type { Channel, OutgoingMessage } from '../src/outbox/channel.js';
import { ChannelUnreachableError } from '../src/outbox/errors.js';
import { eventually, REDIS_URL, testApp, testConfig } from './support/app.js';
import { freshDatabase } from './support/postgres.js';

/** A chat platform that is down until the test opens it: its message waits for a retry. */
class GatedChannel implements Channel {
  readonly name = 'gated';
  readonly limits = { perSecond: 100, perChatIntervalMs: 0 };
  readonly sent: OutgoingMessage[] = [];
  open = false;
  async send(message: OutgoingMessage): Promise<void> {
    if (!this.open) throw new ChannelUnreachableError('gated: 502 Bad Gateway');
    this.sent.push(message);
  }
}

const config = testConfig();
let database: Database;

beforeAll(async () => {
  database = await freshDatabase();
});

afterAll(async () => {
  await database?.close();
});

const statusOf = async (id: string) =>
  (await database.db.select({ status: messages.status }).from(messages).where(eq(messages.id, id)))[0]?.status;

describe('a pending message whose send job Redis lost while the service was down', () => {
  it('is queued again by the reconciler at start-up and sent exactly once', async () => {
    const prefix = `siput-test-${randomUUID()}`;
    const gated = new GatedChannel();
    const first = await testApp(database, config, { channels: [gated], queuePrefix: prefix, retryDelayMs: 60_000 });
    let messageId: string;
    try {
      ({ id: messageId } = await database.db.transaction((tx) =>
        insertChatMessage(tx, 'gated', 'chat-1', {
          caseId: null,
          instanceId: null,
          template: 'flow.text',
          params: { text: 'halo' },
        }),
      ));
      await first.queues.addMessage(messageId, 'gated');
      await eventually(
        'the send to fail and wait for its retry',
        async () => (await (await first.queues.outbox('gated').getJob(messageId))?.getState()) === 'delayed',
      );
    } finally {
      await first.close();
    }

    // Redis loses everything of this service while it is down; the platform is back meanwhile.
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    expect(keys.length).toBeGreaterThan(0);
    await redis.del(...keys);
    redis.disconnect();
    gated.open = true;

    const second = await testApp(database, config, { channels: [gated], queuePrefix: prefix });
    try {
      await eventually('the message to be sent', async () => (await statusOf(messageId)) === 'sent');
      // Reconciling again finds nothing to do: the message is not sent a second time.
      const again = await reconcile(database.db, second.queues, createLogger(config));
      expect(again.messagesRequeued).toBe(0);
      expect(gated.sent.map((m) => m.id)).toEqual([messageId]);
    } finally {
      await second.close();
    }
  });
});
