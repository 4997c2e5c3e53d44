import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { and, count, eq } from 'drizzle-orm';
import { UnitCalendars } from '../src/cases/calendars.js';
import { type NewCase, saveNewCases } from '../src/cases/case-store.js';
import { loadDirectory } from '../src/cases/directory-loader.js';
import { linkChannel } from '../src/db/officials.js';
import { caseEvents, messages, stepInstances, units } from '../src/db/schema.js';
import { outboxQueueName, TIMERS_QUEUE } from '../src/jobs/queues.js';
import { loadSopFolder } from '../src/sop/catalog.js';
import type { Directory } from '../src/sop/directory.js';
import type { Effect } from '../src/sop/effects.js';
import { apply, type EngineContext, stepOf } from '../src/sop/engine.js';
import { ALWAYS_WORKING } from '../src/sop/working-calendar.js';
import {
  addOfficials,
  DEFAULT_POOL,
  freshDatabase,
  NO_HOLIDAYS_FILE,
  runPool,
  type Summary,
  sleep,
  startBenchApp,
  summarize,
  TIMER_SOPS_DIR,
  withStallWatch,
} from './harness.js';

export interface TimerLatenessOptions {
  readonly timers: number;
  /** Deadlines are spread evenly over this window. */
  readonly windowMs: number;
  /** Time from the start of the setup to the window's opening: the setup must be done by then. */
  readonly leadMs: number;
  /** Officials in all (spread over the units), each with one chat: the reminders spread over them. */
  readonly officials: number;
  /** How long after the window closes to wait for stragglers before giving up. */
  readonly graceMs: number;
  /** False: the officials get no chat, so reminders are written undeliverable and nothing is sent. */
  readonly sends: boolean;
}

export interface TimerLateness {
  readonly timers: number;
  readonly windowMs: number;
  /** Reminders whose engine transition ran: lateness = case_events.at − step_instances.due_at. */
  readonly fired: number;
  /** Reminders that ran more than once for the same step: must be 0. */
  readonly doubled: number;
  /** Reminders fired per second, from the window's opening to the last one. */
  readonly firedPerSecond: number;
  readonly firedLateMs: Summary;
  /** Reminders the outbox then sent: messages.sent_at − due_at. */
  readonly sent: number;
  readonly sentLateMs: Summary;
  /** When the last reminder ran, after the window closed. */
  readonly lastFiredAfterWindowMs: number;
  /** The process's CPU time (user + system) from the window's opening to the last reminder, per reminder. */
  readonly cpuMsPerTimer: number;
  /** Event-loop delay over the same span: how long a ready timer job can wait for the process. */
  readonly loopDelayP99Ms: number;
  readonly loopDelayMaxMs: number;
  readonly timerConcurrency: number;
  readonly outboxConcurrency: number;
  readonly pool: number;
  /** How long before the window opened the setup was done (negative: it ran into the window). */
  readonly setupSlackMs: number;
  /** Timers queued only after their own deadline (setup too slow); left out of the figures. */
  readonly queuedLate: number;
  readonly setupMs: number;
}

/** One unit per setup lane, each with its own officials, so lanes never wait on each other's rows. */
const UNITS = ['bench-24x7-a', 'bench-24x7-b', 'bench-24x7-c', 'bench-24x7-d'];
const SOP_ID = 'bench-timer';
/** Cases written per setup transaction. */
const BATCH = 500;

/**
 * Lateness of step deadlines that all come due within one window, end to end: open cases in
 * Postgres, one delayed BullMQ job per deadline, the app's own timer worker dispatching each into
 * CaseService and the engine, which writes a 'reminded' audit row stamped with its `now`.
 *
 * The 10,000 cases are set up with the rows CaseService.submit writes (the engine's submit
 * transition) but BATCH cases per transaction and a statement per table (the case store's
 * saveNewCases), their timers queued with one addBulk per batch (JobQueues.scheduleMany), in
 * four lanes (one unit each, so no two transactions stamp the same official's lastAssignedAt),
 * and with each case's own clock: a case is opened exactly waktu (300 s) before the deadline
 * the bench wants for it. Filing them one by one through submit would take minutes here, and
 * even a statement per row outlasted the lead on a loaded machine (submissions are measured on
 * their own, above). The
 * deadline is an absolute time and the job's delay is computed from the real clock, so what is
 * measured is how late the service runs a deadline, not how the cases came to exist.
 *
 * The officials get their chat links only after the setup: the setup's "step.assigned"
 * messages are written as undeliverable rows instead of queuing 10,000 sends that would still be
 * draining in the window. In the window the load is the timers' own: their transitions and the
 * reminders the outbox sends.
 */
