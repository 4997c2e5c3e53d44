import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AfterCommit, SavedTransition } from '../cases/index.js';
import { PerTurn } from '../per-turn.js';
import { caseIdOf, timerJobId } from '../sop/index.js';
import { addInOnePipeline, type QueuedJob } from './bulk-add.js';
import { QueueUnavailableError } from './errors.js';

export interface TimerJob {
  readonly caseId: string;
  readonly instanceId: string;
  readonly rung: number;
  /** The step's clockEpoch when the timer was set; absent means 0. */
  readonly epoch?: number;
}

/** The end of a closed case's reopening window: the case id alone, the rest is in its row. */
export interface FinalJob {
  readonly caseId: string;
}

/** Jobs of the timers queue: named "timer" (a step's rung) or "final" (a reopening window's end). */
export type TimersQueueJob = TimerJob | FinalJob;
export const FINAL_JOB = 'final';

/** One job per window: a case closed again after a reopening has a new window, and a new job. */
export const finalJobId = (caseId: string, at: Date) => `final_${caseId}_${at.getTime()}`;

/** Only the row id travels through Redis: names and texts stay in Postgres. */
export interface OutboxJob {
  readonly messageId: string;
}

/**
 * The messages one commit gave a channel that sends them at once in the process that committed
 * them (InstantSender). Removed once they went; run only when they did not (the process died, or
 * Redis was away for the removal), it queues a send job for each still pending.
 */
export interface HandoverJob {
  readonly messageIds: readonly string[];
}
export const HANDOVER_JOB = 'handover';

/** How long a commit's messages are left to its process before the handover job queues them itself. */
export const HANDOVER_AFTER_MS = 10_000;

/**
 * Sends the messages a commit of this process gave its channel, without a job each: a job's add,
 * fetch and completion were about half of a submission's cost (issue 17, where each submission
 * gives two messages). The outbox worker of a channel whose sends are quick and local (the log,
 * the web chat) is one.
 */
export interface InstantSender {
  /**
   * How many more it takes now: none while its worker closes or a rush of timers it yields to is
   * fired, and no more than its worker's concurrency in flight. The others get a job each.
   */
  room(): number;
  /**
   * Sends them, each chat's in order; resolves with those it did not settle, which need a job each:
   * `failed` when its send failed (its job waits the first retry's delay), else it waits on its
   * chat's older messages.
   */
  send(messageIds: readonly string[]): Promise<Array<{ readonly id: string; readonly failed: boolean }>>;
}

export const TIMERS_QUEUE = 'timers';
export const outboxQueueName = (channel: string) => `outbox-${channel}`;

export interface QueueSettings {
  readonly connection: Redis;
  /** Redis key prefix; tests give each run its own. Default "siput". */
  readonly prefix: string;
  /** First retry delay of a failed send or timer, doubled at each attempt; default 2000 ms. */
  readonly retryDelayMs?: number;
  /** How long a commit's messages sent at once are left to this process before their handover queues them; default HANDOVER_AFTER_MS. */
  readonly handoverAfterMs?: number;
}

const KEEP_FAILED = { removeOnFail: { age: 30 * 24 * 3600 } };
const KEEP = { removeOnComplete: { age: 7 * 24 * 3600, count: 100_000 }, ...KEEP_FAILED };

/**
 * How long queuing after a commit may take. BullMQ's connection waits for Redis for ever (it
 * must, for workers), so without a bound a web chat request hung for the whole outage.
 */
const ADD_TIMEOUT_MS = 1000;

