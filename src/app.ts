import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ChannelAdapter } from './bots/index.js';
import { EmailChannel, LogChannel, WebChannel } from './bots/index.js';
import { assignWaitingSteps, CaseService, SopRegistry, UnitCalendars } from './cases/index.js';
import type { Config } from './config.js';
import { type Database, ensureDefaultUnit, openDatabase } from './db/index.js';
import { DocumentStore } from './files/index.js';
import { FLOWS, FlowRuntime, SenderLimit } from './flows/index.js';
import {
  bullConnection,
  ChannelWatch,
  DatabaseLossWatch,
  EmailFallback,
  ensureRedis,
  ensureRetentionSchedule,
  JobQueues,
  KeyspaceWatch,
  Lease,
  lineAlert,
  type RedisHandle,
  reconcile,
  redisTarget,
  SopWatch,
  startOutboxWorker,
  startRetentionWorker,
  startTimerWorker,
  TimerRush,
  warnIfNextYearUnconfirmed,
} from './jobs/index.js';
import { DroppedMessages, RateWindow } from './limits/index.js';
import { AttachmentLinks } from './links/index.js';
import type { Logger } from './log.js';
import type { Channel } from './outbox/index.js';
import { loadSecret, Signer } from './signing.js';
import { loadHolidays, loadSopFolder } from './sop/index.js';
import { loadSurveyQuestions, type SurveyQuestions } from './survey/index.js';
import { DownloadLinks, documentCatalog, publicBaseUrl } from './web/index.js';

export interface AppOptions {
  /** Channels to send through, besides the log and web channels that are always there. */
  readonly channels?: readonly Channel[];
  /** Chat platforms (Telegram, WhatsApp): their channels are registered, and they start receiving where ROLE says. */
  readonly adapters?: readonly ChannelAdapter[];
  /** Start the adapters' receiving side whatever ROLE says (tests). */
  readonly receive?: boolean;
  /** Redis key prefix; tests give each run its own. Default REDIS_PREFIX. */
  readonly queuePrefix?: string;
  /** An already opened database (tests); otherwise DATABASE_URL or PGlite under DATA_DIR. */
  readonly database?: Database;
  /** Moves the engine's clock in tests and benchmarks. */
  readonly now?: () => Date;
  /** First retry delay of failed sends and timers (tests shorten it); default 2000 ms. */
  readonly retryDelayMs?: number;
  /** How long a commit's messages sent at once are left to this process before their handover queues them (tests shorten it). */
  readonly handoverAfterMs?: number;
  /** Start the timer and outbox workers even when ROLE says otherwise (tests). */
  readonly workers?: boolean;
}

export interface App {
  readonly config: Config;
  readonly log: Logger;
  readonly database: Database;
  readonly sops: SopRegistry;
  /** Tells every process at once that an SOP version was activated. */
  readonly sopWatch: SopWatch;
  /** Signs buttons, cookies and download links with the service's secret. */
  readonly signer: Signer;
  readonly documents: DocumentStore;
  readonly downloadLinks: DownloadLinks;
  /** Signs the links officials open a case's files with. */
  readonly attachmentLinks: AttachmentLinks;
  /** The conversations every channel hands its inbound messages to. */
  readonly flows: FlowRuntime;
  /** Messages per sender the Telegram and WhatsApp receivers let through (CHAT_MESSAGES_PER_MINUTE). */
  readonly senderLimit: SenderLimit;
  /** Messages the sender limit dropped, per sender over the last day, for the console. */
  readonly droppedMessages: DroppedMessages;
  readonly cases: CaseService;
  /** Each unit's working calendar; the console invalidates a unit's after changing its hours or zone. */
  readonly calendars: UnitCalendars;
  readonly queues: JobQueues;
  readonly channels: ReadonlyMap<string, Channel>;
  readonly connection: Redis;
  /** Redis key prefix of the queues and of the web chat's pub/sub topics. */
  readonly prefix: string;
  readonly workers: readonly Worker[];
  /** Starts an outbox worker for `channel`, set up as the app's own (an adapter's channel sending from one process). */
  outboxWorker(channel: Channel): Worker;
  readonly adapters: readonly ChannelAdapter[];
  /** "This message by email instead", for a stakeholder their chat cannot reach; off without SMTP_URL. */
  readonly emailFallback: EmailFallback;
  /** The SKM survey's questions (SKM_FILE), as each unit words them. */
  readonly survey: SurveyQuestions;
  /** Stops taking work, lets running jobs finish, then closes connections. */
  close(): Promise<void>;
}

const RECONCILE_EVERY_MS = 5 * 60_000;

