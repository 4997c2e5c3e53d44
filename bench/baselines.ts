import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import {
  DEFAULT_POOL,
  freshDatabase,
  onCleanup,
  REDIS_URL,
  removeRedisKeys,
  runPool,
  type Summary,
  sleep,
  summarize,
} from './harness.js';

/**
 * The bare libraries SIPUT's figures are judged against, run in the same process and minutes as
 * the SIPUT parts: what BullMQ and Postgres do on this machine right now with no SIPUT code in
 * the way. A loaded machine slows both sides alike, so the ratio means more than either figure.
 */

export interface BareTimersOptions {
  readonly timers: number;
  readonly windowMs: number;
  /** Time to queue the jobs before the window opens. */
  readonly leadMs: number;
  /** The worker's concurrency: the same as SIPUT's timer worker. */
  readonly concurrency: number;
  readonly graceMs: number;
}

export interface BareTimers {
  readonly fired: number;
  /** Lateness at the processor: when it ran − the job's due time. */
  readonly lateMs: Summary;
  readonly lastAfterWindowMs: number;
}

/** BullMQ delayed jobs with the same count and due times as the SIPUT timers, and a processor that does nothing. */
export async function measureBareTimers(opts: BareTimersOptions): Promise<BareTimers> {
  const prefix = `siput-bench-bare-${randomUUID()}`;
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue<{ due: number }>('bare-timers', { connection, prefix });
  // BullMQ leaves a connection it was given open on close; this one would keep the bench alive.
  const workerConnection = connection.duplicate();
  let worker: Worker<{ due: number }> | undefined;
  const close = onCleanup(`bare BullMQ ${prefix}`, async () => {
    await worker?.close(true);
    await queue.close();
    connection.disconnect();
    workerConnection.disconnect();
    await removeRedisKeys(prefix);
  });
  try {
    const windowStart = Date.now() + opts.leadMs;
    const dueAt = (i: number) => windowStart + Math.floor((i * opts.windowMs) / opts.timers);
    const late: number[] = [];
    let last = 0;
    worker = new Worker<{ due: number }>(
      'bare-timers',
      async (job) => {
        const now = Date.now();
        late.push(now - job.data.due);
        last = Math.max(last, now);
      },
      { connection: workerConnection, prefix, concurrency: opts.concurrency },
    );
    for (let first = 0; first < opts.timers; first += 1000) {
      const jobs = [];
      for (let i = first; i < Math.min(opts.timers, first + 1000); i++) {
        const due = dueAt(i);
        jobs.push({
          name: 'timer',
          data: { due },
          opts: { jobId: `t-${i}`, delay: Math.max(0, due - Date.now()), removeOnComplete: true },
        });
      }
      await queue.addBulk(jobs);
    }
    const giveUpAt = windowStart + opts.windowMs + opts.graceMs;
    while (late.length < opts.timers && Date.now() < giveUpAt) await sleep(200);
    return {
      fired: late.length,
      lateMs: summarize(late),
      lastAfterWindowMs: last - (windowStart + opts.windowMs),
    };
  } finally {
    await close();
  }
}

export interface BareTransactionsOptions {
  /** Statements per transaction, BEGIN and COMMIT included: as many as one submission sends. */
  readonly statements: number;
  readonly concurrency: number;
  readonly durationMs: number;
}

export interface BareTransactions {
  readonly transactions: number;
  readonly perSecond: number;
  readonly latencyMs: Summary;
  /** This process's CPU (user + system) per transaction. */
  readonly cpuMsPerTransaction: number;
}

/**
 * Transactions of `statements` statements (BEGIN, single-row inserts into an indexed table,
 * COMMIT) at the submissions' concurrency, through a node-postgres pool of the service's default
 * size, on a fresh database on the same server.
 */
export async function measureBareTransactions(opts: BareTransactionsOptions): Promise<BareTransactions> {
  const database = await freshDatabase(1);
  const pool = new pg.Pool({ connectionString: database.url, max: DEFAULT_POOL });
  // pool.end() resolves before its clients' sockets close, and the forced drop after it then
  // ends them with an error the pool re-emits: unheard, it killed the bench.
  pool.on('error', () => {});
  try {
    await pool.query('create table bare_rows (id uuid primary key, at timestamptz not null, body text not null)');
    const inserts = Math.max(1, opts.statements - 2);
    const latencies: number[] = [];
    const once = async () => {
      const client = await pool.connect();
      try {
        await client.query('begin');
        for (let s = 0; s < inserts; s++) {
          await client.query('insert into bare_rows (id, at, body) values ($1, now(), $2)', [
            randomUUID(),
            'baris uji',
          ]);
        }
        await client.query('commit');
      } finally {
        client.release();
      }
    };
    await runPool(50, opts.concurrency, once);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const done = await runPool(
      Number.MAX_SAFE_INTEGER,
      opts.concurrency,
      async () => {
        const t = performance.now();
        await once();
        latencies.push(performance.now() - t);
      },
      Date.now() + opts.durationMs,
    );
    const elapsedMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    return {
      transactions: done,
      perSecond: done / (elapsedMs / 1000),
      latencyMs: summarize(latencies),
      cpuMsPerTransaction: (cpu.user + cpu.system) / 1000 / Math.max(1, done),
    };
  } finally {
    await pool.end();
    await database.close();
  }
}

/**
 * How many statements `work` sends to Postgres (BEGIN and COMMIT included), counted at
 * node-postgres's Client.query, through which drizzle and every pool query go. Only calls made
 * from `work`'s own async context count, up to its first COMMIT: the app's workers run
 * meanwhile, and an outbox job woken by what `work` queued after its commit can run in that context.
 */
export async function countStatements(work: () => Promise<unknown>): Promise<number> {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  const mine = new AsyncLocalStorage<true>();
  let n = 0;
  let committed = false;
  proto.query = function (this: unknown, ...args: unknown[]) {
    if (mine.getStore() && !committed) {
      n++;
      const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: unknown } | undefined)?.text;
      committed = typeof text === 'string' && text.trim().toLowerCase() === 'commit';
    }
    return original.apply(this, args);
  };
  try {
    await mine.run(true, work);
  } finally {
    proto.query = original;
    // An enabled AsyncLocalStorage keeps Node's promise hooks on for the rest of the process, a
    // cost on every promise of the submissions measured after this count.
    mine.disable();
  }
  return n;
}