export async function measureTimerLateness(opts: TimerLatenessOptions): Promise<TimerLateness> {
  const sop = loadSopFolder(TIMER_SOPS_DIR).find((s) => s.id === SOP_ID);
  if (!sop) throw new Error(`no SOP ${SOP_ID} in ${TIMER_SOPS_DIR}`);
  const waktu = stepOf(sop, sop.start).waktu;
  if (waktu.unit !== 'second') throw new Error(`${SOP_ID}: the first step's waktu must be in seconds`);
  const waktuMs = waktu.amount * 1000;

  const setupStarted = Date.now();
  const windowStart = setupStarted + opts.leadMs;
  const dueAt = (i: number) => windowStart + Math.floor((i * opts.windowMs) / opts.timers);

  const database = await freshDatabase();
  try {
    await database.db.insert(units).values(
      UNITS.map((id) => ({
        id,
        name: `Unit uji beban 24 jam ${id}`,
        timeZone: 'Asia/Jakarta',
        workingHours: ALWAYS_WORKING,
      })),
    );
    const bench = await startBenchApp(database, {
      sopsDir: TIMER_SOPS_DIR,
      holidaysFile: NO_HOLIDAYS_FILE,
      defaultUnit: UNITS[0],
    });
    try {
      const { app } = bench;
      const timerWorker = app.workers.find((w) => w.name === TIMERS_QUEUE);
      const outboxWorker = app.workers.find((w) => w.name === outboxQueueName('log'));
      if (!timerWorker) throw new Error('the app started no timer worker');
      const perUnit = Math.max(1, Math.round(opts.officials / UNITS.length));
      const officials: string[] = [];
      for (const unit of UNITS) {
        for (const ids of (await addOfficials(app, sop, unit, perUnit, null)).values()) officials.push(...ids);
      }

      // The units' calendar as the app builds it: round the clock, no holidays (the same for all).
      const calendar = await new UnitCalendars(app.database.db, [], 'WIB').for(UNITS[0] ?? '');
      let directory = await loadDirectory(app.database.db, new Date());
      const year = new Date(setupStarted).getUTCFullYear();
      let queuedLate = 0;
      const lateSteps = new Set<string>();
      /** Cases committed, and those whose timers are queued: the setup's progress as the stall watch sees it. */
      let written = 0;
      let scheduled = 0;

      const fileBatch = async (batch: number, unitId: string) => {
        const first = batch * BATCH;
        const last = Math.min(opts.timers, first + BATCH);
        const filed: NewCase[] = [];
        const due: { instanceId: string; at: number }[] = [];
        for (let i = first; i < last; i++) {
          const at = dueAt(i);
          const ctx: EngineContext = { sop, calendar, directory };
          const { state, effects } = apply(
            null,
            {
              type: 'submit',
              caseId: randomUUID(),
              ticket: `${sop.ticketPrefix}-${year}-${String(i + 1).padStart(6, '0')}`,
              unitId,
              stakeholderId: null,
              openedBy: 'bench',
            },
            new Date(at - waktuMs),
            ctx,
          );
          const open = state.openStep;
          if (!open || open.dueAt.getTime() !== at) throw new Error(`case ${i}: its deadline is not ${at}`);
          directory = recordAssignments(directory, effects);
          const intake = {
            category: null,
            subject: `Uji pengingat ${i}`,
            body: null,
            channel: null,
            openedBy: 'bench',
          };
          filed.push({ after: state, effects, intake });
          due.push({ instanceId: open.instanceId, at });
        }
        const saved = await app.database.db.transaction((tx) => saveNewCases(tx, filed));
        written += filed.length;
        await app.queues.scheduleMany([saved]);
        for (const d of due) {
          if (Date.now() >= d.at) {
            queuedLate++;
            lateSteps.add(d.instanceId);
          }
        }
        scheduled += filed.length;
      };
      const batches = Math.ceil(opts.timers / BATCH);
      await withStallWatch(
        'setting up the timer cases',
        database.name,
        () => written + scheduled,
        15_000,
        runPool(UNITS.length, UNITS.length, async (lane) => {
          for (let batch = lane; batch < batches; batch += UNITS.length) await fileBatch(batch, UNITS[lane] ?? '');
        }),
      );

      // Every case has its one timer queued, each job id once.
      const jobs = await app.queues.timers.getJobCounts('delayed', 'wait', 'active', 'completed', 'failed');
      const queued = Object.values(jobs).reduce((s, n) => s + n, 0);
      if (queued !== opts.timers) {
        throw new Error(`expected ${opts.timers} timer jobs in Redis, found ${JSON.stringify(jobs)}`);
      }
      if (opts.sends) {
        for (const id of officials) await linkChannel(app.database.db, { kind: 'official', id }, 'log', `chat-${id}`);
      }
      const setupDone = Date.now();

      // From the window's opening: the process's CPU time and event-loop delay (the app and the
      // bench share the process; the bench only polls two counts a second).
      await sleep(Math.max(0, windowStart - Date.now()));
      const loopDelay = monitorEventLoopDelay({ resolution: 10 });
      loopDelay.enable();
      const cpuAtOpen = process.cpuUsage();
      let cpuUntilFired: NodeJS.CpuUsage | undefined;

      // Wait for the window to pass, then for the stragglers, bounded.
      const giveUpAt = windowStart + opts.windowMs + opts.graceMs;
      for (;;) {
        const fired = await countReminded(app.database.db);
        if (fired >= opts.timers && !cpuUntilFired) {
          cpuUntilFired = process.cpuUsage(cpuAtOpen);
          loopDelay.disable();
        }
        const sent = opts.sends ? await countSent(app.database.db) : 0;
        if ((fired >= opts.timers && (!opts.sends || sent >= opts.timers)) || Date.now() > giveUpAt) break;
        await sleep(1000);
      }
      loopDelay.disable();
      cpuUntilFired ??= process.cpuUsage(cpuAtOpen);

      const firedRows = await app.database.db
        .select({ id: stepInstances.id, due: stepInstances.dueAt, at: caseEvents.at })
        .from(caseEvents)
        .innerJoin(stepInstances, eq(stepInstances.id, caseEvents.instanceId))
        .where(eq(caseEvents.kind, 'reminded'));
      const sentRows = await app.database.db
        .select({ id: stepInstances.id, due: stepInstances.dueAt, sentAt: messages.sentAt })
        .from(messages)
        .innerJoin(stepInstances, eq(stepInstances.id, messages.instanceId))
        .where(and(eq(messages.template, 'step.reminder'), eq(messages.status, 'sent')));
      const counted = <T extends { id: string }>(rows: readonly T[]) => rows.filter((r) => !lateSteps.has(r.id));
      const lastFired = firedRows.reduce((m, r) => Math.max(m, r.at.getTime()), 0);
      const steps = new Set(firedRows.map((r) => r.id));

      return {
        timers: opts.timers,
        windowMs: opts.windowMs,
        fired: steps.size,
        doubled: firedRows.length - steps.size,
        firedPerSecond: firedRows.length / (Math.max(1, lastFired - windowStart) / 1000),
        firedLateMs: summarize(counted(firedRows).map((r) => r.at.getTime() - r.due.getTime())),
        sent: sentRows.length,
        sentLateMs: summarize(
          counted(sentRows).flatMap((r) => (r.sentAt ? [r.sentAt.getTime() - r.due.getTime()] : [])),
        ),
        lastFiredAfterWindowMs: lastFired - (windowStart + opts.windowMs),
        cpuMsPerTimer: (cpuUntilFired.user + cpuUntilFired.system) / 1000 / Math.max(1, firedRows.length),
        loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
        loopDelayMaxMs: loopDelay.max / 1e6,
        timerConcurrency: timerWorker.concurrency,
        outboxConcurrency: outboxWorker?.concurrency ?? 0,
        pool: DEFAULT_POOL,
        setupSlackMs: windowStart - setupDone,
        queuedLate,
        setupMs: setupDone - setupStarted,
      };
    } finally {
      await bench.close();
    }
  } finally {
    await database.close();
  }
}

/** What the case store does with 'assigned' effects, in memory: round-robin moves on. */
function recordAssignments(directory: Directory, effects: readonly Effect[]): Directory {
  let officials = directory.officials;
  for (const effect of effects) {
    if (effect.type !== 'assigned') continue;
    officials = officials.map((o) => (o.id === effect.officialId ? { ...o, lastAssignedAt: effect.at } : o));
  }
  return { ...directory, officials };
}

type Db = Parameters<typeof linkChannel>[0];

async function countReminded(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(caseEvents).where(eq(caseEvents.kind, 'reminded'));
  return row?.n ?? 0;
}

async function countSent(db: Db): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(messages)
    .where(and(eq(messages.template, 'step.reminder'), eq(messages.status, 'sent')));
  return row?.n ?? 0;
}
