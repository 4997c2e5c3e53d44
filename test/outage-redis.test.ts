import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { insertChatMessage } from '../src/db/outbox.js';
import { messages, pausedLines, stepInstances } from '../src/db/schema.js';
import { RETENTION_QUEUE, RETENTION_SCHEDULER_ID } from '../src/jobs/retention-worker.js';
import type { Channel, OutgoingMessage } from '../src/outbox/channel.js';
import { ChannelUnreachableError } from '../src/outbox/errors.js';
import { buildWeb } from '../src/web/server.js';
import { eventually, testApp, testConfig } from './support/app.js';
import { signIn } from './support/console.js';
import { KILAT_SETTINGS, seedKilatUnit } from './support/kilat.js';
import { OwnRedis } from './support/own-servers.js';
import { freshDatabase } from './support/postgres.js';

/**
 * Redis flushed, and Redis down, on a redis-server of this test's own. A flush used to be noticed
 * at the next 5-minute reconcile and the retention job's schedule never came back; a web chat
 * message sent while Redis was down hung the browser's request for the whole outage.
 */
const FLUSH_BOUND_MS = 10_000;

/** A chat platform that is down until the test opens it: its message waits in Redis for a retry. */
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

let redis: OwnRedis;
let database: Database;
let app: App;
let web: FastifyInstance;
const gated = new GatedChannel();
let pelaksana: string;

beforeAll(async () => {
  [redis, database] = await Promise.all([OwnRedis.start(), freshDatabase()]);
  ({ pelaksana } = await seedKilatUnit(database.db, { linked: ['pelaksana'] }));
  const config = testConfig({ REDIS_URL: redis.url, ...KILAT_SETTINGS });
  app = await testApp(database, config, { channels: [gated], retryDelayMs: 60_000 });
  web = await buildWeb(app);
}, 60_000);

afterAll(async () => {
  await web?.close();
  await app?.close();
  await redis?.stop();
  await database?.close();
}, 60_000);

const jobState = async (queue: Queue, id: string) => (await queue.getJob(id))?.getState();

describe('when Redis is flushed under a running service', () => {
  it('puts back every timer, pending send and the retention schedule within seconds', async () => {
    // A step with an hour-long deadline: its timer waits in Redis.
    const { caseId } = await app.cases.submit({ sopId: 'kilat', unitId: 'kilat', body: 'uji' });
    await app.cases.dispatch(caseId, { type: 'act', instanceId: `${caseId}_1`, action: 'setuju', actorId: pelaksana });
    const [step] = await database.db
      .select()
      .from(stepInstances)
      .where(eq(stepInstances.id, `${caseId}_2`));
    const timerId = `${caseId}_2_r${step?.nextRung}`;
    expect(await jobState(app.queues.timers, timerId)).toBe('delayed');
    // A message whose platform is down: it waits for its retry.
    const { id: messageId } = await database.db.transaction((tx) =>
      insertChatMessage(tx, 'gated', 'chat-1', {
        caseId: null,
        instanceId: null,
        template: 'flow.text',
        params: { text: 'halo' },
      }),
    );
    await app.queues.addMessage(messageId, 'gated');
    await eventually(
      'the send to fail and wait for its retry',
      async () => (await jobState(app.queues.outbox('gated'), messageId)) === 'delayed',
    );
    const retention = new Queue(RETENTION_QUEUE, { connection: app.connection, prefix: app.prefix });
    try {
      expect(await retention.getJobScheduler(RETENTION_SCHEDULER_ID)).toBeTruthy();

      await redis.command('FLUSHALL');
      expect(await app.queues.timers.getJob(timerId)).toBeUndefined();
      // The platform is back too: only a send job put back from the row can deliver the message.
      gated.open = true;

      await eventually(
        'the timer, the send and the retention schedule to be back',
        async () => {
          const [row] = await database.db.select().from(messages).where(eq(messages.id, messageId));
          return (
            row?.status === 'sent' &&
            (await jobState(app.queues.timers, timerId)) === 'delayed' &&
            (await retention.getJobScheduler(RETENTION_SCHEDULER_ID)) !== undefined
          );
        },
        FLUSH_BOUND_MS,
      );
    } finally {
      await retention.close();
    }
    expect(gated.sent.map((m) => m.id)).toEqual([messageId]);
  }, 60_000);
});

