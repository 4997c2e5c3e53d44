import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { startApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { addOfficial, linkChannel } from '../src/db/officials.js';
import { caseEvents, stepInstances, units } from '../src/db/schema.js';
import { createLogger } from '../src/log.js';
import { ALWAYS_WORKING } from '../src/sop/working-calendar.js';
import { type Shape, startTopology } from '../test/support/topology.js';
import { WebChatClient } from '../test/support/web-chat-client.js';
import {
  fmt,
  freshDatabase,
  KILAT_SOPS_DIR,
  NO_HOLIDAYS_FILE,
  onCleanup,
  REDIS_URL,
  removeRedisKeys,
  runPool,
  type Summary,
  sleep,
  summarize,
} from './harness.js';

export interface ScaleOutOptions {
  /** Web chats filing complaints at once, through every web process in turn. */
  readonly chats: number;
  /** How long the chats keep filing. */
  readonly submitMs: number;
  /** Cases filed together whose deadlines then fall due together. */
  readonly burst: number;
  /** How long to wait for the burst's reminders before giving up. */
  readonly graceMs: number;
}

export interface ScaleOutRun {
  readonly shape: string;
  readonly startMs: number;
  /** Complaints filed through the web chat (menu to receipt, over HTTP), per second. */
  readonly complaintsPerSecond: number;
  readonly complaints: number;
  /** Lateness of each step's first reminder after its deadline (case_events.at − due_at). */
  readonly burstLateMs: Summary;
  readonly reminded: number;
  /** Steps reminded more often than the SOP's ladder says: must be 0. */
  readonly doubled: number;
  readonly filedPerSecond: number;
}

const UNIT = 'kilat';
const SOP = 'kilat';
/** The kilat SOP's reminder rungs: at the deadline and a second later. */
const REMINDERS_PER_STEP = 2;

/**
 * The service as processes (`node --import tsx src/main.ts`, one ROLE each) on a fresh database
 * and its own Redis prefix, from this process: web chats file complaints over HTTP for a while,
 * then a burst of cases on the seconds-long "kilat" SOP is filed straight into the database and
 * queues, and the workers fire its deadlines. The same run on one ROLE=all process is the baseline.
 */
export async function measureScaleOut(shape: Shape, opts: ScaleOutOptions): Promise<ScaleOutRun> {
  const database = await freshDatabase();
  const prefix = `siput-bench-${randomUUID()}`;
  try {
    await database.db.insert(units).values({ id: UNIT, name: 'Unit uji beban', workingHours: ALWAYS_WORKING });
    const officials = [
      { nip: '3', roleId: 'pimpinan' },
      ...[1, 2].map((k) => ({ nip: `2${k}`, roleId: 'kepala', superiorNip: '3' })),
      ...[1, 2, 3, 4, 5, 6, 7, 8].map((p) => ({ nip: `1${p}`, roleId: 'pelaksana', superiorNip: `2${(p % 2) + 1}` })),
    ];
    for (const o of officials) {
      const id = await addOfficial(database.db, { ...o, name: `${o.roleId} ${o.nip}`, unitId: UNIT });
      await linkChannel(database.db, { kind: 'official', id }, 'web', `official-${o.nip}`);
    }
    const settings = {
      SOPS_DIR: KILAT_SOPS_DIR,
      HOLIDAYS_FILE: NO_HOLIDAYS_FILE,
      DEFAULT_UNIT: UNIT,
      COMPLAINT_SOP: SOP,
    };
    const started = Date.now();
    const topology = await startTopology(shape, {
      ...settings,
      DATABASE_URL: database.url,
      REDIS_URL,
      REDIS_PREFIX: prefix,
      // Info at least: a worker's "started" line is how the bench knows it is up.
      LOG_LEVEL: 'info',
      CHAT_MESSAGES_PER_MINUTE_PER_ADDRESS: '100000',
      CHAT_MESSAGES_PER_MINUTE: '10000',
      NODE_ENV: 'production',
    });
    const stop = onCleanup('stop the processes', async () => {
      await topology.stop();
    });
    const startMs = Date.now() - started;
    try {
      // Complaints over HTTP, each chat's requests spread over the web processes.
      const webs = topology.webs.map((p) => p.base);
      let complaints = 0;
      const submitStart = Date.now();
      const until = submitStart + opts.submitMs;
      await Promise.all(
        Array.from({ length: opts.chats }, async (_, lane) => {
          while (Date.now() < until) {
            const chat = new WebChatClient(lane % 2 ? webs : [...webs].reverse());
            await chat.fileComplaint(`Keluhan uji beban ${lane}`, 'KLT');
            complaints++;
          }
        }),
      );
      const complaintsPerSecond = complaints / ((Date.now() - submitStart) / 1000);

      // The burst: filed from here into the processes' queues, as the CLI or another process would.
      const dataDir = mkdtempSync(join(tmpdir(), 'siput-bench-'));
      const config = loadConfig({ ...settings, REDIS_URL, DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
      const seeder = await startApp(config, createLogger(config), { database, queuePrefix: prefix, workers: false });
      let filedPerSecond: number;
      const burstStart = Date.now();
      try {
        await runPool(opts.burst, 16, async (i) => {
          await seeder.cases.submit({ sopId: SOP, unitId: UNIT, body: `beban ${i}` });
        });
        filedPerSecond = opts.burst / ((Date.now() - burstStart) / 1000);
      } finally {
        await seeder.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
      // A step's first reminder is its earliest (the ladder's first rung is at the deadline).
      const firstReminders = async () =>
        database.db
          .select({
            late: sql<number>`extract(epoch from min(${caseEvents.at}) - ${stepInstances.dueAt}) * 1000`,
            n: sql<number>`count(*)::int`,
          })
          .from(caseEvents)
          .innerJoin(stepInstances, eq(stepInstances.id, caseEvents.instanceId))
          .where(eq(caseEvents.kind, 'reminded'))
          .groupBy(stepInstances.id);
      const expected = complaints + opts.burst;
      const giveUp = Date.now() + opts.graceMs;
      let rows = await firstReminders();
      while (rows.length < expected && Date.now() < giveUp) {
        await sleep(1000);
        rows = await firstReminders();
      }
      return {
        shape: 'all' in shape ? '1 × ROLE=all' : `${shape.web} web + ${shape.worker} worker + ${shape.bot} bot`,
        startMs,
        complaintsPerSecond,
        complaints,
        burstLateMs: summarize(rows.map((r) => Number(r.late))),
        reminded: rows.length,
        doubled: rows.filter((r) => r.n > REMINDERS_PER_STEP).length,
        filedPerSecond,
      };
    } finally {
      await stop();
    }
  } finally {
    await removeRedisKeys(prefix);
    await database.close();
  }
}

/** Prints both runs and their ratios. */
export function printScaleOut(one: ScaleOutRun, many: ScaleOutRun, line: (label: string, value: string) => void) {
  const ms = (n: number) => `${fmt(n)} ms`;
  for (const run of [one, many]) {
    line(`${run.shape}: started in`, ms(run.startMs));
    line(
      '  complaints filed over HTTP (menu → receipt)/s',
      `${fmt(run.complaintsPerSecond, 1)} (${fmt(run.complaints)})`,
    );
    line('  burst filed/s (from the bench process)', fmt(run.filedPerSecond));
    line(
      '  first reminders fired, lateness',
      `${fmt(run.reminded)}: p50 ${ms(run.burstLateMs.p50)}, p99 ${ms(run.burstLateMs.p99)}, max ${ms(run.burstLateMs.max)}${run.doubled > 0 ? `, ${fmt(run.doubled)} DOUBLED` : ''}`,
    );
  }
  line('ratio complaints/s, several processes / one', `${fmt(many.complaintsPerSecond / one.complaintsPerSecond, 2)}×`);
  line(
    'ratio burst p99 lateness, several / one',
    `${fmt(many.burstLateMs.p99 / Math.max(1, one.burstLateMs.p99), 2)}× (below 1: the deadlines fire sooner)`,
  );
}
