import { randomUUID } from 'node:crypto';
import type { Worker } from 'bullmq';
import { eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/client.js';
import { insertChatMessage } from '../src/db/outbox.js';
import { messages } from '../src/db/schema.js';
import { startOutboxWorker } from '../src/jobs/outbox-worker.js';
import { JobQueues } from '../src/jobs/queues.js';
import { createLogger } from '../src/log.js';
import type { Channel, OutgoingMessage } from '../src/outbox/channel.js';
import { Signer } from '../src/signing.js';
import { eventually, REDIS_URL } from './support/app.js';
import { freshDatabase } from './support/postgres.js';

/**
 * A process killed in the middle of a send holds the job's lock; BullMQ's default 30 s lock kept
 * the send waiting that long. The outbox's lock lapses in 4 s and another worker takes over.
 * The bound below (12 s) fails with the default lock.
 */
const TAKEOVER_BOUND_MS = 12_000;

class Recorder implements Channel {
  readonly name = 'takeover';
  readonly limits = { perSecond: 100, perChatIntervalMs: 0 };
  readonly sent: OutgoingMessage[] = [];
  started = false;
  constructor(private readonly hangs: boolean) {}
  send(message: OutgoingMessage): Promise<void> {
    this.started = true;
    // The dying process: its send never comes back.
    if (this.hangs) return new Promise(() => {});
    this.sent.push(message);
    return Promise.resolve();
  }
}

const log = createLogger({ LOG_LEVEL: 'silent', NODE_ENV: 'test' });
const prefix = `siput-test-${randomUUID()}`;
let database: Database;
const connections: Redis[] = [];

beforeAll(async () => {
  database = await freshDatabase();
});

afterAll(async () => {
  for (const c of connections) c.disconnect();
  await database.close();
});

function worker(channel: Channel): Worker {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  connections.push(connection);
  return startOutboxWorker({
    db: database.db,
    channel,
    connection,
    prefix,
    log,
    signer: new Signer('takeover-test-secret-0123456789'),
    defaultZone: 'Asia/Jakarta',
  });
}

describe('when the process sending a message dies mid-send', () => {
  it('another worker sends it within seconds, once', async () => {
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    connections.push(connection);
    const queues = new JobQueues({ connection, prefix });
    const { id } = await database.db.transaction((tx) =>
      insertChatMessage(tx, 'takeover', 'chat-1', {
        caseId: null,
        instanceId: null,
        template: 'flow.text',
        params: { text: 'halo' },
      }),
    );
    const dying = new Recorder(true);
    const first = worker(dying);
    await queues.addMessage(id, 'takeover');
    await eventually('the first worker to start sending', async () => dying.started);
    // Gone without a word: no lock renewed, no job given back.
    await first.close(true);

    const survivor = new Recorder(false);
    const second = worker(survivor);
    try {
      await eventually('the second worker to send it', async () => survivor.sent.length > 0, TAKEOVER_BOUND_MS);
      // The row is marked sent just after the channel took the message (SentMarks, within a turn or two).
      await eventually('the send to be marked', async () => {
        const [row] = await database.db.select().from(messages).where(eq(messages.id, id));
        return row?.status === 'sent';
      });
      expect(survivor.sent.map((m) => m.id)).toEqual([id]);
    } finally {
      await second.close();
      await queues.close();
    }
  }, 90_000);
});
