/**
 * `npm run bench`: engine transitions/s (pure), case submissions/s on Postgres, and the lateness
 * of 10,000 step timers due in the same minute. Needs Postgres on 127.0.0.1:5432 (trust auth, a
 * "test" database to connect to, as for the tests) and Redis on 127.0.0.1:6379. Every phase is
 * bounded in count and in time; the databases and Redis keys it makes are removed at the end.
 *
 * Knobs (environment, all optional): BENCH_ONLY=engine,submit,timers,telegram; BENCH_TRANSITIONS;
 * BENCH_SUBMISSIONS; BENCH_CONCURRENCY; BENCH_TIMERS; BENCH_WINDOW_S; BENCH_LEAD_S (setup time
 * before the timer window opens); BENCH_TIMER_SENDS=0 (reminders not sent); BENCH_LOG_LEVEL (the app's log level, default warn).
 */
import { availableParallelism, loadavg } from 'node:os';
import { measureConsole } from './console.js';
import { type EngineThroughput, measureEngineThroughput } from './engine-throughput.js';
import { benchSop, fmt, runCleanups } from './harness.js';
import { measureSubmissionThroughput, type SubmissionThroughput } from './submission-throughput.js';
import { measureTelegram } from './telegram.js';
import { measureTimerLateness, type TimerLateness } from './timer-lateness.js';

const int = (name: string, fallback: number, max: number): number => {
  const raw = process.env[name];
  const n = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(n) || n <= 0 || n > max) throw new Error(`${name} must be an integer in 1..${max}`);
  return n;
};

const settings = {
  only: new Set((process.env.BENCH_ONLY ?? 'engine,submit,timers,telegram').split(',').map((s) => s.trim())),
  transitions: int('BENCH_TRANSITIONS', 200_000, 5_000_000),
  submissions: int('BENCH_SUBMISSIONS', 2_000, 50_000),
  concurrency: int('BENCH_CONCURRENCY', 16, 256),
  timers: int('BENCH_TIMERS', 10_000, 50_000),
  windowS: int('BENCH_WINDOW_S', 60, 300),
  leadS: int('BENCH_LEAD_S', 60, 300),
  /** BENCH_TIMER_SENDS=0: reminders are not sent (no chats), to see the timers' own cost. */
  timerSends: process.env.BENCH_TIMER_SENDS !== '0',
};

/** Nothing may keep the process alive past this. */
const HARD_CAP_MS = 8 * 60_000;
const TARGET_P99_MS = 1000;

let stopping = false;
async function stop(code: number, why: string): Promise<never> {
  if (!stopping) {
    stopping = true;
    console.error(`\n${why}: cleaning up…`);
    await runCleanups();
  }
  process.exit(code);
}
process.on('SIGINT', () => void stop(130, 'interrupted'));
process.on('SIGTERM', () => void stop(143, 'terminated'));
setTimeout(() => void stop(2, `the bench ran past its ${HARD_CAP_MS / 60_000} min cap`), HARD_CAP_MS).unref();

const line = (label: string, value: string) => console.log(`  ${label.padEnd(46)} ${value}`);
const ms = (n: number) => `${fmt(n)} ms`;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

