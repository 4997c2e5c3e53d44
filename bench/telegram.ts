import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { count, eq } from 'drizzle-orm';
import { type App, startApp } from '../src/app.js';
import { TelegramAdapter } from '../src/bots/telegram/index.js';
import { loadConfig } from '../src/config.js';
import { insertChatMessage } from '../src/db/outbox.js';
import { inboundMessages, messages } from '../src/db/schema.js';
import { createLogger } from '../src/log.js';
import {
  freshDatabase,
  onCleanup,
  REDIS_URL,
  removeRedisKeys,
  SHIPPED_SOPS_DIR,
  type Summary,
  sleep,
  summarize,
} from './harness.js';
import type { QueueTexts, TimeReplies } from './telegram-emulator-process.js';

export interface TelegramBenchOptions {
  /** Updates queued at the emulator for the inbound figure. */
  readonly updates: number;
  /** Distinct people writing them (each chat's updates run in order; chats run side by side). */
  readonly people: number;
  /** Outbox messages for the sent-rate figure, each to its own chat so that only the bot's cap limits them. */
  readonly sends: number;
  /** Per phase; a phase past it stops and reports what it did. */
  readonly capMs: number;
}

export interface TelegramBench {
  readonly inbound: {
    readonly updates: number;
    readonly handled: number;
    readonly elapsedMs: number;
    readonly perSecond: number;
    /**
     * Updates per CPU second of this process, the service's, over the same span (the bench's
     * count every 50 ms included; the emulator runs in a process of its own): what a loaded
     * machine's wall clock hides.
     */
    readonly perCpuSecond: number;
    /**
     * One update at a time from a new person, to its reply's row in the outbox (the reply
     * decided and committed), as the emulator's process is told of the commit by Postgres
     * (LISTEN, on a connection of its own).
     */
    readonly replyMs: Summary;
  };
  readonly outbound: {
    readonly sends: number;
    readonly sent: number;
    /** Sent messages over the time from the first send to the last, per second. */
    readonly perSecond: number;
    readonly cap: number;
    /** 429s the emulator answered because more than `cap` sends arrived in a sliding second. */
    readonly rateLimited: number;
    /** Most sends the emulator saw in any sliding second. */
    readonly busiestSecond: number;
  };
}

/** Telegram's ~30 messages a second per bot, enforced by the emulator over a sliding second. */
const CAP = 30;
/** What people write, in turn: each passes through the flows and gets an answer queued. */
const SAYINGS = ['halo', 'menu', 'bantuan', 'status', '/dokumen', 'batal'];
/** Updates sent one at a time for the update → reply figure. */
const REPLY_SAMPLES = 200;

/**
 * Two figures for the Telegram channel, both against the Bot API emulator on this machine, in a
 * process of its own (so that this process's CPU is the service's, and the emulator's clock is
 * not the service's event loop):
 *   1. updates/s from getUpdates through telegraf and the flows into Postgres (the outbox is off,
 *      so the answers stay queued and only the inbound path is timed);
 *   2. the outbox's sent rate to many chats under a strict 30/s cap, with the 429s counted.
 */
export async function measureTelegram(opts: TelegramBenchOptions): Promise<TelegramBench> {
  return { inbound: await measureInbound(opts), outbound: await measureOutbound(opts) };
}

async function measureInbound(opts: TelegramBenchOptions): Promise<TelegramBench['inbound']> {
  const emulator = await emulatorProcess(null);
  const { app, close, databaseUrl } = await startTelegramApp(emulator, { receive: true, workers: false });
  try {
    // Round robin over the people, so each getUpdates batch spans many chats, as a busy bot's does.
    const texts = Array.from({ length: opts.updates }, (_, i) => ({
      userId: 900_000 + (i % opts.people),
      text: SAYINGS[Math.floor(i / opts.people) % SAYINGS.length] ?? 'halo',
    }));
    const started = Date.now();
    const cpuBefore = process.cpuUsage();
    await emulator.ask<'queued'>({ texts } satisfies QueueTexts);
    let handled = 0;
    while (handled < opts.updates && Date.now() - started < opts.capMs) {
      await sleep(50);
      const [row] = await app.database.db
        .select({ n: count() })
        .from(inboundMessages)
        .where(eq(inboundMessages.channel, 'telegram'));
      handled = row?.n ?? 0;
    }
    const elapsedMs = Date.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    // A backlog left past the cap would sit ahead of the samples below and time them out.
    await drained(app, opts.updates, started + opts.capMs * 2);
    const answer = await emulator.ask<{ replyMs?: number[]; error?: string }>({
      replies: {
        databaseUrl,
        firstUserId: 950_000,
        samples: REPLY_SAMPLES,
        until: started + opts.capMs * 3,
      },
    } satisfies TimeReplies);
    if (!answer.replyMs) throw new Error(answer.error ?? 'no reply times');
    return {
      updates: opts.updates,
      handled,
      elapsedMs,
      perSecond: handled / (elapsedMs / 1000),
      perCpuSecond: cpuSeconds > 0 ? handled / cpuSeconds : 0,
      replyMs: summarize(answer.replyMs),
    };
  } finally {
    await close();
    await emulator.close();
  }
}

