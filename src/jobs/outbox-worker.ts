import { setMaxListeners } from 'node:events';
import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import type { Db } from '../db/index.js';
import { channelLinks, isLinePaused, messages, pauseLine } from '../db/index.js';
import type { AttachmentLinks } from '../links/index.js';
import type { Logger } from '../log.js';
import type { Channel, RenderOptions } from '../outbox/index.js';
import {
  CaseFactsLookup,
  ChannelRateLimitedError,
  ChannelRefusedError,
  factsOf,
  localeOf,
  RecipientLocales,
  renderMessage,
} from '../outbox/index.js';
import type { Signer } from '../signing.js';
import { zoneOf } from '../sop/index.js';
import { BatchedClaims, BUSY, type Claim, type ClaimResult, SentMarks, type Unclaimed } from './outbox-claims.js';
import { HANDOVER_JOB, type HandoverJob, type JobQueues, type OutboxJob, outboxQueueName } from './queues.js';
import type { TimerRush } from './timer-rush.js';

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
  /** Signs the links to a case's files in an official's step message. */
  readonly attachmentLinks?: AttachmentLinks;
  /** Parallel sends; default DEFAULT_OUTBOX_CONCURRENCY, or 4 on a channel with a per-chat gap. */
  readonly concurrency?: number;
  /**
   * A stakeholder's message their chat did not bring to them (refused for good, or no web chat page
   * open): e.g. send it by email instead (EmailFallback.instead).
   */
  readonly onUnreached?: (messageId: string) => Promise<unknown>;
  /** A chat's line was just paused at `headMessageId` (it failed past its retries): e.g. tell the admins. */
  readonly onLinePaused?: (line: PausedLineNews) => Promise<unknown>;
  /**
   * This process's timers: on a channel that yields to them (ChannelLimits.yieldsToTimers), sends
   * wait while a deadline burst is fired (see TimerRush). Default none. A paced channel never
   * waits: its sends cost little, and the time it waited would be lost from the platform's own cap.
   */
  readonly rush?: TimerRush;
  /**
   * The service's queues: on a channel whose sends are quick and local (ChannelLimits.sendsAtOnce),
   * the worker sends the messages this process commits at once, without a job each (see
   * InstantSender), and a handover job queues what such sends left. Default none: a job each.
   */
  readonly queues?: Pick<JobQueues, 'addMessage' | 'setInstantSender'>;
}

export interface PausedLineNews {
  readonly channel: string;
  readonly headMessageId: string;
  readonly lastError: string;
}

/**
 * A send's lock is renewed every 2 s while the process lives; when the process dies (kill -9,
 * a crash) the lock lapses after 4 s and another worker's stalled check, run every second, takes
 * the send over: about 5 s instead of BullMQ's default 30 s lock. A stall is not a failure here
 * (the row says whether the message went), so a busy moment that lets a lock lapse does not
 * dead-letter the message.
 */
const SEND_LOCK = { lockDuration: 4000, stalledInterval: 1000, maxStalledCount: 20 } as const;

/**
 * Sends in flight per channel. A send mostly waits (on Postgres, Redis), so a channel with no
 * per-chat gap (log, web chat, email) runs many: the more run at once, the more each claim and
 * sent-mark statement carries (BatchedClaims), and BullMQ's per-job round trips overlap. A paced
 * platform (Telegram's 30/s, WhatsApp) keeps 4: more in flight bunched its sends past the platform's second.
 */
export const DEFAULT_OUTBOX_CONCURRENCY = 200;
const PACED_OUTBOX_CONCURRENCY = 4;

const ORDER_WAIT_MS = 50;
/** A claim behind older messages of its chat is tried this often, this far apart, before the job is put back. */
const CLAIM_TRIES = 5;
const CLAIM_AGAIN_MS = 10;
/** At most this many older messages are counted: the wait stays under ORDER_WAIT_STEPS gaps. */
const ORDER_WAIT_STEPS = 100;

/**
 * Sends outbox rows through one channel. The row is the truth: a job for a row already sent does
 * nothing, so a job run twice (a crash between send and ack) does not send twice in the common case.
 */
