import '../src/texts.js';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { type App, type AppOptions, startApp } from '../src/app.js';
import { type Config, loadConfig } from '../src/config.js';
import { type Database, openDatabase, withConnection } from '../src/db/client.js';
import { addOfficial, linkChannel } from '../src/db/officials.js';
import { createLogger } from '../src/log.js';
import { loadSopFolder } from '../src/sop/catalog.js';
import type { SopDefinition } from '../src/sop/definition.js';

/** The bench only ever talks to local services. */
export const ADMIN_URL = 'postgres://root@127.0.0.1:5432/test';
export const REDIS_URL = 'redis://127.0.0.1:6379';
/** Connection pool size the service opens by default (src/db/client.ts). */
export const DEFAULT_POOL = 10;

export const SHIPPED_SOPS_DIR = fileURLToPath(new URL('../sops', import.meta.url));
export const KILAT_SOPS_DIR = fileURLToPath(new URL('../test/fixtures/sops-kilat', import.meta.url));
export const TIMER_SOPS_DIR = fileURLToPath(new URL('./fixtures/sops-timer', import.meta.url));
export const NO_HOLIDAYS_FILE = fileURLToPath(new URL('./fixtures/no-holidays.yaml', import.meta.url));

/** Things to undo at the end, newest first; run also on Ctrl-C. */
const cleanups: Array<{ what: string; run: () => Promise<void> }> = [];

export function onCleanup(what: string, run: () => Promise<void>): () => Promise<void> {
  const entry = { what, run };
  cleanups.push(entry);
  // Calling the returned function runs the clean-up now and forgets it.
  return async () => {
    const i = cleanups.indexOf(entry);
    if (i < 0) return;
    cleanups.splice(i, 1);
    await run();
  };
}

export async function runCleanups(): Promise<void> {
  while (cleanups.length > 0) {
    const entry = cleanups.pop();
    if (!entry) break;
    try {
      await entry.run();
    } catch (err) {
      console.error(`clean-up "${entry.what}" failed: ${(err as Error).message}`);
    }
  }
}

/**
 * The SOP the benchmarks run: the shipped SIPUT SMS when sops/ has it and loads, else the
 * "kilat" test fixture. Returns the folder too, since the app registers a whole folder.
 */
export function benchSop(): { sop: SopDefinition; dir: string; note: string } {
  if (existsSync(join(SHIPPED_SOPS_DIR, 'siput-sms.yaml'))) {
    try {
      const sop = loadSopFolder(SHIPPED_SOPS_DIR).find((s) => s.id === 'siput-sms');
      if (sop) return { sop, dir: SHIPPED_SOPS_DIR, note: 'sops/siput-sms.yaml' };
    } catch (err) {
      console.warn(`sops/ does not load (${(err as Error).message.split('\n')[0]}); using the kilat fixture`);
    }
  }
  const sop = loadSopFolder(KILAT_SOPS_DIR).find((s) => s.id === 'kilat');
  if (!sop) throw new Error(`no SOP "kilat" in ${KILAT_SOPS_DIR}`);
  return { sop, dir: KILAT_SOPS_DIR, note: 'test/fixtures/sops-kilat (sops/siput-sms.yaml absent)' };
}

/**
 * A fresh, migrated database on the local Postgres, dropped by the returned clean-up (also on
 * Ctrl-C). Like test/support/postgres.ts, but with the service's default pool size rather than
 * the tests' 5, so the figures are the production configuration's.
 */
export async function freshDatabase(pool = DEFAULT_POOL): Promise<Database & { url: string; name: string }> {
  const name = `siput_bench_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  await withConnection(ADMIN_URL, (admin) => admin.query(`create database ${name}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  let database: Database | undefined;
  const drop = onCleanup(`drop database ${name}`, async () => {
    await database?.close();
    await withConnection(ADMIN_URL, (admin) => admin.query(`drop database if exists ${name} with (force)`));
  });
  database = await openDatabase({ url: url.toString(), max: pool });
  return { ...database, url: url.toString(), name, close: drop };
}

/** Deletes every Redis key under the prefix (queues, jobs, chat gaps). */
export async function removeRedisKeys(prefix: string): Promise<number> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  let removed = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) removed += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return removed;
}

export interface BenchApp {
  readonly app: App;
  readonly prefix: string;
  /** Closes the app, removes its Redis keys; the database is dropped by its own clean-up. */
  close(): Promise<void>;
}

