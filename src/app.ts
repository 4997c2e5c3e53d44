import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ChannelAdapter } from './bots/adapter.js';
import type { Channel } from './bots/channel.js';
import { LogChannel } from './bots/log-channel.js';
import { WebChannel } from './bots/web-channel.js';
import { UnitCalendars } from './cases/calendars.js';
import { CaseService } from './cases/case-service.js';
import { SopRegistry } from './cases/sop-registry.js';
import type { Config } from './config.js';
import { type Database, openDatabase } from './db/client.js';
import { ensureUnit } from './db/units.js';
import { FLOWS, FlowRuntime } from './flows/index.js';
import { ChannelWatch } from './jobs/channel-watch.js';
import { startOutboxWorker } from './jobs/outbox-worker.js';
import { JobQueues } from './jobs/queues.js';
import { reconcile } from './jobs/reconciler.js';
import { bullConnection, ensureRedis, type RedisHandle } from './jobs/redis.js';
import { startRetentionWorker } from './jobs/retention-worker.js';
import { startTimerWorker } from './jobs/timer-worker.js';
import type { Logger } from './log.js';
import { loadSecret, Signer } from './signing.js';
import { loadSopFolder } from './sop/catalog.js';
import { loadHolidays } from './sop/holidays.js';
import { documentCatalog } from './web/document-catalog.js';
import { DocumentStore } from './web/document-store.js';
import { DownloadLinks, publicBaseUrl } from './web/download-links.js';

export interface AppOptions {
  /** Channels to send through, besides the log and web channels that are always there. */
  readonly channels?: readonly Channel[];
  /** Chat platforms (Telegram, WhatsApp): their channels are registered, and they start receiving where ROLE says. */
  readonly adapters?: readonly ChannelAdapter[];
  /** Start the adapters' receiving side whatever ROLE says (tests). */
  readonly receive?: boolean;
  /** Redis key prefix; tests give each run its own. Default "siput". */
  readonly queuePrefix?: string;
  /** An already opened database (tests); otherwise DATABASE_URL or PGlite under DATA_DIR. */
  readonly database?: Database;
  /** Moves the engine's clock in tests and benchmarks. */
  readonly now?: () => Date;
  /** First retry delay of failed sends and timers (tests shorten it); default 2000 ms. */
  readonly retryDelayMs?: number;
  /** Start the timer and outbox workers even when ROLE says otherwise (tests). */
  readonly workers?: boolean;
}

export interface App {
  readonly config: Config;
  readonly log: Logger;
  readonly database: Database;
  readonly sops: SopRegistry;
  /** Signs buttons, cookies and download links with the service's secret. */
  readonly signer: Signer;
  readonly documents: DocumentStore;
  readonly downloadLinks: DownloadLinks;
  /** The conversations every channel hands its inbound messages to. */
  readonly flows: FlowRuntime;
  readonly cases: CaseService;
  /** Each unit's working calendar; the console invalidates a unit's after changing its hours or zone. */
  readonly calendars: UnitCalendars;
  readonly queues: JobQueues;
  readonly channels: ReadonlyMap<string, Channel>;
  readonly connection: Redis;
  /** Redis key prefix of the queues and of the web chat's pub/sub topics. */
  readonly prefix: string;
  readonly workers: readonly Worker[];
  readonly adapters: readonly ChannelAdapter[];
  /** Stops taking work, lets running jobs finish, then closes connections. */
  close(): Promise<void>;
}

const RECONCILE_EVERY_MS = 5 * 60_000;

