import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import { and, eq, lt, sql } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import type { Channel } from '../bots/channel.js';
import { ChannelRateLimitedError, ChannelRefusedError } from '../bots/errors.js';
import type { Db } from '../db/client.js';
import { channelLinks, messages } from '../db/schema.js';
import type { Logger } from '../log.js';
import type { Signer } from '../signing.js';
import { type OutboxJob, outboxQueueName } from './queues.js';
import { renderMessage } from './render.js';

export interface OutboxWorkerOptions {
  readonly db: Db;
  readonly channel: Channel;
  readonly connection: Redis;
  readonly prefix: string;
  readonly log: Logger;
  /** Signs the buttons of an official's step. */
  readonly signer: Signer;
  /** Time zone for rendering times to stakeholders: WIB unless set. */
  readonly defaultZone: string;
  /** Where people reach the service (publicBaseUrl), for links in messages such as the status page. */
  readonly publicUrl?: string;
  /** Parallel sends; default 4. The channel's rate limits hold whatever this is. */
  readonly concurrency?: number;
}

const ORDER_WAIT_MS = 50;
/** At most this many older messages are counted: the wait stays under ORDER_WAIT_STEPS gaps. */
const ORDER_WAIT_STEPS = 100;

/**
 * Sends outbox rows through one channel. The row is the truth: a job for a row already sent does
 * nothing, so a job run twice (a crash between send and ack) does not send twice in the common case.
 */
export function startOutboxWorker(opts: OutboxWorkerOptions): Worker<OutboxJob> {
  const { db, channel, log } = opts;
  const chatGapKey = (address: string) => `${opts.prefix}:chatgap:${channel.name}:${address}`;

  const worker = new Worker<OutboxJob>(
    outboxQueueName(channel.name),
    async (job, token) => {
      const [row] = await db.select().from(messages).where(eq(messages.id, job.data.messageId));
      if (!row) throw new UnrecoverableError(`no outbox row ${job.data.messageId}`);
      if (row.status !== 'pending' || !row.address) return;

      // A chat reads its messages in the order they were written: wait while older ones are pending,
      // longer the more there are, so a long queue for one chat is not re-checked over and over.
      const older = await db
        .select({ seq: messages.seq })
        .from(messages)
        .where(
          and(
            eq(messages.channel, channel.name),
            eq(messages.address, row.address),
            eq(messages.status, 'pending'),
            lt(messages.seq, row.seq),
          ),
        )
        .limit(ORDER_WAIT_STEPS);
      if (older.length > 0) {
        const gap = Math.max(channel.limits.perChatIntervalMs, ORDER_WAIT_MS);
        await job.moveToDelayed(Date.now() + gap * older.length, token);
        throw new DelayedError();
      }

      // Telegram allows about one message a second per chat; other channels set their own gap.
      if (channel.limits.perChatIntervalMs > 0) {
        const free = await opts.connection.set(
          chatGapKey(row.address),
          '1',
          'PX',
          channel.limits.perChatIntervalMs,
          'NX',
        );
        if (free !== 'OK') {
          const wait = Math.max(await opts.connection.pttl(chatGapKey(row.address)), 10);
          await job.moveToDelayed(Date.now() + wait, token);
          throw new DelayedError();
        }
      }

      await db
        .update(messages)
        .set({ attempts: sql`${messages.attempts} + 1` })
        .where(eq(messages.id, row.id));
      try {
        await channel.send(
          await renderMessage(db, row, opts.defaultZone, opts.signer, {
            ...(opts.publicUrl ? { publicUrl: opts.publicUrl } : {}),
          }),
        );
      } catch (err) {
        if (err instanceof ChannelRateLimitedError) {
          await job.moveToDelayed(Date.now() + err.retryAfterMs, token);
          throw new DelayedError();
        }
        if (err instanceof ChannelRefusedError) {
          await markDead(db, row.id, err.message);
          if (err.addressGone) {
            await db
              .update(channelLinks)
              .set({ active: false, lastError: err.message })
              .where(and(eq(channelLinks.channel, channel.name), eq(channelLinks.address, row.address)));
          }
          throw new UnrecoverableError(err.message);
        }
        await db
          .update(messages)
          .set({ lastError: (err as Error).message })
          .where(eq(messages.id, row.id));
        throw err;
      }
      await db
        .update(messages)
        .set({ status: 'sent', sentAt: new Date(), lastError: null })
        .where(eq(messages.id, row.id));
    },
    {
      connection: opts.connection,
      prefix: opts.prefix,
      concurrency: opts.concurrency ?? 4,
      limiter: { max: channel.limits.perSecond, duration: 1000 },
    },
  );

  worker.on('failed', (job: Job<OutboxJob> | undefined, err) => {
    if (!job) return;
    const exhausted = job.attemptsMade >= (job.opts.attempts ?? 1) || err instanceof UnrecoverableError;
    log.warn(
      { messageId: job.data.messageId, channel: channel.name, attempt: job.attemptsMade, exhausted, err: err.message },
      'send failed',
    );
    if (exhausted) void markDead(db, job.data.messageId, err.message).catch(() => {});
  });
  worker.on('error', (err) => log.error({ channel: channel.name, err: err.message }, 'outbox worker error'));
  return worker;
}

/** Dead-lettered: kept with its last error, listed in the console for retry or discard. */
async function markDead(db: Db, id: string, error: string): Promise<void> {
  await db
    .update(messages)
    .set({ status: 'dead', lastError: error })
    .where(and(eq(messages.id, id), eq(messages.status, 'pending')));
}