/** Starts the whole service (workers on) on the given database with its own queue prefix. */
export async function startBenchApp(
  database: Database & { url: string },
  settings: { sopsDir: string; holidaysFile?: string; defaultUnit?: string },
  opts: Pick<AppOptions, 'now'> = {},
): Promise<BenchApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'siput-bench-'));
  const config: Config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    REDIS_URL,
    DATABASE_URL: database.url,
    DATA_DIR: dataDir,
    SOPS_DIR: settings.sopsDir,
    ...(settings.holidaysFile ? { HOLIDAYS_FILE: settings.holidaysFile } : {}),
    ...(settings.defaultUnit ? { DEFAULT_UNIT: settings.defaultUnit } : {}),
  });
  const prefix = `siput-bench-${randomUUID()}`;
  let app: App | undefined;
  const close = onCleanup(`close app ${prefix}`, async () => {
    try {
      await app?.close();
    } finally {
      await removeRedisKeys(prefix);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
  app = await startApp(config, createLogger(config), { database, queuePrefix: prefix, workers: true, ...opts });
  return { app, prefix, close };
}

/**
 * `perRole` active officials for every role that runs a step of the SOP and every role above one,
 * superiors first, each linked to a chat on the given channel (or to none). Returns ids by role.
 */
export async function addOfficials(
  app: App,
  sop: SopDefinition,
  unitId: string,
  perRole: number,
  channel: string | null,
): Promise<Map<string, string[]>> {
  const chain: string[] = [];
  const visit = (roleId: string | undefined): void => {
    if (!roleId || chain.includes(roleId)) return;
    visit(sop.roles.find((r) => r.id === roleId)?.superior);
    chain.push(roleId);
  };
  for (const step of sop.steps) if (step.scope === 'run') visit(step.actor);

  const byRole = new Map<string, string[]>();
  const nipOf = (roleId: string, n: number) => `bench-${unitId}-${roleId}-${n}`;
  for (const roleId of chain) {
    const superior = sop.roles.find((r) => r.id === roleId)?.superior;
    const ids: string[] = [];
    for (let n = 1; n <= perRole; n++) {
      const id = await addOfficial(app.database.db, {
        nip: nipOf(roleId, n),
        name: `${roleId} ${n}`,
        roleId,
        unitId,
        superiorNip: superior ? nipOf(superior, 1) : undefined,
      });
      if (channel) await linkChannel(app.database.db, { kind: 'official', id }, channel, `chat-${id}`);
      ids.push(id);
    }
    byRole.set(roleId, ids);
  }
  return byRole;
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` in flight; stops early past `deadline`. */
export async function runPool(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
  deadline = Number.POSITIVE_INFINITY,
): Promise<number> {
  let next = 0;
  let done = 0;
  const lane = async () => {
    for (;;) {
      const i = next++;
      if (i >= count || Date.now() > deadline) return;
      await task(i);
      done++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return done;
}

/** Thrown when a phase stops making progress; carries what Postgres was doing at that moment. */
export class StallError extends Error {
  override readonly name = 'StallError';
}

/**
 * Runs `work`, failing it with a StallError when `progress()` has not moved for `stallMs`: a
 * stuck phase then ends the bench with a diagnosis (the bench database's sessions and lock
 * waits) instead of sitting there until the hard cap.
 */
export async function withStallWatch<T>(
  what: string,
  databaseName: string,
  progress: () => number,
  stallMs: number,
  work: Promise<T>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    let last = progress();
    let lastChange = Date.now();
    timer = setInterval(() => {
      const now = progress();
      if (now !== last) {
        last = now;
        lastChange = Date.now();
        return;
      }
      if (Date.now() - lastChange < stallMs) return;
      clearInterval(timer);
      void describeSessions(databaseName).then(
        (sessions) => reject(new StallError(`${what}: no progress for ${stallMs / 1000} s (at ${now}).\n${sessions}`)),
        (err: Error) => reject(new StallError(`${what}: no progress for ${stallMs / 1000} s (${err.message})`)),
      );
    }, 500);
  });
  try {
    return await Promise.race([work, stalled]);
  } finally {
    clearInterval(timer);
  }
}

/** The bench database's sessions as Postgres sees them: state, for how long, and what each waits for. */
export async function describeSessions(databaseName: string): Promise<string> {
  return withConnection(ADMIN_URL, async (admin) => {
    const { rows } = await admin.query<{
      pid: number;
      state: string;
      wait: string | null;
      blockedBy: number[];
      since: string;
      xact: string;
      query: string;
    }>(
      `select pid, state, wait_event_type || ':' || wait_event as wait, pg_blocking_pids(pid) as "blockedBy",
             coalesce(round(extract(epoch from now() - state_change)::numeric, 1)::text, '-') as since,
             coalesce(round(extract(epoch from now() - xact_start)::numeric, 1)::text, '-') as xact,
             left(regexp_replace(query, '\\s+', ' ', 'g'), 90) as query
      from pg_stat_activity where datname = $1 order by xact_start nulls last`,
      [databaseName],
    );
    return rows
      .map(
        (r) =>
          `  pid ${r.pid} ${r.state} for ${r.since} s (transaction ${r.xact} s) wait=${r.wait ?? '-'} blocked-by=[${r.blockedBy.join(',')}]: ${r.query}`,
      )
      .join('\n');
  });
}

export interface Summary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly min: number;
  readonly mean: number;
}

/** Nearest-rank percentiles of a list of numbers. */
export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  const total = sorted.reduce((s, v) => s + v, 0);
  return {
    count: sorted.length,
    p50: rank(50) ?? Number.NaN,
    p99: rank(99) ?? Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
    min: sorted[0] ?? Number.NaN,
    mean: sorted.length > 0 ? total / sorted.length : Number.NaN,
  };
}

export const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '–';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
