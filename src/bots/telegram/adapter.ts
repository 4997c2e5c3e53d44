import type { FastifyInstance } from 'fastify';
import { Telegraf } from 'telegraf';
import type { Config } from '../../config.js';
import { Lease } from '../../jobs/index.js';
import type { Logger } from '../../log.js';
import type { ChannelAdapter, ChannelHost } from '../adapter.js';
import { callApi } from './api.js';
import { backoffMs, sleep } from './backoff.js';
import { registerCommands } from './commands.js';
import {
  describeFailure,
  isPermanentRefusal,
  isTelegramError,
  TelegramSetupError,
  TelegramTokenError,
} from './errors.js';
import { reportState, TELEGRAM, type TelegramState } from './health.js';
import { ALLOWED_UPDATES, LongPoller } from './polling.js';
import { UpdateReceiver } from './receiver.js';
import { TelegramChannel } from './sender.js';
import { registerWebhookRoute, webhookSecret } from './webhook.js';

const SETUP_TIMEOUT_MS = 15_000;

export interface TelegramAdapterOptions {
  /**
   * First retry delay when Telegram cannot be reached (at start-up or while polling); default
   * 1000 ms, doubled up to a minute. Tests shorten it.
   */
  readonly retryBaseMs?: number;
  /** Sends per second over the bot; default 29, under Telegram's ~30 (see TelegramPacer). */
  readonly sendsPerSecond?: number;
  /** Seconds each getUpdates waits for news; default 30. Lower only costs requests. */
  readonly pollWaitSeconds?: number;
  /** How long a dead poller keeps the polling lease; default 30 000 ms (see Lease). */
  readonly pollLeaseMs?: number;
}

/**
 * The Telegram bot on telegraf. Long polling by default; a webhook when TELEGRAM_WEBHOOK_URL is
 * set (setWebhook at start, the route mounted by the web part). A refused token stops start-up;
 * an unreachable Telegram does not: the rest of the service runs while the bot keeps trying, and
 * channel_states says so.
 */
export class TelegramAdapter implements ChannelAdapter {
  readonly bot: Telegraf;
  readonly channel: TelegramChannel;
  readonly #config: Config;
  readonly #log: Logger;
  readonly #retryBaseMs: number;
  readonly #pollWaitSeconds: number | undefined;
  readonly #pollLeaseMs: number | undefined;
  readonly #stopping = new AbortController();
  #app: ChannelHost | undefined;
  #receiver: UpdateReceiver | undefined;
  #running: Promise<void> | undefined;