/** Builds the service from its config: database, Redis, SOPs, engine, queues and workers. */
export async function startApp(config: Config, log: Logger, opts: AppOptions = {}): Promise<App> {
  const sopFiles = loadSopFolder(config.SOPS_DIR);
  const holidays = loadHolidays(config.HOLIDAYS_FILE);
  const database =
    opts.database ??
    (await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATABASE_URL ? undefined : config.DATA_DIR }));
  let redis: RedisHandle | undefined;
  try {
    redis = await ensureRedis({ url: config.REDIS_URL, dataDir: config.DATA_DIR, log });
  } catch (err) {
    if (!opts.database) await database.close();
    throw err;
  }
  const connection = bullConnection(redis.url);
  connection.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
  const prefix = opts.queuePrefix ?? 'siput';

  const sops = new SopRegistry(database.db);
  await sops.register(sopFiles);
  await ensureUnit(database.db, {
    id: config.DEFAULT_UNIT,
    name: 'Bagian Organisasi dan Tata Laksana',
    timeZone: config.TZ_DEFAULT,
  });
  const calendars = new UnitCalendars(database.db, holidays, config.TZ_DEFAULT);
  const queues = new JobQueues({
    connection,
    prefix,
    ...(opts.retryDelayMs ? { retryDelayMs: opts.retryDelayMs } : {}),
  });
  const cases = new CaseService({
    db: database.db,
    sops,
    calendars,
    afterCommit: queues,
    log,
    ...(opts.now ? { now: opts.now } : {}),
  });

  // The built-in web chat is always there: a fresh clone with no bot token can already run a case.
  const signer = new Signer(loadSecret(config.APP_SECRET, config.DATA_DIR));
  const documents = new DocumentStore({ db: database.db, dataDir: config.DATA_DIR });
  const downloadLinks = new DownloadLinks({ signer, baseUrl: publicBaseUrl(config) });
  const flows = new FlowRuntime({
    db: database.db,
    queues,
    log,
    flows: FLOWS,
    cases,
    sops,
    signer,
    documents: documentCatalog(documents, downloadLinks),
    complaintSop: config.COMPLAINT_SOP,
    defaultUnit: config.DEFAULT_UNIT,
    defaultZone: config.TZ_DEFAULT,
    publicUrl: publicBaseUrl(config),
    ...(opts.now ? { now: opts.now } : {}),
  });

  const channels = new Map<string, Channel>([
    ['log', new LogChannel(log)],
    ['web', new WebChannel(connection, prefix)],
  ]);
  for (const c of opts.channels ?? []) channels.set(c.name, c);
  const adapters = opts.adapters ?? [];
  for (const a of adapters) channels.set(a.channel.name, a.channel);

  const workers: Worker[] = [];
  let timer: NodeJS.Timeout | undefined;
  let watch: ChannelWatch | undefined;
  if (opts.workers ?? (config.ROLE === 'all' || config.ROLE === 'worker')) {
    const runReconcile = () =>
      reconcile(database.db, queues, log).catch((err: Error) => log.warn({ err: err.message }, 'reconcile failed'));
    await runReconcile();
    // Redis may come back empty after an outage: put back what it lost.
    connection.on('ready', () => void runReconcile());
    timer = setInterval(runReconcile, RECONCILE_EVERY_MS);
    timer.unref();
    workers.push(startTimerWorker({ cases, connection, prefix, log }));
    // Personal data past RETENTION_MONTHS is anonymised once a day (UU PDP 27/2022).
    workers.push(
      await startRetentionWorker({
        db: database.db,
        connection,
        prefix,
        log,
        months: config.RETENTION_MONTHS,
        dataDir: config.DATA_DIR,
      }),
    );
    watch = new ChannelWatch({ db: database.db, queues, connection, prefix, log, unitId: config.DEFAULT_UNIT });
    watch.start();
    for (const channel of channels.values()) {
      workers.push(
        startOutboxWorker({
          db: database.db,
          channel,
          connection,
          prefix,
          log,
          signer,
          defaultZone: config.TZ_DEFAULT,
          publicUrl: publicBaseUrl(config),
        }),
      );
    }
  }

  const started: ChannelAdapter[] = [];
  const app: App = {
    config,
    log,
    database,
    sops,
    cases,
    calendars,
    queues,
    signer,
    documents,
    downloadLinks,
    flows,
    channels,
    connection,
    prefix,
    workers,
    adapters,
    async close() {
      clearInterval(timer);
      watch?.stop();
      for (const a of started) await a.stop();
      // A worker closed while still starting can leave a command behind on the shared connection.
      await Promise.all(workers.map((w) => w.waitUntilReady().catch(() => {})));
      // Worker.close waits for the jobs in hand: none is left half-done.
      await Promise.all(workers.map((w) => w.close()));
      await queues.close();
      // QUIT lets commands already sent finish; disconnect() would reject them.
      await connection.quit().catch(() => connection.disconnect());
      if (!opts.database) await database.close();
      await redis?.stop();
    },
  };
  for (const adapter of adapters) adapter.attach?.(app);
  if (opts.receive ?? (config.ROLE === 'all' || config.ROLE === 'bot')) {
    try {
      for (const adapter of adapters) {
        await adapter.start(app);
        started.push(adapter);
      }
    } catch (err) {
      // A refused bot token stops start-up: leave no worker or connection behind it.
      await app.close();
      throw err;
    }
  }
  return app;
}
