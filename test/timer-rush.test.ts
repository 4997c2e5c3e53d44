import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TimerCommand } from '../src/cases/case-service.js';
import type { Database } from '../src/db/client.js';
import { insertChatMessage } from '../src/db/outbox.js';
import { messages } from '../src/db/schema.js';
import { startOutboxWorker } from '../src/jobs/outbox-worker.js';
import { JobQueues } from '../src/jobs/queues.js';
import { TimerRush } from '../src/jobs/timer-rush.js';
import { TimerBatches } from '../src/jobs/timer-worker.js';
import { createLogger } from '../src/log.js';
import type { Channel, ChannelLimits, OutgoingMessage } from '../src/outbox/channel.js';
import { Signer } from '../src/signing.js';
import { eventually, REDIS_URL } from './support/app.js';
import { freshDatabase } from './support/postgres.js';

const timer = (caseId: string): TimerCommand => ({ type: 'timer', caseId, instanceId: `${caseId}_1`, rung: 0 });

class Recorder implements Channel {
  readonly sent: OutgoingMessage[] = [];
  constructor(
    readonly name: string,
    readonly limits: ChannelLimits,
  ) {}
  async send(message: OutgoingMessage): Promise<void> {
    this.sent.push(message);
  }
}

const log = createLogger({ LOG_LEVEL: 'silent', NODE_ENV: 'test' });
const prefix = `siput-test-${randomUUID()}`;
let database: Database;
let connection: Redis;

beforeAll(async () => {
  database = await freshDatabase();
  connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
});

afterAll(async () => {
  connection.disconnect();
  await database.close();
});

describe('a burst of timers', () => {
  it('is a rush while timers wait for a batch, and the rush ends once they are all fired', async () => {
    const rush = new TimerRush();
    const changes: boolean[] = [];
    rush.onChange((on) => changes.push(on));
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const batches = new TimerBatches(
      async (timers) => {
        await held;
        return timers.map(() => null);
      },
      10,
      1,
      (waiting, running) => rush.load(waiting, running),
    );
    // A timer that comes alone goes alone: no rush.
    const first = batches.add(timer('first'));
    expect(rush.on).toBe(false);
    const fired = Promise.all([first, ...Array.from({ length: 150 }, (_, i) => batches.add(timer(`c${i}`)))]);
    expect(rush.on).toBe(true);
    release();
    await fired;
    await eventually('the rush to end', async () => !rush.on);
    expect(changes).toEqual([true, false]);
  });
});

describe('sends while timers rush', () => {
  /** An outbox worker for `channel` in a process whose timers may rush, and queues to add its jobs. */
  function sendingWhileTimersRush(channel: Recorder) {
    const rush = new TimerRush();
    const worker = startOutboxWorker({
      db: database.db,
      channel,
      connection,
      prefix,
      log,
      signer: new Signer('rush-test-secret-0123456789'),
      defaultZone: 'Asia/Jakarta',
      rush,
    });
    return { rush, worker, queues: new JobQueues({ connection, prefix }) };
  }

  async function queued(channel: string, queues: JobQueues, chat = 'chat-1') {
    const { id } = await database.db.transaction((tx) =>
      insertChatMessage(tx, channel, chat, {
        caseId: null,
        instanceId: null,
        template: 'flow.text',
        params: { text: 'halo' },
      }),
    );
    await queues.addMessage(id, channel);
    return id;
  }

  it('wait on a channel nobody waits on for an answer (email), and go once the rush ends', async () => {
    const channel = new Recorder('log-rush', { perSecond: 1000, perChatIntervalMs: 0, yieldsToTimers: true });
    const { rush, worker, queues } = sendingWhileTimersRush(channel);
    try {
      await worker.waitUntilReady();
      rush.load(100, 1);
      const id = await queued(channel.name, queues);
      // The worker took the job and holds it, unsent, while the rush lasts.
      await eventually(
        'the job to be taken',
        async () => (await queues.outbox(channel.name).getJobState(id)) === 'active',
      );
      const [held] = await database.db.select().from(messages).where(eq(messages.id, id));
      expect(held?.status).toBe('pending');
      expect(channel.sent).toHaveLength(0);
      rush.load(0, 0);
      await eventually('the message to be marked sent', async () => {
        const [row] = await database.db.select().from(messages).where(eq(messages.id, id));
        return row?.status === 'sent';
      });
      expect(channel.sent.filter((m) => m.id === id)).toHaveLength(1);
    } finally {
      await worker.close();
      await queues.close();
    }
  });

  it('are held forty at a time without a listener-leak warning, and all go once the rush ends', async () => {
    const channel = new Recorder('many-rush', { perSecond: 1000, perChatIntervalMs: 0, yieldsToTimers: true });
    const { rush, worker, queues } = sendingWhileTimersRush(channel);
    const warnings: string[] = [];
    const warned = (warning: Error) => warnings.push(warning.name);
    process.on('warning', warned);
    try {
      await worker.waitUntilReady();
      rush.load(100, 1);
      const ids = await Promise.all(Array.from({ length: 40 }, (_, i) => queued(channel.name, queues, `chat-${i}`)));
      await eventually('every job to be taken and held', async () => {
        const states = await Promise.all(ids.map((id) => queues.outbox(channel.name).getJobState(id)));
        return states.every((state) => state === 'active');
      });
      expect(channel.sent).toHaveLength(0);
      rush.load(0, 0);
      await eventually('every message to be sent', async () =>
        ids.every((id) => channel.sent.some((m) => m.id === id)),
      );
      // Node reports a warning on the next tick after the listener that passed the limit.
      await new Promise((r) => setImmediate(r));
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', warned);
      await worker.close();
      await queues.close();
    }
  });

  it.each([
    [
      'the web chat, where someone is looking at the page',
      new Recorder('live-rush', { perSecond: 500, perChatIntervalMs: 0 }),
    ],
    [
      'a paced channel, whose cap the wait would waste',
      new Recorder('paced-rush', { perSecond: 30, perChatIntervalMs: 1000 }),
    ],
  ])('go on meanwhile on %s', async (_, channel) => {
    const { rush, worker, queues } = sendingWhileTimersRush(channel);
    try {
      rush.load(100, 1);
      const id = await queued(channel.name, queues);
      // Well within the 10 s that a send held for the rush would wait.
      await eventually('the message to be sent', async () => channel.sent.some((m) => m.id === id), 5_000);
    } finally {
      await worker.close();
      await queues.close();
    }
  });
});