  constructor(config: Config, log: Logger, opts: TelegramAdapterOptions = {}) {
    if (!config.TELEGRAM_BOT_TOKEN) throw new Error('TELEGRAM_BOT_TOKEN is not set');
    this.#config = config;
    this.#log = log.child({ channel: TELEGRAM });
    this.#retryBaseMs = opts.retryBaseMs ?? 1000;
    this.#pollWaitSeconds = opts.pollWaitSeconds;
    this.#pollLeaseMs = opts.pollLeaseMs;
    this.bot = new Telegraf(config.TELEGRAM_BOT_TOKEN, {
      // Replies travel through the outbox, never in the webhook's HTTP answer.
      telegram: { webhookReply: false, ...(config.TELEGRAM_API_ROOT ? { apiRoot: config.TELEGRAM_API_ROOT } : {}) },
      // Below the ~60 s after which Telegram sends a webhook update again.
      handlerTimeout: 50_000,
    });
    this.channel = new TelegramChannel(this.bot.telegram, this.#log, {
      ...(opts.sendsPerSecond ? { sendsPerSecond: opts.sendsPerSecond } : {}),
    });
  }

  attach(app: ChannelHost): void {
    if (this.#app) return;
    this.#app = app;
    this.channel.attach({ db: app.database.db, documents: app.documents, redis: app.connection, prefix: app.prefix });
    this.#receiver = new UpdateReceiver(app, this.bot);
  }

  async start(app: ChannelHost): Promise<void> {
    this.attach(app);
    await this.#report('connecting', null);
    try {
      await this.#connect();
    } catch (err) {
      if (isTelegramError(err, 401)) {
        await this.#report('stopped', null, describeFailure(err));
        throw new TelegramTokenError();
      }
      if (isPermanentRefusal(err)) {
        await this.#report('stopped', null, describeFailure(err));
        throw new TelegramSetupError(`Telegram refused the bot's set-up: ${describeFailure(err)}`);
      }
      this.#log.warn({ err: describeFailure(err) }, 'telegram unreachable at start-up; retrying in the background');
      await this.#report('reconnecting', null, describeFailure(err));
      this.#running = this.#receive(false);
      return;
    }
    this.#running = this.#receive(true);
  }

  async stop(): Promise<void> {
    this.#stopping.abort();
    await this.#running;
    if (this.#running) await this.#report('stopped', 'service stopped');
  }

  async registerRoutes(fastify: FastifyInstance, app: ChannelHost): Promise<void> {
    const url = this.#config.TELEGRAM_WEBHOOK_URL;
    if (!url || !this.#config.TELEGRAM_BOT_TOKEN) return;
    this.attach(app);
    const receiver = this.#receiver as UpdateReceiver;
    await registerWebhookRoute(fastify, {
      path: new URL(url).pathname,
      secret: webhookSecret(app.signer, this.#config.TELEGRAM_BOT_TOKEN),
      handle: (update) => receiver.handle(update),
    });
  }

  /** getMe, the command menus, then the webhook set or deleted: what receiving needs. */
  async #connect(): Promise<void> {
    const telegram = this.bot.telegram;
    const me = await callApi(telegram, 'getMe', {}, SETUP_TIMEOUT_MS);
    this.bot.botInfo = me;
    await registerCommands(telegram);
    const app = this.#app as ChannelHost;
    const url = this.#config.TELEGRAM_WEBHOOK_URL;
    if (url) {
      await callApi(
        telegram,
        'setWebhook',
        {
          url,
          secret_token: webhookSecret(app.signer, this.#config.TELEGRAM_BOT_TOKEN as string),
          allowed_updates: [...ALLOWED_UPDATES],
        },
        SETUP_TIMEOUT_MS,
      );
      await this.#report('webhook', `@${me.username} at ${new URL(url).host}`);
    } else {
      // getUpdates is refused while a webhook is set; pending updates are kept, not dropped.
      await callApi(telegram, 'deleteWebhook', { drop_pending_updates: false }, SETUP_TIMEOUT_MS);
      await this.#report('polling', `@${me.username}`);
    }
    this.#log.info({ bot: me.username, mode: url ? 'webhook' : 'polling' }, 'telegram bot connected');
  }

  /** Connects (again, with backoff) when not yet connected, then polls unless a webhook receives. */
  async #receive(connected: boolean): Promise<void> {
    const signal = this.#stopping.signal;
    for (let attempt = 1; !connected && !signal.aborted; attempt++) {
      await sleep(backoffMs(attempt, this.#retryBaseMs), signal);
      if (signal.aborted) return;
      try {
        await this.#connect();
        connected = true;
      } catch (err) {
        const what = describeFailure(err);
        if (isPermanentRefusal(err)) {
          this.#log.error({ err: what }, 'telegram refused the bot; it stays off until restarted with a fixed setting');
          await this.#report('stopped', null, what);
          return;
        }
        this.#log.warn({ err: what, attempt }, 'telegram still unreachable');
        await this.#report('reconnecting', null, what);
      }
    }
    if (signal.aborted || this.#config.TELEGRAM_WEBHOOK_URL) return;
    await this.#pollWhileLeased(signal);
  }

  /**
   * Telegram answers getUpdates to one caller at a time (a second gets 409 and the two would take
   * turns): with several ROLE=bot processes, the one holding the polling lease polls, and another
   * takes over within the lease's TTL when it dies, or at once when it stops cleanly.
   */
  async #pollWhileLeased(stopping: AbortSignal): Promise<void> {
    const app = this.#app as ChannelHost;
    const receiver = this.#receiver as UpdateReceiver;
    const lease = new Lease({
      redis: app.connection,
      key: `${app.prefix}:telegram:polling`,
      what: 'telegram polling',
      log: this.#log,
      ...(this.#pollLeaseMs ? { ttlMs: this.#pollLeaseMs } : {}),
    });
    let polling: { readonly abort: AbortController; readonly done: Promise<void> } | undefined;
    const halt = async () => {
      const current = polling;
      polling = undefined;
      current?.abort.abort();
      await current?.done;
    };
    await lease.start({
      acquired: async () => {
        const abort = new AbortController();
        const done = new LongPoller({
          telegram: this.bot.telegram,
          handle: (update) => receiver.handle(update),
          prepare: (updates) => receiver.prepare(updates),
          log: this.#log,
          retryBaseMs: this.#retryBaseMs,
          ...(this.#pollWaitSeconds ? { waitSeconds: this.#pollWaitSeconds } : {}),
          onState: (state, lastError) => this.#report(state, `@${this.bot.botInfo?.username}`, lastError ?? null),
        }).run(AbortSignal.any([stopping, abort.signal]));
        polling = { abort, done };
      },
      lost: halt,
    });
    if (!stopping.aborted) await new Promise((resolve) => stopping.addEventListener('abort', resolve, { once: true }));
    await lease.stop();
    await halt();
    await lease.release();
  }

  async #report(state: TelegramState, detail: string | null, lastError: string | null = null): Promise<void> {
    const app = this.#app;
    if (!app) return;
    try {
      await reportState(app.database.db, state, detail, lastError);
    } catch (err) {
      this.#log.warn({ err: describeFailure(err) }, 'could not record the telegram channel state');
    }
  }
}