/** Builds the service from its config: database, Redis, SOPs, engine, queues and workers. */
export async function startApp(config: Config, log: Logger, opts: AppOptions = {}): Promise<App> {
  const sopFiles = loadSopFolder(config.SOPS_DIR);
  const holidays = loadHolidays(config.HOLIDAYS_FILE);
  const survey = loadSurveyQuestions(config.SKM_FILE);
  const database =
    opts.database ??
    (await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATABASE_URL ? undefined : config.DATA_DIR }));
  let redis: RedisHandle | undefined;
  try {
    redis = await ensureRedis({ target: redisTarget(config), dataDir: config.DATA_DIR, log });
  } catch (err) {
    if (!opts.database) await database.close();
    throw err;
  }
  const connection = bullConnection(redis.target);
  connection.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
  const prefix = opts.queuePrefix ?? config.REDIS_PREFIX;

  const sops = new SopRegistry(database.db, { refreshMs: config.SOP_REFRESH_SECONDS * 1000 });
  for (const file of await sops.register(sopFiles))
    log.warn(
      { sop: file.sopId, version: file.version },
      'an SOP file in SOPS_DIR has a version an upload already took; the uploaded version stands',
    );
  const sopWatch = new SopWatch({ connection, subscriber: connection.duplicate(), prefix, sops, log });
  await sopWatch.start();
  await ensureDefaultUnit(database.db, config);
  const calendars = new UnitCalendars(database.db, holidays, config.TZ_DEFAULT, {
    refreshMs: config.CALENDAR_REFRESH_SECONDS * 1000,
  });
  const queues = new JobQueues({
    connection,
    prefix,
    ...(opts.retryDelayMs ? { retryDelayMs: opts.retryDelayMs } : {}),
    ...(opts.handoverAfterMs ? { handoverAfterMs: opts.handoverAfterMs } : {}),
  });
  // Email reaches reporters no chat can; without SMTP_URL nothing is sent and the console says so.
  const email = config.SMTP_URL ? new EmailChannel({ url: config.SMTP_URL, from: config.MAIL_FROM }) : null;
  if (!email) log.info('email is off: SMTP_URL is not set, so no email is sent');
  const emailFallback = new EmailFallback({ db: database.db, queues, log, enabled: email !== null });
  const cases = new CaseService({
    db: database.db,
    sops,
    calendars,
    afterCommit: queues,
    log,
    email: email !== null,
    ...(opts.now ? { now: opts.now } : {}),
  });

  // The built-in web chat is always there: a fresh clone with no bot token can already run a case.
  const signer = new Signer(loadSecret(config.APP_SECRET, config.DATA_DIR));
  const documents = new DocumentStore({ db: database.db, dataDir: config.DATA_DIR });
  const downloadLinks = new DownloadLinks({ signer, baseUrl: publicBaseUrl(config) });
  const attachmentLinks = new AttachmentLinks({
    signer,
    baseUrl: publicBaseUrl(config),
    ttlHours: config.ATTACHMENT_LINK_HOURS,
  });
  const flows = new FlowRuntime({
    db: database.db,
    replies: queues,
    log,
    flows: FLOWS,
    cases,
    sops,
    signer,
    documents: documentCatalog(documents, downloadLinks),
    attachmentLinks,
    complaintSop: config.COMPLAINT_SOP,
    defaultUnit: config.DEFAULT_UNIT,
    defaultZone: config.TZ_DEFAULT,
    publicUrl: publicBaseUrl(config),
    survey,
    ...(opts.now ? { now: opts.now } : {}),
  });
  const droppedMessages = new DroppedMessages(connection, prefix);
  const senderLimit = new SenderLimit({
    db: database.db,
    dropped: droppedMessages,
    replies: queues,
    log,
    signer,
    window: new RateWindow(connection, prefix, {
      name: 'sender',
      max: config.CHAT_MESSAGES_PER_MINUTE,
      windowMs: 60_000,
    }),
  });

  const channels = new Map<string, Channel>([
    ['log', new LogChannel(log)],
    ['web', new WebChannel(connection, prefix)],
  ]);
  if (email) channels.set(email.name, email);
  for (const c of opts.channels ?? []) channels.set(c.name, c);
  const adapters = opts.adapters ?? [];
  for (const a of adapters) channels.set(a.channel.name, a.channel);

  // Sends wait while this process fires a burst of deadlines.
  const rush = new TimerRush();
  const onLinePaused = lineAlert({ db: database.db, queues, unitId: config.DEFAULT_UNIT, log });
  const outboxWorker = (channel: Channel) =>
    startOutboxWorker({
      db: database.db,
      channel,
      connection,
      prefix,
      log,
      signer,
      defaultZone: config.TZ_DEFAULT,
      publicUrl: publicBaseUrl(config),
      onUnreached: (messageId) => emailFallback.instead(messageId),
      onLinePaused,
      attachmentLinks,
      rush,
      queues,
    });

  const workers: Worker[] = [];
  let timer: NodeJS.Timeout | undefined;
  let watch: ChannelWatch | undefined;
  let keyspace: KeyspaceWatch | undefined;
  let databaseLoss: DatabaseLossWatch | undefined;
  let sweeps: Lease | undefined;
  if (opts.workers ?? (config.ROLE === 'all' || config.ROLE === 'worker')) {
    // Redis holds nothing the database cannot rebuild: every timer and send comes back from the
    // rows, and the job schedulers (the retention job) are put back when missing.
    let restoring: Promise<boolean> | undefined;
    /** Resolves false when it failed (the database or Redis away): it is logged, and tried again later. */
    const restore = (): Promise<boolean> => {
      restoring ??= (async () => {
        try {
          await reconcile(database.db, queues, log);
          // Each round also gives waiting steps to holders that came meanwhile without a console or
          // chat action to announce them (a Plh/Plt that ran out, an official added with the CLI).
          const assigned = await assignWaitingSteps(cases, database.db);
          if (assigned > 0) log.info({ assigned }, 'waiting steps given to holders');
          if (await ensureRetentionSchedule(connection, prefix)) log.info('retention job schedule restored');
          return true;
        } catch (err) {
          log.warn({ err: (err as Error).message }, 'reconcile failed');
          return false;
        } finally {
          restoring = undefined;
        }
      })();
      return restoring;
    };
    // Sweeps run in one worker process of many: the holder of the sweeps lease reconciles at start
    // and every few minutes, checks the holidays and watches the channels; another worker takes
    // over within the lease's TTL when it dies.
    watch = new ChannelWatch({ db: database.db, queues, connection, prefix, log, unitId: config.DEFAULT_UNIT });
    // Admins hear, once a month, while next year's holidays are not confirmed by an SKB.
    const checkHolidays = () =>
      warnIfNextYearUnconfirmed({ db: database.db, queues, holidays, unitId: config.DEFAULT_UNIT, log }).catch(
        (err: Error) => log.warn({ err: err.message }, 'holiday check failed'),
      );
    const sweeping = watch;
    sweeps = new Lease({ redis: connection, key: `${prefix}:sweeps`, what: 'sweeps', log });
    let firstSweep: Promise<unknown> | undefined;
    await sweeps.start({
      acquired: async () => {
        firstSweep = Promise.all([restore(), checkHolidays()]);
        sweeping.start();
        await firstSweep;
      },
      lost: async () => sweeping.stop(),
    });
    // Taken at start-up: the first reconcile is done before the service counts as started.
    await firstSweep;
    const held = sweeps;
    // Redis may come back empty after an outage, or be flushed under us: put back what it lost.
    connection.on('ready', () => {
      if (held.held) void restore();
    });
    // Each process watches: the marker is set back by the first to notice, which restores.
    keyspace = new KeyspaceWatch({ connection, prefix, log, restore });
    await keyspace.start();
    // A COMMIT whose answer was lost with its connection may have committed what nobody queued.
    databaseLoss = new DatabaseLossWatch({
      database,
      log,
      restore: async () => !held.held || (await restore()),
    });
    databaseLoss.start();
    timer = setInterval(() => {
      if (!held.held) return;
      void restore();
      void checkHolidays();
    }, RECONCILE_EVERY_MS);
    timer.unref();
    workers.push(startTimerWorker({ cases, connection, prefix, log, rush }));
    // Personal data past RETENTION_MONTHS is anonymised once a day (UU PDP 27/2022).
    workers.push(
      await startRetentionWorker({
        db: database.db,
        connection,
        prefix,
        log,
        months: config.RETENTION_MONTHS,
        dataDir: config.DATA_DIR,
        unattachedHours: config.UNATTACHED_UPLOAD_HOURS,
      }),
    );
    // A channel only the holder of its connection can send through gets its worker from its adapter.
    const fromHolder = new Set(adapters.filter((a) => a.sendsFromHolderOnly).map((a) => a.channel.name));
    for (const channel of channels.values()) {
      if (!fromHolder.has(channel.name)) workers.push(outboxWorker(channel));
    }
  }

  const started: ChannelAdapter[] = [];
  const app: App = {
    config,
    log,
    database,
    sops,
    sopWatch,
    cases,
    calendars,
    queues,
    signer,
    documents,
    downloadLinks,
    attachmentLinks,
    flows,
    senderLimit,
    droppedMessages,
    channels,
    connection,
    prefix,
    workers,
    outboxWorker,
    adapters,
    emailFallback,
    survey,
    async close() {
      clearInterval(timer);
      await sweeps?.stop();
      watch?.stop();
      keyspace?.stop();
      databaseLoss?.stop();
      for (const a of started) await a.stop();
      await cases.drain();
      // A worker closed while still starting can leave a command behind on the shared connection.
      await Promise.all(workers.map((w) => w.waitUntilReady().catch(() => {})));
      // Worker.close waits for the jobs in hand: none is left half-done.
      await Promise.all(workers.map((w) => w.close()));
      await queues.close();
      await sopWatch.close();
      await sweeps?.release();
      email?.close();
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
