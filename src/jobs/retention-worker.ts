import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Db } from '../db/client.js';
import type { Logger } from '../log.js';
import { anonymiseExpired } from '../privacy/retention.js';

export const RETENTION_QUEUE = 'retention';
const SCHEDULER_ID = 'retention-daily';

export interface RetentionWorkerOptions {
  readonly db: Db;
  readonly connection: Redis;
  readonly prefix: string;
  readonly log: Logger;
  /** RETENTION_MONTHS. */
  readonly months: number;
  readonly dataDir: string;
  /** How often the job runs; default once a day. */
  readonly everyMs?: number;
}

/**
 * The retention job: a BullMQ job scheduler (one per Redis prefix, however many workers start it)
 * runs anonymiseExpired once a day. The job carries no data, so no personal data passes through Redis.
 */
export async function startRetentionWorker(opts: RetentionWorkerOptions): Promise<Worker> {
  const queue = new Queue(RETENTION_QUEUE, { connection: opts.connection, prefix: opts.prefix });
  try {
    await queue.upsertJobScheduler(
      SCHEDULER_ID,
      { every: opts.everyMs ?? 24 * 3600_000 },
      { name: 'anonymise', data: {}, opts: { removeOnComplete: { count: 30 }, removeOnFail: { count: 30 } } },
    );
  } finally {
    await queue.close();
  }
  const worker = new Worker(
    RETENTION_QUEUE,
    async () =>
      anonymiseExpired(opts.db, { now: new Date(), months: opts.months, dataDir: opts.dataDir, log: opts.log }),
    { connection: opts.connection, prefix: opts.prefix, concurrency: 1 },
  );
  worker.on('failed', (job, err) => opts.log.warn({ jobId: job?.id, err: err.message }, 'retention run failed'));
  worker.on('error', (err) => opts.log.error({ err: err.message }, 'retention worker error'));
  return worker;
}
