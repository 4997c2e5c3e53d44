import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Db } from '../db/index.js';
import { releaseInboundKeys } from '../db/index.js';
import type { Logger } from '../log.js';
import { anonymiseExpired, removeUnattachedUploads } from '../privacy/index.js';

export const RETENTION_QUEUE = 'retention';
export const RETENTION_SCHEDULER_ID = 'retention-daily';
const UPLOADS_SCHEDULER_ID = 'unattached-uploads-hourly';
const SWEEP_UPLOADS = 'sweep-uploads';
const UPDATE_KEYS_SCHEDULER_ID = 'telegram-update-keys-hourly';
export const RELEASE_UPDATE_KEYS = 'release-telegram-update-keys';

/**
 * How long a Telegram update's key is kept. Telegram keeps an unconfirmed update for 24 hours and
 * may deliver it again until then; after a week without updates it starts its numbering at a
 * random id, and an old key kept for ever would make a new message look seen and drop it.
 */
export const TELEGRAM_UPDATE_KEY_MS = 48 * 3600_000;

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
  /** UNATTACHED_UPLOAD_HOURS: uploads no case took are deleted this long after they came. */
  readonly unattachedHours: number;
}

const DAY_MS = 24 * 3600_000;

/**
 * Puts the daily retention job's scheduler in Redis when it is not there: at start-up, and again
 * after Redis lost its keys (a flush), which no database row would bring back. One per Redis
 * prefix, however many workers call it; an existing one is left as it is, so its next run keeps
 * its time.
 * The hourly sweep of unattached uploads and the hourly release of Telegram update keys are put
 * back the same way.
 */
export async function ensureRetentionSchedule(connection: Redis, prefix: string, everyMs = DAY_MS): Promise<boolean> {
  const queue = new Queue(RETENTION_QUEUE, { connection, prefix });
  try {
    const keep = { removeOnComplete: { count: 30 }, removeOnFail: { count: 30 } };
    let created = false;
    if (!(await queue.getJobScheduler(RETENTION_SCHEDULER_ID))) {
      await queue.upsertJobScheduler(
        RETENTION_SCHEDULER_ID,
        { every: everyMs },
        { name: 'anonymise', data: {}, opts: keep },
      );
      created = true;
    }
    if (!(await queue.getJobScheduler(UPLOADS_SCHEDULER_ID))) {
      await queue.upsertJobScheduler(
        UPLOADS_SCHEDULER_ID,
        { every: 3600_000 },
        { name: SWEEP_UPLOADS, data: {}, opts: keep },
      );
      created = true;
    }
    if (!(await queue.getJobScheduler(UPDATE_KEYS_SCHEDULER_ID))) {
      await queue.upsertJobScheduler(
        UPDATE_KEYS_SCHEDULER_ID,
        { every: 3600_000 },
        { name: RELEASE_UPDATE_KEYS, data: {}, opts: keep },
      );
      created = true;
    }
    return created;
  } finally {
    await queue.close();
  }
}

/**
 * The retention job: a BullMQ job scheduler runs anonymiseExpired once a day, another removes
 * unattached uploads every hour, and a third releases Telegram update keys past
 * TELEGRAM_UPDATE_KEY_MS every hour. The jobs carry no data, so no personal data passes through Redis.
 */
export async function startRetentionWorker(opts: RetentionWorkerOptions): Promise<Worker> {
  await ensureRetentionSchedule(opts.connection, opts.prefix, opts.everyMs);
  const worker = new Worker(
    RETENTION_QUEUE,
    async (job) => {
      if (job.name === SWEEP_UPLOADS) {
        return removeUnattachedUploads(opts.db, {
          dataDir: opts.dataDir,
          olderThan: new Date(Date.now() - opts.unattachedHours * 3600_000),
          log: opts.log,
        });
      }
      if (job.name === RELEASE_UPDATE_KEYS) return releaseTelegramUpdateKeys(opts.db, new Date(), opts.log);
      return anonymiseExpired(opts.db, { now: new Date(), months: opts.months, dataDir: opts.dataDir, log: opts.log });
    },
    { connection: opts.connection, prefix: opts.prefix, concurrency: 1 },
  );
  worker.on('failed', (job, err) => opts.log.warn({ jobId: job?.id, err: err.message }, 'retention run failed'));
  worker.on('error', (err) => opts.log.error({ err: err.message }, 'retention worker error'));
  return worker;
}

/** The hourly job's work: Telegram update keys older than TELEGRAM_UPDATE_KEY_MS are released. */
export async function releaseTelegramUpdateKeys(db: Db, now: Date, log: Logger): Promise<number> {
  // The channel's name as the Telegram adapter records it; jobs do not import the bots.
  const released = await releaseInboundKeys(db, 'telegram', new Date(now.getTime() - TELEGRAM_UPDATE_KEY_MS));
  if (released > 0) log.info({ released }, 'telegram update keys released');
  return released;
}
