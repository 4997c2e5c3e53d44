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

export const TIMERS_QUEUE = 'timers';
export const outboxQueueName = (channel: string) => `outbox-${channel}`;

export interface QueueSettings {
  readonly connection: Redis;
  /** Redis key prefix; tests give each run its own. Default "siput". */
  readonly prefix: string;
  /** First retry delay of a failed send or timer, doubled at each attempt; default 2000 ms. */
  readonly retryDelayMs?: number;
}

const KEEP = { removeOnComplete: { age: 7 * 24 * 3600, count: 100_000 }, removeOnFail: { age: 30 * 24 * 3600 } };

/**
 * How long queuing after a commit may take. BullMQ's connection waits for Redis for ever (it
 * must, for workers), so without a bound a web chat request hung for the whole outage.
 */
const ADD_TIMEOUT_MS = 1000;

/** The queues the service writes to. Timer and message jobs use their row's id as jobId, so adding twice is harmless. */
export class JobQueues implements AfterCommit {
  readonly timers: Queue<TimersQueueJob>;
  readonly #outbox = new Map<string, Queue<OutboxJob>>();
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

  async addMessage(messageId: string, channel: string): Promise<void> {
    await this.#bounded(() => this.#sendJob(messageId, channel));
  }

  #sendJob(messageId: string, channel: string): Promise<unknown> {
    return this.#adds.of({
      queue: this.outbox(channel) as Queue,
      name: 'send',
      data: { messageId },
      opts: { jobId: messageId, attempts: 8, backoff: this.#backoff, ...KEEP },
    });
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
    const messages = await saved.messages;
    await Promise.all([
      ...saved.timers.map((t) =>
        this.addTimer(caseIdOf(t.instanceId), t.instanceId, t.rung, t.at, Date.now(), t.epoch ?? 0),
      ),
      ...messages.map((m) => this.addMessage(m.id, m.channel)),
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
    for (const m of (await Promise.all(saved.map((s) => s.messages))).flat()) {
      const ids = byChannel.get(m.channel) ?? [];
      ids.push(m.id);
      byChannel.set(m.channel, ids);
    }
    await Promise.all([
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
    await Promise.all(this.allQueues().map((q) => q.close()));
  }
}

/** A bulk add may take longer than one job: ten milliseconds more per job it carries. */
const bulkTimeout = (jobs: number) => ADD_TIMEOUT_MS + jobs * 10;
