import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AfterCommit } from '../cases/case-service.js';
import type { SavedTransition } from '../cases/case-store.js';
import { timerJobId } from '../sop/case-state.js';

export interface TimerJob {
  readonly caseId: string;
  readonly instanceId: string;
  readonly rung: number;
}

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

/** The queues the service writes to. Timer and message jobs use their row's id as jobId, so adding twice is harmless. */
export class JobQueues implements AfterCommit {
  readonly timers: Queue<TimerJob>;
  readonly #outbox = new Map<string, Queue<OutboxJob>>();
  readonly #backoff: { type: 'exponential'; delay: number };

  constructor(private readonly settings: QueueSettings) {
    this.#backoff = { type: 'exponential', delay: settings.retryDelayMs ?? 2000 };
    this.timers = new Queue<TimerJob>(TIMERS_QUEUE, { connection: settings.connection, prefix: settings.prefix });
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

  async addTimer(caseId: string, instanceId: string, rung: number, at: Date, now = Date.now()): Promise<void> {
    await this.timers.add(
      'timer',
      { caseId, instanceId, rung },
      {
        jobId: timerJobId(instanceId, rung),
        delay: Math.max(0, at.getTime() - now),
        attempts: 10,
        backoff: this.#backoff,
        ...KEEP,
      },
    );
  }

  async addMessage(messageId: string, channel: string): Promise<void> {
    await this.outbox(channel).add(
      'send',
      { messageId },
      { jobId: messageId, attempts: 8, backoff: this.#backoff, ...KEEP },
    );
  }

  /**
   * Queues a message again after an admin's retry. Its earlier job (same jobId) is kept as failed
   * for a month, and BullMQ ignores an add whose jobId exists: that job is removed first.
   */
  async resendMessage(messageId: string, channel: string): Promise<void> {
    const previous = await this.outbox(channel).getJob(messageId);
    if (previous) {
      const state = await previous.getState();
      if (state === 'completed' || state === 'failed') await previous.remove();
    }
    await this.addMessage(messageId, channel);
  }

  async schedule(saved: SavedTransition): Promise<void> {
    await Promise.all([
      ...saved.timers.map((t) => this.addTimer(caseIdOf(t.instanceId), t.instanceId, t.rung, t.at)),
      ...saved.messages.map((m) => this.addMessage(m.id, m.channel)),
    ]);
  }

  allQueues(): Queue[] {
    return [this.timers, ...this.#outbox.values()] as Queue[];
  }

  async close(): Promise<void> {
    await Promise.all(this.allQueues().map((q) => q.close()));
  }
}

/** Step instance ids are `${caseId}_${seq}`. */
export function caseIdOf(instanceId: string): string {
  return instanceId.slice(0, instanceId.lastIndexOf('_'));
}