export function startOutboxWorker(opts: OutboxWorkerOptions): Worker<OutboxJob | HandoverJob> {
  const { db, channel, log } = opts;
  const chatGapKey = (address: string) => `${opts.prefix}:chatgap:${channel.name}:${address}`;
  const concurrency =
    opts.concurrency ??
    (channel.limits.perChatIntervalMs === 0 ? DEFAULT_OUTBOX_CONCURRENCY : PACED_OUTBOX_CONCURRENCY);
  // Half the sends in flight may wait for their chat's older messages; the other half fetch them.
  const claims =
    channel.limits.perChatIntervalMs === 0
      ? new BatchedClaims(db, channel.name, ORDER_WAIT_STEPS, Math.floor(concurrency / 2))
      : undefined;
  const marks = new SentMarks(db, persisting);
  const locales = new RecipientLocales(db, opts.defaultZone);
  const caseFacts = new CaseFactsLookup(db);
  const fallbackZone = zoneOf(opts.defaultZone);
  // Sends held for a rush of timers go on at once when the worker closes. Each held send listens
  // to it, up to the worker's concurrency: past Node's default of 10 that is no leak.
  const closing = new AbortController();
  setMaxListeners(concurrency, closing.signal);

  const worker = new Worker<OutboxJob | HandoverJob>(
    outboxQueueName(channel.name),
    async (job, token) => {
      if (job.name === HANDOVER_JOB) return await handOver(job.data as HandoverJob);
      if (opts.rush && channel.limits.yieldsToTimers) await opts.rush.over(MAX_YIELD_MS, closing.signal);
      // On a channel with no gap between a chat's messages, the usual case is claimed with the sends
      // running beside it, in one statement. Anything else is looked at below: by the claim's
      // statement, which says why a message may not go, else by statements of its own.
      let seen: Unclaimed | undefined;
      if (claims) {
        const { messageId } = job.data as OutboxJob;
        let claim = await claims.claim(messageId);
        // Behind older messages of its chat whose sends have not begun here (their jobs are still
        // being handed out), it asks again with the next claims before going back to the queue: put
        // back, it held up every later message of its chat in turn, and each went back too (issue 17).
        for (let asked = 1; asked < CLAIM_TRIES && isBehind(claim); asked++) {
          await new Promise((resolve) => setTimeout(resolve, CLAIM_AGAIN_MS));
          claim = await claims.claim(messageId);
        }
        if (claim === BUSY) {
          await job.moveToDelayed(Date.now() + ORDER_WAIT_MS, token);
          throw new DelayedError();
        }
        if (!('unclaimed' in claim)) return await sendClaimed(claim, job, token);
        seen = claim;
      }

      const { messageId } = job.data as OutboxJob;
      const row = seen ? seen.row : (await db.select().from(messages).where(eq(messages.id, messageId)))[0];
      if (!row) throw new UnrecoverableError(`no outbox row ${messageId}`);
      if (row.status !== 'pending' || !row.address) return;
      // Its line is paused behind a message that failed for good: it waits, unsent, for the admin's
      // retry of the whole line (which queues it again) or discard.
      if (seen ? seen.paused : await isLinePaused(db, channel.name, row.address)) return;

      // A chat reads its messages in the order they were written: wait while older ones are pending,
      // longer the more there are, so a long queue for one chat is not re-checked over and over.
      const older = seen ? seen.olderPending : await olderPendingOf(row.address, row.seq);
      if (older > 0) {
        const gap = Math.max(channel.limits.perChatIntervalMs, ORDER_WAIT_MS);
        await job.moveToDelayed(Date.now() + gap * older, token);
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
      await sendRow({ ...row, address: row.address }, job, token);
    },
    {
      connection: opts.connection,
      prefix: opts.prefix,
      concurrency,
      limiter: { max: channel.limits.perSecond, duration: 1000 },
      ...SEND_LOCK,
    },
  );

  /** The chat's older messages still pending, up to ORDER_WAIT_STEPS. */
  async function olderPendingOf(address: string, seq: number): Promise<number> {
    const older = await db
      .select({ seq: messages.seq })
      .from(messages)
      .where(
        and(
          eq(messages.channel, channel.name),
          eq(messages.address, address),
          eq(messages.status, 'pending'),
          lt(messages.seq, seq),
        ),
      )
      .limit(ORDER_WAIT_STEPS);
    return older.length;
  }

  /**
   * Sends a claimed row once the chat's message claimed before it went. When that one is held (it
   * failed, or must wait), this one waits too, unsent: the order is kept. A claim only reads the
   * row, so the attempt is counted with the row's outcome.
   */
  async function sendClaimed(claim: Claim, job: Job<OutboxJob | HandoverJob>, token: string | undefined) {
    try {
      if (!(await claim.ready)) {
        await job.moveToDelayed(Date.now() + ORDER_WAIT_MS, token);
        throw new DelayedError();
      }
      await sendRow(claim.row, job, token, { counted: false, pass: claim.pass }, knownOf(claim));
    } finally {
      claim.pass(false);
      claim.release();
    }
  }

  /** Sends a row and marks it sent, counting its attempt; a refusal or an error is recorded on it. */
  async function sendRow(
    row: typeof messages.$inferSelect & { address: string },
    job: Job<OutboxJob | HandoverJob>,
    token: string | undefined,
    turn: SendTurn = COUNTED_ALONE,
    known?: RenderOptions['known'],
  ) {
    try {
      await channel.send(await render(row, known));
    } catch (err) {
      if (!turn.counted) {
        await db
          .update(messages)
          .set({ attempts: sql`${messages.attempts} + 1` })
          .where(eq(messages.id, row.id));
      }
      if (err instanceof ChannelRateLimitedError) {
        await job.moveToDelayed(Date.now() + err.retryAfterMs, token);
        throw new DelayedError();
      }
      if (err instanceof ChannelRefusedError) {
        await deadLetter(row, err);
        turn.pass(true);
        throw new UnrecoverableError(err.message);
      }
      await db
        .update(messages)
        .set({ lastError: (err as Error).message })
        .where(eq(messages.id, row.id));
      throw err;
    }
    turn.pass(true);
    await sent(row, turn.counted ? 0 : 1);
  }

  function render(row: typeof messages.$inferSelect, known: RenderOptions['known']) {
    return renderMessage(db, row, opts.defaultZone, opts.signer, {
      locales,
      cases: caseFacts,
      ...(known ? { known } : {}),
      ...(opts.publicUrl ? { publicUrl: opts.publicUrl } : {}),
      ...(opts.attachmentLinks ? { attachmentLinks: opts.attachmentLinks } : {}),
    });
  }

  /** What a claim read for rendering, as render takes it. */
  function knownOf(claim: Claim): RenderOptions['known'] {
    const { recipient, facts } = claim.found;
    return { locale: localeOf(recipient, fallbackZone), facts: facts ? factsOf(facts) : undefined };
  }

  /** Marks a row sent, adding `attempts`; and tells of a stakeholder it did not reach. */
  async function sent(row: Claim['row'], attempts: number): Promise<void> {
    // Sent: a database that is away this moment (a restart) must not turn it into a second send.
    await marks.sent(row.id, new Date(), attempts);
    // The web chat keeps the message in its history, but nobody sees it until the page is opened again.
    if (row.recipientKind === 'stakeholder' && channel.reaches && !(await channel.reaches(row.address))) {
      await opts.onUnreached?.(row.id);
    }
  }

  /** Dead-letters a row the channel refused for good. */
  async function deadLetter(row: Claim['row'], err: ChannelRefusedError): Promise<void> {
    // The link goes first: whoever sees the message dead sees the chat marked unreachable too.
    if (err.addressGone) {
      await db
        .update(channelLinks)
        .set({ active: false, lastError: err.message })
        .where(and(eq(channelLinks.channel, channel.name), eq(channelLinks.address, row.address)));
    }
    await markDead(db, row.id, err.message);
  }

  /**
   * Sends a message this process committed, without a job (InstantSender): SETTLED when it was sent,
   * dead-lettered, or has nothing to send; FAILED when its send failed (its attempt counted);
   * WAITING when its chat waits on older messages, or on the one before it here, which was held.
   */
  async function sendAtOnce(messageId: string, batched: BatchedClaims): Promise<AtOnce> {
    const claim = await batched.claim(messageId);
    // Its own job is sending it here already.
    if (claim === BUSY) return SETTLED;
    if ('unclaimed' in claim) return isBehind(claim) ? WAITING : SETTLED;
    try {
      if (!(await claim.ready)) return WAITING;
      try {
        await channel.send(await render(claim.row, knownOf(claim)));
      } catch (err) {
        if (err instanceof ChannelRefusedError) {
          await deadLetter(claim.row, err);
          claim.pass(true);
          await opts.onUnreached?.(messageId);
          return SETTLED;
        }
        await db
          .update(messages)
          .set({ attempts: sql`${messages.attempts} + 1`, lastError: (err as Error).message })
          .where(eq(messages.id, messageId));
        return FAILED;
      }
      claim.pass(true);
      await sent(claim.row, 1);
      return SETTLED;
    } finally {
      claim.pass(false);
      claim.release();
    }
  }

  /** A handover whose process did not see its sends through: a send job for each message still pending. */
  async function handOver({ messageIds }: HandoverJob): Promise<void> {
    if (!opts.queues) return;
    const pending = await db
      .select({ id: messages.id })
      .from(messages)
      .where(and(inArray(messages.id, [...messageIds]), eq(messages.status, 'pending')));
    await Promise.all(pending.map((m) => opts.queues?.addMessage(m.id, channel.name)));
  }

  if (claims && channel.limits.sendsAtOnce && opts.queues) {
    const batched = claims;
    let inFlight = 0;
    // A channel's queue an admin paused (Bull Board) holds its messages sent at once too: they get
    // their jobs, which wait in it.
    let queuePaused = false;
    const pauseCheck = setInterval(() => {
      worker.client
        .then((client) => client.hexists(worker.toKey('meta'), 'paused'))
        .then((paused) => {
          queuePaused = paused === 1;
        })
        .catch(() => {});
    }, PAUSE_CHECK_MS);
    pauseCheck.unref();
    worker.once('closing', () => clearInterval(pauseCheck));
    opts.queues.setInstantSender(channel.name, {
      room() {
        const yielding = channel.limits.yieldsToTimers && opts.rush?.on;
        return closing.signal.aborted || yielding || queuePaused ? 0 : concurrency - inFlight;
      },
      async send(ids) {
        inFlight += ids.length;
        try {
          const outcomes = await Promise.all(ids.map((id) => sendAtOnce(id, batched)));
          return ids.flatMap((id, i) => (outcomes[i] === SETTLED ? [] : [{ id, failed: outcomes[i] === FAILED }]));
        } finally {
          inFlight -= ids.length;
        }
      },
    });
    worker.once('closing', () => opts.queues?.setInstantSender(channel.name, undefined));
  }

  worker.on('failed', (job: Job<OutboxJob | HandoverJob> | undefined, err) => {
    if (!job) return;
    if (job.name === HANDOVER_JOB) {
      // Its messages wait for the reconciler, which queues every pending message without a job.
      log.warn({ channel: channel.name, attempt: job.attemptsMade, err: err.message }, 'handover failed');
      return;
    }
    const { messageId } = job.data as OutboxJob;
    const refused = err instanceof UnrecoverableError;
    const exhausted = refused || job.attemptsMade >= (job.opts.attempts ?? 1);
    log.warn(
      { messageId, channel: channel.name, attempt: job.attemptsMade, exhausted, err: err.message },
      'send failed',
    );
    if (!exhausted) return;
    // Refused for good: this message alone is dead, and the ones after it may go.
    // Failed past its retries: the chat is in trouble, so its line stops here to keep the order.
    const settle = refused
      ? markDead(db, messageId, err.message).then(() => opts.onUnreached?.(messageId))
      : pauseLineAt(messageId, err.message);
    void settle.catch((e: Error) => log.warn({ messageId, err: e.message }, 'after a failed send'));
  });
  worker.on('error', (err) => log.error({ channel: channel.name, err: err.message }, 'outbox worker error'));
  worker.once('closing', () => closing.abort());
  return worker;

  async function pauseLineAt(messageId: string, lastError: string): Promise<void> {
    const [row] = await db
      .select({ address: messages.address, status: messages.status })
      .from(messages)
      .where(eq(messages.id, messageId));
    if (row?.status !== 'pending' || !row.address) return;
    const line = { channel: channel.name, address: row.address, headMessageId: messageId, lastError };
    if (!(await pauseLine(db, line))) return;
    log.warn({ messageId, channel: channel.name }, 'chat line paused: its first message failed past its retries');
    await opts.onLinePaused?.({ channel: channel.name, headMessageId: messageId, lastError });
  }
}

/**
 * Longest that sends wait for one rush of timers: a rush that outlasts it is an overload, not a
 * burst, and the sends share the CPU again until it ends.
 */
const MAX_YIELD_MS = 10_000;

/** Not claimed only because older messages of its chat are pending: they may be claimed here soon. */
function isBehind(claim: ClaimResult): boolean {
  return (
    claim !== BUSY && 'unclaimed' in claim && claim.row?.status === 'pending' && !claim.paused && claim.olderPending > 0
  );
}

/** How often a channel that sends at once looks whether an admin paused its queue. */
const PAUSE_CHECK_MS = 1000;

/** How a message sent at once ended: see sendAtOnce. */
const SETTLED = 'settled';
const FAILED = 'failed';
const WAITING = 'waiting';
type AtOnce = typeof SETTLED | typeof FAILED | typeof WAITING;

/** A send's place in its chat's line: whether its attempt is counted yet, and how it lets the next one go. */
interface SendTurn {
  readonly counted: boolean;
  /** Lets the chat's next claimed message go (true: this one is sent or dead) or holds it. */
  pass(passed: boolean): void;
}

/** A send checked on its own, its attempt counted before it: nothing claimed after it waits on it. */
const COUNTED_ALONE: SendTurn = { counted: true, pass: () => {} };

const PERSIST_FOR_MS = 30_000;

/** Retries a write for a while: the send it records cannot be taken back. */
async function persisting(write: () => Promise<unknown>): Promise<void> {
  const until = Date.now() + PERSIST_FOR_MS;
  for (let wait = 100; ; wait = Math.min(wait * 2, 2000)) {
    try {
      await write();
      return;
    } catch (err) {
      if (Date.now() + wait > until) throw err;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

/** Dead-lettered: kept with its last error, listed in the console for retry or discard. */
async function markDead(db: Db, id: string, error: string): Promise<void> {
  await db
    .update(messages)
    .set({ status: 'dead', lastError: error })
    .where(and(eq(messages.id, id), eq(messages.status, 'pending')));
}