describe('when Redis is down', () => {
  it('the web chat answers at once, and the reply goes out when Redis is back', async () => {
    const page = await web.inject({ method: 'GET', url: '/chat' });
    const cookie = String(page.headers['set-cookie']).split(';')[0] as string;
    await redis.stop();
    try {
      let timer: NodeJS.Timeout | undefined;
      const hung = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('the chat request hung while Redis was down')), 5000);
      });
      const res = await Promise.race([
        web.inject({
          method: 'POST',
          url: '/chat/api/send',
          headers: { cookie },
          payload: { id: randomUUID(), text: 'BANTUAN' },
        }),
        hung,
      ]).finally(() => clearTimeout(timer));
      expect(res.statusCode).toBe(200);
      const [reply] = await database.db
        .select()
        .from(messages)
        .where(eq(messages.channel, 'web'))
        .orderBy(messages.seq);
      expect(reply?.status).toBe('pending');
    } finally {
      await redis.startAgain();
    }
    await eventually(
      'the reply to go out',
      async () => {
        const rows = await database.db.select().from(messages).where(eq(messages.channel, 'web'));
        return rows.length > 0 && rows.every((r) => r.status === 'sent');
      },
      30_000,
    );
  }, 60_000);
});

describe('the console while Redis is down', () => {
  it('answers a retry of a failed message or of a paused line at once, saying it goes when the queue is back', async () => {
    const session = await signIn(app, web, 'antrian');
    const write = (address: string, text: string) =>
      insertChatMessage(database.db, 'log', address, {
        caseId: null,
        instanceId: null,
        template: 'flow.text',
        params: { text },
      });
    const dead = await write('chat-mati', 'Gagal terkirim');
    await database.db.update(messages).set({ status: 'dead', lastError: '502' }).where(eq(messages.id, dead.id));
    const head = await write('chat-jeda', 'Kepala antrean');
    const behind = await write('chat-jeda', 'Di belakangnya');
    await database.db
      .insert(pausedLines)
      .values({ channel: 'log', address: 'chat-jeda', headMessageId: head.id, lastError: '502' });

    const post = (url: string) =>
      web.inject({ method: 'POST', url, headers: { cookie: session.cookie }, payload: { _csrf: session.csrf } });
    await redis.stop();
    try {
      const retried = await answeredWithin(5000, post(`/admin/health/messages/${dead.id}/retry`));
      expect(retried.headers.location).toContain('done=retried_later');
      const page = await answeredWithin(
        5000,
        web.inject({ method: 'GET', url: retried.headers.location as string, headers: { cookie: session.cookie } }),
      );
      expect(page.body).toContain('Antrian (Redis) sedang tidak dapat dihubungi');
      expect(page.body).toContain('Hitungan ini disimpan di antrian (Redis), yang sedang tidak dapat dihubungi');
      const line = await answeredWithin(5000, post(`/admin/health/lines/${head.id}/retry`));
      expect(line.headers.location).toContain('done=line_retried_later');
    } finally {
      await redis.startAgain();
    }
    await eventually(
      'the retried message and the whole line to go out once Redis is back',
      async () => {
        const rows = await database.db.select().from(messages).where(eq(messages.channel, 'log'));
        const sent = new Set(rows.filter((r) => r.status === 'sent').map((r) => r.id));
        return sent.has(dead.id) && sent.has(head.id) && sent.has(behind.id);
      },
      30_000,
    );
  }, 60_000);
});

/** The request's answer, or a failure saying it hung: a console page must not wait for Redis. */
async function answeredWithin<T>(ms: number, request: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the console hung while Redis was down')), ms);
  });
  return Promise.race([request, hung]).finally(() => clearTimeout(timer));
}
