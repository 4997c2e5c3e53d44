import { performance } from 'node:perf_hooks';
import { count, eq, inArray } from 'drizzle-orm';
import { linkChannel } from '../src/db/officials.js';
import { cases, messages, stakeholders } from '../src/db/schema.js';
import type { SopDefinition } from '../src/sop/definition.js';
import { countStatements } from './baselines.js';
import {
  addOfficials,
  DEFAULT_POOL,
  freshDatabase,
  runPool,
  type Summary,
  sleep,
  startBenchApp,
  summarize,
  withStallWatch,
} from './harness.js';

export interface SubmissionThroughputOptions {
  readonly sop: SopDefinition;
  readonly sopsDir: string;
  readonly submissions: number;
  readonly concurrency: number;
  readonly warmup: number;
  /** Stop submitting after this long even if `submissions` is not reached. */
  readonly capMs: number;
  /** Run right before the measured submissions, given the statements one submission sends (the bare baseline). */
  readonly before?: (statements: number) => Promise<{ perSecond: number }>;
}

export interface SubmissionThroughput {
  readonly submitted: number;
  readonly elapsedMs: number;
  readonly perSecond: number;
  readonly latencyMs: Summary;
  readonly pool: number;
  readonly cappedByTime: boolean;
  /** Outbox messages sent by the log channel while the submissions ran. */
  readonly messagesSentDuring: number;
  /** Statements one submission sends to Postgres, BEGIN and COMMIT included: the bare baseline's size. */
  readonly statements: number;
  /** The `before` run's rate, when there was one. */
  readonly bareBefore: number | undefined;
  /**
   * This process's CPU (user + system) per submission while they ran, the outbox's sends of their
   * messages meanwhile included: on a shared machine the figure that moves least with the load.
   */
  readonly cpuMsPerSubmission: number;
  /**
   * The same until the outbox had sent every message of theirs (DRAIN_MS at most): what a
   * submission costs whole, however far the sends fell behind while they ran.
   */
  readonly cpuMsPerSubmissionSent: number;
}

const UNIT = 'ortala';
const STAKEHOLDERS = 100;
/** A phase in which no submission finishes for this long is stuck: it is reported, not waited out. */
const STALL_MS = 15_000;
/** The longest wait for the outbox to send the warm-up's messages before the bare run. */
const DRAIN_MS = 60_000;

/**
 * Case submissions end to end: CaseService.submit on a running app (workers on) over a fresh
 * Postgres database, each a transaction with ticket number, engine transition, step, audit and
 * outbox rows, then the timer job queued in Redis and the messages sent through the log channel
 * by the same process (at once, with a handover job per commit), as it would in service.
 */
export async function measureSubmissionThroughput(opts: SubmissionThroughputOptions): Promise<SubmissionThroughput> {
  const database = await freshDatabase();
  try {
    // DEFAULT_UNIT "ortala" is created by the app with the default office hours and the shipped holidays.
    const bench = await startBenchApp(database, { sopsDir: opts.sopsDir, defaultUnit: UNIT });
    try {
      const { app } = bench;
      await addOfficials(app, opts.sop, UNIT, 2, 'log');
      const stakeholderIds: (string | null)[] = [null];
      if (opts.sop.intake === 'stakeholder') {
        stakeholderIds.length = 0;
        for (let i = 1; i <= STAKEHOLDERS; i++) {
          const id = `bench-stakeholder-${i}`;
          await app.database.db.insert(stakeholders).values({ id, name: `Pemangku ${i}` });
          await linkChannel(app.database.db, { kind: 'stakeholder', id }, 'log', `chat-${id}`);
          stakeholderIds.push(id);
        }
      }

      const submitOne = (key: string, i: number) =>
        app.cases.submit({
          sopId: opts.sop.id,
          unitId: UNIT,
          stakeholderId: stakeholderIds[i % stakeholderIds.length] ?? null,
          category: 'keluhan',
          subject: `Uji beban ${i}`,
          body: 'Isi keluhan untuk uji beban',
          channel: 'log',
          idempotencyKey: key,
        });

      let finished = 0;
      const watched = <T>(what: string, work: Promise<T>) =>
        withStallWatch(what, database.name, () => finished, STALL_MS, work);
      await watched(
        'warm-up submissions',
        runPool(opts.warmup, opts.concurrency, async (i) => {
          await submitOne(`warmup-${i}`, i);
          finished++;
        }),
      );
      const statements = await countStatements(() => submitOne('statements', opts.warmup));
      // The bare run before gets the same quiet process as the one after (the app closed), not a
      // CPU shared with the outbox still sending the warm-up's messages.
      await outboxDrained(app.database.db, DRAIN_MS);
      const bareBefore = (await opts.before?.(statements))?.perSecond;
      const sentBefore = await sentCount(app.database.db);

      const latencies: number[] = [];
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      const deadline = Date.now() + opts.capMs;
      const submitted = await watched(
        'submissions',
        runPool(
          opts.submissions,
          opts.concurrency,
          async (i) => {
            const t = performance.now();
            await submitOne(`bench-${i}`, i);
            latencies.push(performance.now() - t);
            finished++;
          },
          deadline,
        ),
      );
      const elapsedMs = performance.now() - started;
      const cpu = process.cpuUsage(cpuBefore);
      const [row] = await app.database.db.select({ n: count() }).from(cases);
      if ((row?.n ?? 0) !== opts.warmup + 1 + submitted) {
        throw new Error(`expected ${opts.warmup + 1 + submitted} cases in the database, found ${row?.n}`);
      }
      const messagesSentDuring = (await sentCount(app.database.db)) - sentBefore;
      await outboxDrained(app.database.db, DRAIN_MS);
      const cpuSent = process.cpuUsage(cpuBefore);
      return {
        submitted,
        elapsedMs,
        perSecond: submitted / (elapsedMs / 1000),
        latencyMs: summarize(latencies),
        pool: DEFAULT_POOL,
        cappedByTime: submitted < opts.submissions,
        messagesSentDuring,
        statements,
        bareBefore,
        cpuMsPerSubmission: (cpu.user + cpu.system) / 1000 / Math.max(1, submitted),
        cpuMsPerSubmissionSent: (cpuSent.user + cpuSent.system) / 1000 / Math.max(1, submitted),
      };
    } finally {
      await bench.close();
    }
  } finally {
    await database.close();
  }
}

/** Waits until no message is waiting or being sent, or `ms` passed. */
async function outboxDrained(db: Parameters<typeof linkChannel>[0], ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const [row] = await db
      .select({ n: count() })
      .from(messages)
      .where(inArray(messages.status, ['pending', 'sending']));
    if ((row?.n ?? 0) === 0 || Date.now() > until) return;
    await sleep(250);
  }
}

async function sentCount(db: Parameters<typeof linkChannel>[0]): Promise<number> {
  const [row] = await db.select({ n: count() }).from(messages).where(eq(messages.status, 'sent'));
  return row?.n ?? 0;
}