/** The queues the service writes to. Timer and message jobs use their row's id as jobId, so adding twice is harmless. */
export class JobQueues implements AfterCommit {
  readonly timers: Queue<TimersQueueJob>;
  readonly #outbox = new Map<string, Queue<OutboxJob>>();
  readonly #instant = new Map<string, InstantSender>();
  /** Instant sends not finished yet: close() waits for them, so their handovers are removed. */
  readonly #sending = new Set<Promise<void>>();
  readonly #backoff: { type: 'exponential'; delay: number };
  /**
   * Jobs added in the same turn of the event loop (the submissions committed together, the
   * replies of a polled batch's chats), of every queue, go to Redis in one pipeline instead of a
   * script call each or an addBulk per queue: a call's write and its reply were much of a
   * submission's CPU (issue 17). Each job is the one add would make, jobId and delay and all.
   */
  readonly #adds = new PerTurn<QueuedJob, void>(async (jobs) => {
    await addInOnePipeline(jobs);
    return jobs.map(() => undefined);
  });

  constructor(private readonly settings: QueueSettings) {
    this.#backoff = { type: 'exponential', delay: settings.retryDelayMs ?? 2000 };
    this.timers = new Queue<TimersQueueJob>(TIMERS_QUEUE, { connection: settings.connection, prefix: settings.prefix });
  }

  outbox(channel: string): Queue<OutboxJob> {
    let queue = this.#outbox.get(channel);
    if (!queue) {
      queue = new Queue<OutboxJob>(outboxQueueName(channel), {
        connection: this.settings.connection,
        prefix: this.settings.prefix,
      });
      this.#outbox.set(channel, queue);
    }
    return queue;
  }

  async addTimer(
    caseId: string,
    instanceId: string,
    rung: number,
    at: Date,
    now = Date.now(),
    epoch = 0,
  ): Promise<void> {
    await this.#bounded(() =>
      this.#adds.of({
        queue: this.timers as Queue,
        name: 'timer',
        data: { caseId, instanceId, rung, ...(epoch ? { epoch } : {}) },
        opts: {
          jobId: timerJobId(instanceId, rung, epoch),
          delay: Math.max(0, at.getTime() - now),
          attempts: 10,
          backoff: this.#backoff,
          ...KEEP,
        },
      }),
    );
  }

  /** The job that makes a closing final when the reporter stays silent until `at`. */
  async addFinal(caseId: string, at: Date, now = Date.now()): Promise<void> {
    await this.#bounded(() =>
      this.#adds.of({
        queue: this.timers as Queue,
        name: FINAL_JOB,
        data: { caseId },
        opts: {
          jobId: finalJobId(caseId, at),
          delay: Math.max(0, at.getTime() - now),
          attempts: 10,
          backoff: this.#backoff,
          ...KEEP,
        },
      }),
    );
  }

  async addMessage(messageId: string, channel: string, delayMs = 0): Promise<void> {
    await this.#bounded(() => this.#sendJob(messageId, channel, delayMs));
  }

  #sendJob(messageId: string, channel: string, delayMs = 0): Promise<unknown> {
    return this.#adds.of({
      queue: this.outbox(channel) as Queue,
      name: 'send',
      data: { messageId },
      opts: {
        jobId: messageId,
        attempts: 8,
        backoff: this.#backoff,
        ...KEEP,
        ...(delayMs > 0 ? { delay: delayMs } : {}),
      },
    });
  }

  /** The channel's committed messages go to `sender` instead of a job each; undefined stops it. */
  setInstantSender(channel: string, sender: InstantSender | undefined): void {
    if (sender) this.#instant.set(channel, sender);
    else this.#instant.delete(channel);
  }

  /**
   * Of the committed messages, sends those of a channel this process sends at once (InstantSender),
   * with one handover job per channel for them, due later; the others are returned, to be queued a
   * job each. What the sender leaves (a send that failed, a chat waiting on older messages) gets
   * its job then, and the handover is removed. The handover is the job the commit is safe with:
   * if this process dies before the sends are done, it queues the rest. The promises are the
   * handovers' adds.
   */
  #sendAtOnce<M extends { id: string; channel: string }>(
    messages: readonly M[],
  ): { rest: M[]; handovers: Array<Promise<void>> } {
    const rest: M[] = [];
    const atOnce = new Map<string, string[]>();
    const room = new Map<string, number>();
    for (const m of messages) {
      const left = room.get(m.channel) ?? this.#instant.get(m.channel)?.room() ?? 0;
      room.set(m.channel, left - 1);
      if (left <= 0) rest.push(m);
      else if (atOnce.has(m.channel)) atOnce.get(m.channel)?.push(m.id);
      else atOnce.set(m.channel, [m.id]);
    }
    const handovers: Array<Promise<void>> = [];
    for (const [channel, ids] of atOnce) {
      const sender = this.#instant.get(channel) as InstantSender;
      const jobId = `${HANDOVER_JOB}_${ids[0]}`;
      const handover = this.#bounded(() =>
        this.#adds.of({
          queue: this.outbox(channel) as Queue,
          name: HANDOVER_JOB,
          data: { messageIds: ids },
          opts: {
            jobId,
            delay: this.settings.handoverAfterMs ?? HANDOVER_AFTER_MS,
            attempts: 8,
            backoff: this.#backoff,
            removeOnComplete: true,
            ...KEEP_FAILED,
          },
        }),
      );
      handovers.push(handover);
      const sending = sender
        .send(ids)
        .then(async (left) => {
          await handover;
          // A failed send is tried again after the first retry's wait, as its job would have been.
          await Promise.all(left.map((m) => this.addMessage(m.id, channel, m.failed ? this.#backoff.delay : 0)));
          await this.outbox(channel).remove(jobId);
        })
        // Whatever did not happen here, the handover (or, without it, the reconciler) does later.
        .catch(() => {})
        .finally(() => this.#sending.delete(sending));
      this.#sending.add(sending);
    }
    return { rest, handovers };
  }

  /**
   * Gives up after ADD_TIMEOUT_MS whether Redis is still connecting (a service just started, a
   * test's fresh connection) or does not answer; a closed connection fails at once.
   */
  async #bounded(add: () => Promise<unknown>, ms = ADD_TIMEOUT_MS): Promise<void> {
    const connection = this.settings.connection;
    if (connection.status === 'end') throw new QueueUnavailableError('redis connection is closed');
    let timer: NodeJS.Timeout | undefined;
    let onReady: (() => void) | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new QueueUnavailableError(`redis did not answer within ${ms} ms (${connection.status})`)),
        ms,
      );
    });
    const ready =
      connection.status === 'ready'
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            onReady = resolve;
            connection.once('ready', onReady);
          });
    try {
      await Promise.race([ready.then(add), late]);
    } finally {
      clearTimeout(timer);
      if (onReady) connection.off('ready', onReady);
    }
  }

  /**
   * Queues a message again after an admin's retry. Its earlier job (same jobId) is kept as failed
   * for a month, and BullMQ ignores an add whose jobId exists: that job is removed first. Bounded
   * like addMessage: the console's request must not wait for a Redis that is away.
   */
  async resendMessage(messageId: string, channel: string): Promise<void> {
    await this.#bounded(async () => {
      const previous = await this.outbox(channel).getJob(messageId);
      if (previous) {
        const state = await previous.getState();
        if (state === 'completed' || state === 'failed') await previous.remove();
      }
      await this.#sendJob(messageId, channel);
    });
  }

  /** Sends a message now that waited for later (a delay it asked for, such as WhatsApp's daily cap). */
  async promoteMessage(messageId: string, channel: string): Promise<void> {
    await this.#bounded(async () => {
      const job = await this.outbox(channel).getJob(messageId);
      if (job && (await job.getState()) === 'delayed') await job.promote();
    });
  }

  async schedule(saved: SavedTransition): Promise<void> {
    const { rest, handovers } = this.#sendAtOnce(await saved.messages);
    await Promise.all([
      ...handovers,
      ...saved.timers.map((t) =>
        this.addTimer(caseIdOf(t.instanceId), t.instanceId, t.rung, t.at, Date.now(), t.epoch ?? 0),
      ),
      ...rest.map((m) => this.addMessage(m.id, m.channel)),
      ...(saved.finals ?? []).map((f) => this.addFinal(f.caseId, f.at)),
    ]);
  }

  /**
   * What many committed transitions scheduled (a batch of timers), in one round trip per queue:
   * BullMQ's addBulk sends the jobs in one MULTI. Job ids make a job added twice count once.
   */
  async scheduleMany(saved: readonly SavedTransition[], now = Date.now()): Promise<void> {
    const timers = saved.flatMap((s) => s.timers);
    const byChannel = new Map<string, string[]>();
    const { rest, handovers } = this.#sendAtOnce((await Promise.all(saved.map((s) => s.messages))).flat());
    for (const m of rest) {
      const ids = byChannel.get(m.channel) ?? [];
      ids.push(m.id);
      byChannel.set(m.channel, ids);
    }
    await Promise.all([
      ...handovers,
      timers.length === 0
        ? undefined
        : this.#bounded(
            () =>
              this.timers.addBulk(
                timers.map((t) => ({
                  name: 'timer',
                  data: {
                    caseId: caseIdOf(t.instanceId),
                    instanceId: t.instanceId,
                    rung: t.rung,
                    ...(t.epoch ? { epoch: t.epoch } : {}),
                  },
                  opts: {
                    jobId: timerJobId(t.instanceId, t.rung, t.epoch ?? 0),
                    delay: Math.max(0, t.at.getTime() - now),
                    attempts: 10,
                    backoff: this.#backoff,
                    ...KEEP,
                  },
                })),
              ),
            bulkTimeout(timers.length),
          ),
      ...[...byChannel].map(([channel, ids]) =>
        this.#bounded(
          () =>
            this.outbox(channel).addBulk(
              ids.map((messageId) => ({
                name: 'send',
                data: { messageId },
                opts: { jobId: messageId, attempts: 8, backoff: this.#backoff, ...KEEP },
              })),
            ),
          bulkTimeout(ids.length),
        ),
      ),
    ]);
  }

  allQueues(): Queue[] {
    return [this.timers, ...this.#outbox.values()] as Queue[];
  }

  async close(): Promise<void> {
    await Promise.all(this.#sending);
    await Promise.all(this.allQueues().map((q) => q.close()));
  }
}

/** A bulk add may take longer than one job: ten milliseconds more per job it carries. */
const bulkTimeout = (jobs: number) => ADD_TIMEOUT_MS + jobs * 10;