async function main(): Promise<void> {
  const startedAt = Date.now();
  const { sop, dir, note } = benchSop();
  console.log(`SIPUT bench — node ${process.version}, ${availableParallelism()} CPUs, load average ${load()}`);
  console.log(`SOP: ${sop.id}@${sop.version} from ${note}\n`);

  let engine: EngineThroughput | undefined;
  let submit: SubmissionThroughput | undefined;
  let timers: TimerLateness | undefined;

  if (settings.only.has('engine')) {
    console.log('1. engine (pure apply: submit, then act until closed; office hours + shipped holidays)');
    engine = measureEngineThroughput({
      sop,
      transitions: settings.transitions,
      capMs: 15_000,
      warmup: Math.min(20_000, settings.transitions),
    });
    const capped = engine.cappedByTime ? ', stopped by the 15 s cap' : '';
    line('transitions', `${fmt(engine.transitions)} (${fmt(engine.cases)} cases)${capped}`);
    line('elapsed', ms(engine.elapsedMs));
    line('transitions/s', fmt(engine.perSecond));
    line('ns/transition', fmt(engine.nsPerTransition));
    console.log('');
  }

  if (settings.only.has('submit')) {
    console.log(`2. submissions (CaseService.submit on Postgres, ${settings.concurrency} concurrent, workers on)`);
    submit = await measureSubmissionThroughput({
      sop,
      sopsDir: dir,
      submissions: settings.submissions,
      concurrency: settings.concurrency,
      warmup: 100,
      capMs: 60_000,
    });
    line('submitted', `${fmt(submit.submitted)}${submit.cappedByTime ? ' (stopped by the 60 s cap)' : ''}`);
    line('elapsed', ms(submit.elapsedMs));
    line('submissions/s', fmt(submit.perSecond));
    line(
      'latency',
      `p50 ${ms(submit.latencyMs.p50)}, p99 ${ms(submit.latencyMs.p99)}, max ${ms(submit.latencyMs.max)}`,
    );
    line('postgres pool (service default)', String(submit.pool));
    line('outbox sends meanwhile (log channel)', fmt(submit.messagesSentDuring));
    console.log('');
  }

  if (settings.only.has('timers')) {
    console.log(
      `3. timers (${fmt(settings.timers)} deadlines spread evenly over ${settings.windowS} s; the window opens ${settings.leadS} s after the setup starts)`,
    );
    timers = await measureTimerLateness({
      timers: settings.timers,
      windowMs: settings.windowS * 1000,
      leadMs: settings.leadS * 1000,
      officials: 20,
      graceMs: 60_000,
      sends: settings.timerSends,
    });
    line(
      'setup (fresh db, app, cases, jobs)',
      `${ms(timers.setupMs)}, done ${fmt(timers.setupSlackMs / 1000, 1)} s before the window`,
    );
    if (timers.queuedLate > 0) {
      line('timers queued after their own deadline', `${fmt(timers.queuedLate)} (setup too slow; left out)`);
    }
    line('timer worker concurrency (app default)', String(timers.timerConcurrency));
    line('outbox worker concurrency, log channel', String(timers.outboxConcurrency));
    line('postgres pool (service default)', String(timers.pool));
    line('reminders fired (engine ran)', `${fmt(timers.fired)} / ${fmt(timers.timers)}`);
    line(
      'lateness at the engine (at − due_at)',
      `p50 ${ms(timers.firedLateMs.p50)}, p99 ${ms(timers.firedLateMs.p99)}, max ${ms(timers.firedLateMs.max)}`,
    );
    line(
      'last reminder ran, after the window closed',
      timers.lastFiredAfterWindowMs > 0 ? `${fmt(timers.lastFiredAfterWindowMs / 1000, 1)} s` : 'none: all within it',
    );
    line('process CPU per reminder (window → last fired)', `${fmt(timers.cpuMsPerTimer, 2)} ms`);
    line('event-loop delay meanwhile', `p99 ${ms(timers.loopDelayP99Ms)}, max ${ms(timers.loopDelayMaxMs)}`);
    if (settings.timerSends) {
      line('reminders sent by the outbox', `${fmt(timers.sent)} / ${fmt(timers.timers)}`);
      line(
        'lateness of the send (sent_at − due_at)',
        `p50 ${ms(timers.sentLateMs.p50)}, p99 ${ms(timers.sentLateMs.p99)}, max ${ms(timers.sentLateMs.max)}`,
      );
    } else {
      line('reminders sent by the outbox', 'none: officials have no chat (BENCH_TIMER_SENDS=0)');
    }
    if (timers.firedLateMs.min < 0) console.log('  ! some reminders ran before their deadline');
    console.log('');
  }

  // --- telegram (bench/telegram.ts) ------------------------------------------------------------
  if (settings.only.has('telegram')) {
    const updates = int('BENCH_TG_UPDATES', 3000, 50_000);
    const sends = int('BENCH_TG_SENDS', 600, 5000);
    console.log(`4. telegram (real telegraf against the Bot API emulator on 127.0.0.1)`);
    const tg = await measureTelegram({ updates, people: Math.min(300, updates), sends, capMs: 25_000 });
    line('updates handled (getUpdates → telegraf → flows)', `${fmt(tg.inbound.handled)} / ${fmt(updates)}`);
    line('updates/s (Postgres, outbox off)', `${fmt(tg.inbound.perSecond)} in ${ms(tg.inbound.elapsedMs)}`);
    const share = (tg.outbound.perSecond / tg.outbound.cap) * 100;
    const ok = share >= 95 && tg.outbound.rateLimited === 0 && tg.outbound.sent === tg.outbound.sends;
    line('outbox sends to distinct chats', `${fmt(tg.outbound.sent)} / ${fmt(tg.outbound.sends)}`);
    line(
      `sent rate against a ${tg.outbound.cap}/s cap (sliding second)`,
      `${fmt(tg.outbound.perSecond, 1)}/s = ${fmt(share, 1)}% of the cap, ${fmt(tg.outbound.rateLimited)} × 429, busiest second ${tg.outbound.busiestSecond} — target ≥ 95%, no 429: ${ok ? 'OK' : 'MISSED'}`,
    );
    console.log('');
  }
  // --- end telegram ------------------------------------------------------------------------------

  // --- console (bench/console.ts): tracking table, reports, CSV export at 100k cases ------------
  // Runs unless BENCH_ONLY leaves "console" out. BENCH_CONSOLE_CASES (default 100,000; 10 step
  // instances each), BENCH_CONSOLE_REQUESTS (default 30 per page).
  if (!process.env.BENCH_ONLY || settings.only.has('console')) {
    const cases = int('BENCH_CONSOLE_CASES', 100_000, 1_000_000);
    const requests = int('BENCH_CONSOLE_REQUESTS', 30, 1000);
    console.log(`5. console (${fmt(cases)} cases, ${fmt(cases * 10)} step instances, seeded in SQL)`);
    const c = await measureConsole({ cases, stepsPerCase: 10, requests });
    const verdict = (value: number, target: number) =>
      `target < ${fmt(target)} ms: ${value < target ? 'OK' : 'MISSED'}`;
    const page = (t: { p50: number; p95: number; max: number }) =>
      `p50 ${ms(t.p50)}, p95 ${ms(t.p95)}, max ${ms(t.max)}`;
    line(
      'seeded (cases, steps, engine events)',
      `${fmt(c.cases)}, ${fmt(c.steps)}, ${fmt(c.events)} in ${ms(c.seedMs)}`,
    );
    line('tracking, first page', `${page(c.firstPage)} — p95 ${verdict(c.firstPage.p95, 150)}`);
    line(
      'tracking, filtered (SOP, open, unit, overdue, by due)',
      `${page(c.filteredPage)} — p95 ${verdict(c.filteredPage.p95, 150)}`,
    );
    line('tracking, ticket search', page(c.searchPage));
    line(`tracking, page ${fmt(Math.floor(cases / 100))} (offset ${fmt(Math.floor(cases / 2))})`, page(c.deepPage));
    line('case page (open case, whole timeline)', page(c.casePage));
    line('annual report page, first request', `${ms(c.annualFirstMs)} — ${verdict(c.annualFirstMs, 2000)}`);
    line('annual report page, warm', `${page(c.annual)} — max ${verdict(c.annual.max, 2000)}`);
    line(
      'CSV export of every case (streamed over a socket)',
      `${fmt(c.csv.rows)} rows, ${fmt(c.csv.bytes / 1024 / 1024, 1)} MB in ${ms(c.csv.ms)}`,
    );
    line(
      'RSS during the export (before → peak)',
      `${fmt(c.csv.rssBeforeMb)} → ${fmt(c.csv.rssPeakMb)} MB (+${fmt(c.csv.rssPeakMb - c.csv.rssBeforeMb)} MB)`,
    );
    line(
      'live JS heap during the export (before → peak)',
      `${fmt(c.csv.heapBeforeMb)} → ${fmt(c.csv.heapPeakMb)} MB (+${fmt(c.csv.heapPeakMb - c.csv.heapBeforeMb)} MB)`,
    );
    console.log('');
  }
  // --- end console -------------------------------------------------------------------------------

  const rssMb = process.resourceUsage().maxRSS / 1024;
  console.log('summary');
  if (engine) line('engine transitions/s', `${fmt(engine.perSecond)} (${fmt(engine.nsPerTransition)} ns/transition)`);
  if (submit) {
    line(
      `submissions/s (Postgres, ${settings.concurrency} concurrent)`,
      `${fmt(submit.perSecond)} (p50 ${ms(submit.latencyMs.p50)}, p99 ${ms(submit.latencyMs.p99)})`,
    );
  }
  if (timers) {
    const missing = timers.timers - timers.fired;
    const verdict =
      missing > 0 ? `MISSED (${fmt(missing)} never fired)` : timers.firedLateMs.p99 < TARGET_P99_MS ? 'OK' : 'MISSED';
    line(
      `timer lateness (${fmt(timers.timers)} timers, ${fmt(timers.windowMs / 1000)} s window)`,
      `p50 ${ms(timers.firedLateMs.p50)}, p99 ${ms(timers.firedLateMs.p99)}, max ${ms(timers.firedLateMs.max)}` +
        ` — target p99 < ${TARGET_P99_MS} ms: ${verdict}`,
    );
  }
  line('peak RSS', `${fmt(rssMb)} MB`);
  line('load average at the end (1, 5, 15 min)', load());
  line('total run time', `${fmt((Date.now() - startedAt) / 1000, 1)} s`);
}

try {
  await main();
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await runCleanups();
}
