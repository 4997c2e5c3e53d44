import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { CaseService, TimerCommand } from '../cases/index.js';
import type { Logger } from '../log.js';
import { FINAL_JOB, TIMERS_QUEUE, type TimerJob, type TimersQueueJob } from './queues.js';
import type { TimerRush } from './timer-rush.js';

/** Timers fired in one transaction at most. */
const MAX_BATCH = 200;
/** Batches in flight at once: one being written while the next is gathered and started. */
const MAX_RUNNING = 2;
/**
 * Timer jobs held at once. Each waits in TimerBatches for the next batch, so this bounds the
 * batches too: deadlines due together (a weekend's, at Monday's opening) go in batches of up to
 * MAX_BATCH instead of one transaction each. Room for one more batch than run at once: with no
 * more than the running batches hold, a finished batch's place was taken by the few jobs fetched
 * first, and batches of 100 alternated with batches of 1 to 9 in a burst.
 */
export const DEFAULT_TIMER_CONCURRENCY = MAX_BATCH * (MAX_RUNNING + 1);

export interface TimerWorkerOptions {
  readonly cases: CaseService;
  readonly connection: Redis;
  readonly prefix: string;
  readonly log: Logger;
  /** Timer jobs held at once; default DEFAULT_TIMER_CONCURRENCY. */
  readonly concurrency?: number;
  /** Told the timers' load, so that sends can wait while a burst is fired; default none. */
  readonly rush?: TimerRush;
}

/**
 * Fires step deadlines into the engine, which reminds or escalates, or ignores a step already left;
 * and the ends of reopening windows, which make a silent reporter's closing final.
 */
export function startTimerWorker(opts: TimerWorkerOptions): Worker<TimersQueueJob> {
  const batches = new TimerBatches(
    (timers) => opts.cases.fireTimers(timers),
    MAX_BATCH,
    MAX_RUNNING,
    opts.rush ? (waiting, running) => opts.rush?.load(waiting, running) : undefined,
  );
  const worker = new Worker<TimersQueueJob>(
    TIMERS_QUEUE,
    async (job) => {
      if (job.name === FINAL_JOB) {
        const { caseId } = job.data;
        if (typeof caseId !== 'string') throw new UnrecoverableError('malformed final job');
        const result = await opts.cases.dispatch(caseId, { type: 'final' });
        opts.log.debug({ caseId, jobId: job.id, acted: (result.transition?.effects.length ?? 0) > 0 }, 'window ended');
        return;
      }
      const { caseId, instanceId, rung, epoch = 0 } = job.data as Partial<TimerJob>;
      if (
        typeof caseId !== 'string' ||
        typeof instanceId !== 'string' ||
        !Number.isInteger(rung) ||
        !Number.isInteger(epoch)
      ) {
        throw new UnrecoverableError('malformed timer job');
      }
      await batches.add({ type: 'timer', caseId, instanceId, rung: rung as number, epoch });
      opts.log.debug({ caseId, jobId: job.id }, 'timer fired');
    },
    {
      connection: opts.connection,
      prefix: opts.prefix,
      concurrency: opts.concurrency ?? DEFAULT_TIMER_CONCURRENCY,
    },
  );
  worker.on('failed', (job, err) => opts.log.warn({ jobId: job?.id, err: err.message }, 'timer failed'));
  worker.on('error', (err) => opts.log.error({ err: err.message }, 'timer worker error'));
  return worker;
}

type Fire = (timers: readonly TimerCommand[]) => Promise<Array<Error | null>>;
/** Timers waiting for a batch and batches running, after each change. */
type OnLoad = (waiting: number, running: number) => void;

interface Pending {
  readonly timer: TimerCommand;
  resolve(): void;
  reject(err: Error): void;
}

/**
 * Group commit for timers: a timer that comes while no batch is running goes at once, alone;
 * those that come while batches run wait and go together in the next one. A quiet day costs
 * no added latency, and a burst costs one transaction per batch. A batch takes one timer per
 * case (a second one for the same case waits for the next batch, which sees the first's
 * commit). When a batch's transaction fails, its timers are tried one by one, so one bad case
 * does not fail the others; each timer's job then succeeds or fails on its own.
 */
export class TimerBatches {
  #pending: Pending[] = [];
  #running = 0;

  constructor(
    private readonly fire: Fire,
    private readonly maxBatch: number,
    private readonly maxRunning: number,
    private readonly onLoad?: OnLoad,
  ) {}

  add(timer: TimerCommand): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#pending.push({ timer, resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#running < this.maxRunning && this.#pending.length > 0) {
      const batch: Pending[] = [];
      const rest: Pending[] = [];
      const cases = new Set<string>();
      for (const p of this.#pending) {
        if (batch.length < this.maxBatch && !cases.has(p.timer.caseId)) {
          cases.add(p.timer.caseId);
          batch.push(p);
        } else rest.push(p);
      }
      this.#pending = rest;
      this.#running++;
      void this.#run(batch).finally(() => {
        this.#running--;
        this.#pump();
      });
    }
    this.onLoad?.(this.#pending.length, this.#running);
  }

  async #run(batch: readonly Pending[]): Promise<void> {
    try {
      settle(batch, await this.fire(batch.map((p) => p.timer)));
    } catch (err) {
      if (batch.length === 1) {
        batch[0]?.reject(err as Error);
        return;
      }
      // The transaction failed as a whole (a lost connection, a deadlock): each on its own.
      await Promise.all(
        batch.map((p) =>
          this.fire([p.timer]).then(
            (outcomes) => settle([p], outcomes),
            (e: Error) => p.reject(e),
          ),
        ),
      );
    }
  }
}

function settle(batch: readonly Pending[], outcomes: ReadonlyArray<Error | null>): void {
  batch.forEach((p, i) => {
    const outcome = outcomes[i];
    if (outcome) p.reject(outcome);
    else p.resolve();
  });
}