/** Waits until `updates` Telegram messages are recorded, or until `deadline`. */
async function drained(app: App, updates: number, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const [row] = await app.database.db
      .select({ n: count() })
      .from(inboundMessages)
      .where(eq(inboundMessages.channel, 'telegram'));
    if ((row?.n ?? 0) >= updates) return;
    await sleep(100);
  }
}

async function measureOutbound(opts: TelegramBenchOptions): Promise<TelegramBench['outbound']> {
  const emulator = await emulatorProcess(CAP);
  const { app, close } = await startTelegramApp(emulator, { receive: false, workers: true });
  try {
    const queued = await app.database.db.transaction(async (tx) => {
      const list = [];
      for (let i = 0; i < opts.sends; i++) {
        list.push(
          await insertChatMessage(tx, 'telegram', String(800_000 + i), {
            caseId: null,
            instanceId: null,
            template: 'flow.text',
            params: { text: `Pesan uji ${i + 1}` },
          }),
        );
      }
      return list;
    });
    const started = Date.now();
    for (const message of queued) await app.queues.addMessage(message.id, message.channel);
    let sent = 0;
    while (sent < opts.sends && Date.now() - started < opts.capMs) {
      await sleep(100);
      const [row] = await app.database.db.select({ n: count() }).from(messages).where(eq(messages.status, 'sent'));
      sent = row?.n ?? 0;
    }
    const report = await emulator.ask<EmulatorReport>('report');
    const delivered = report.arrivals.filter((a) => a.status === 200).map((a) => a.at);
    const spanS = ((delivered.at(-1) ?? 0) - (delivered[0] ?? 0)) / 1000;
    return {
      sends: opts.sends,
      sent,
      perSecond: spanS > 0 ? (delivered.length - 1) / spanS : 0,
      cap: CAP,
      rateLimited: report.rateLimited,
      busiestSecond: busiestSecond(report.arrivals.map((a) => a.at)),
    };
  } finally {
    await close();
    await emulator.close();
  }
}

interface EmulatorReport {
  readonly arrivals: { at: number; status: number }[];
  readonly rateLimited: number;
}

interface EmulatorProcess {
  readonly apiRoot: string;
  readonly token: string;
  /** Sends a request to the emulator process and waits for its answer (one request at a time). */
  ask<T>(request: 'report' | QueueTexts | TimeReplies): Promise<T>;
  close(): Promise<void>;
}

/** Starts bench/telegram-emulator-process.ts, with a cap on sends per second or none, and waits until it listens. */
async function emulatorProcess(cap: number | null): Promise<EmulatorProcess> {
  const child = fork(fileURLToPath(new URL('./telegram-emulator-process.ts', import.meta.url)), {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, TELEGRAM_EMULATOR_CAP: cap === null ? '' : String(cap) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T>() => new Promise<T>((resolve) => child.once('message', (m) => resolve(m as T)));
  const stop = onCleanup('stop the emulator process', async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.send('close');
    await Promise.race([exited, sleep(2000).then(() => child.kill())]);
  });
  const { apiRoot, token } = await next<{ apiRoot: string; token: string }>();
  return {
    apiRoot,
    token,
    ask<T>(request: 'report' | QueueTexts | TimeReplies) {
      const answer = next<T>();
      child.send(request);
      return answer;
    },
    close: stop,
  };
}

/** Most arrivals within any 1000 ms, as the emulator's window counts them. */
function busiestSecond(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let from = 0;
  for (let to = 0; to < sorted.length; to++) {
    while ((sorted[to] ?? 0) - (sorted[from] ?? 0) >= 1000) from++;
    most = Math.max(most, to - from + 1);
  }
  return most;
}

/** The whole service with its Telegram bot pointed at the emulator, on a fresh database and Redis prefix. */
async function startTelegramApp(
  emulator: { readonly apiRoot: string; readonly token: string },
  parts: { receive: boolean; workers: boolean },
) {
  const database = await freshDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'siput-bench-tg-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    REDIS_URL,
    DATABASE_URL: database.url,
    DATA_DIR: dataDir,
    SOPS_DIR: SHIPPED_SOPS_DIR,
    TELEGRAM_BOT_TOKEN: emulator.token,
    TELEGRAM_API_ROOT: emulator.apiRoot,
  });
  const prefix = `siput-bench-${randomUUID()}`;
  const log = createLogger(config);
  let app: App | undefined;
  const close = onCleanup(`close telegram app ${prefix}`, async () => {
    try {
      await app?.close();
    } finally {
      await removeRedisKeys(prefix);
      rmSync(dataDir, { recursive: true, force: true });
      await database.close();
    }
  });
  app = await startApp(config, log, {
    database,
    queuePrefix: prefix,
    adapters: [new TelegramAdapter(config, log)],
    receive: parts.receive,
    workers: parts.workers,
  });
  return { app, close, databaseUrl: database.url };
}
