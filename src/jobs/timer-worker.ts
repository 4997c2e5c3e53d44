import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { CaseService } from '../cases/case-service.js';
import type { Logger } from '../log.js';
import { TIMERS_QUEUE, type TimerJob } from './queues.js';

export interface TimerWorkerOptions {
  readonly cases: CaseService;
  readonly connection: Redis;
  readonly prefix: string;
  readonly log: Logger;
  /** Parallel timers; default 16. Each is one short transaction. */
  readonly concurrency?: number;
}

/** Fires step deadlines into the engine, which reminds or escalates, or ignores a step already left. */
export function startTimerWorker(opts: TimerWorkerOptions): Worker<TimerJob> {
  const worker = new Worker<TimerJob>(
    TIMERS_QUEUE,
    async (job) => {
      const { caseId, instanceId, rung } = job.data;
      if (typeof caseId !== 'string' || typeof instanceId !== 'string' || !Number.isInteger(rung)) {
        throw new UnrecoverableError('malformed timer job');
      }
      const result = await opts.cases.dispatch(caseId, { type: 'timer', instanceId, rung });
      opts.log.debug({ caseId, jobId: job.id, acted: (result.transition?.effects.length ?? 0) > 0 }, 'timer fired');
    },
    { connection: opts.connection, prefix: opts.prefix, concurrency: opts.concurrency ?? 16 },
  );
  worker.on('failed', (job, err) => opts.log.warn({ jobId: job?.id, err: err.message }, 'timer failed'));
  worker.on('error', (err) => opts.log.error({ err: err.message }, 'timer worker error'));
  return worker;
}
