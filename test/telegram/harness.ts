import { and, eq } from 'drizzle-orm';
import type { App } from '../../src/app.js';
import { TelegramAdapter, type TelegramAdapterOptions } from '../../src/bots/telegram/index.js';
import type { Config } from '../../src/config.js';
import type { Database } from '../../src/db/client.js';
import { inboundKeyTaken } from '../../src/db/inbound-messages.js';
import { messages } from '../../src/db/schema.js';
import { createLogger } from '../../src/log.js';
import { eventually, testApp, testConfig } from '../support/app.js';
import { freshDatabase } from '../support/postgres.js';
import { type BotMessage, TelegramEmulator, type TgChat, type TgUser } from '../support/telegram-emulator.js';

export interface TelegramWorld {
  readonly emulator: TelegramEmulator;
  readonly database: Database;
  readonly config: Config;
  readonly adapter: TelegramAdapter;
  readonly app: App;
  /**
   * Stops the service and starts it again on the same database and bot, as after a crash or a
   * deploy; `whileStopped` runs in between (updates pushed then arrive in one getUpdates batch).
   */
  restart(whileStopped?: () => void): Promise<void>;
  close(): Promise<void>;
}

/**
 * The service with its Telegram bot on real telegraf, pointed at the emulator (TELEGRAM_API_ROOT),
 * on a fresh Postgres database and its own Redis prefix, workers and receiving on.
 */
export async function telegramWorld(
  settings: Record<string, string> = {},
  opts: TelegramAdapterOptions = {},
): Promise<TelegramWorld> {
  const emulator = await TelegramEmulator.start();
  const database = await freshDatabase();
  const config = testConfig({
    TELEGRAM_BOT_TOKEN: emulator.token,
    TELEGRAM_API_ROOT: emulator.apiRoot,
    ...settings,
  });
  const boot = async () => {
    const adapter = new TelegramAdapter(config, createLogger(config), { retryBaseMs: 100, ...opts });
    const app = await testApp(database, config, { adapters: [adapter], receive: true, retryDelayMs: 200 });
    return { adapter, app };
  };
  let running: Awaited<ReturnType<typeof boot>>;
  try {
    running = await boot();
  } catch (err) {
    await database.close();
    await emulator.close();
    throw err;
  }
  return {
    emulator,
    database,
    config,
    get adapter() {
      return running.adapter;
    },
    get app() {
      return running.app;
    },
    async restart(whileStopped) {
      await running.app.close();
      whileStopped?.();
      running = await boot();
    },
    async close() {
      await running.app.close();
      await database.close();
      await emulator.close();
    },
  };
}

/** Waits until the flows took the update and the outbox sent everything addressed to `address`. */
export async function settled(world: TelegramWorld, updateId: number, address: string): Promise<void> {
  const db = world.database.db;
  await eventually(`update ${updateId} to reach the flows`, () =>
    inboundKeyTaken(db, 'telegram', `tg:${world.emulator.bot.id}:${updateId}`),
  );
  await eventually(`the outbox to deliver to ${address}`, async () => {
    const pending = await db
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.channel, 'telegram'), eq(messages.address, address), eq(messages.status, 'pending')));
    return pending.length === 0;
  });
}

/** One person's Telegram app: writes to the bot, presses its buttons, reads what it sent. */
export class TelegramPerson {
  #seen = 0;
  readonly chat: TgChat;

  constructor(
    private readonly world: TelegramWorld,
    readonly user: TgUser,
    /** A group the person writes in; their private chat with the bot when unset. */
    chat?: TgChat,
  ) {
    this.chat = chat ?? world.emulator.privateChat(user);
  }

  /** The outbox address of the bot's answers to this person here. */
  get address(): string {
    return this.chat.type === 'private' ? String(this.chat.id) : `${this.chat.id}/${this.user.id}`;
  }

  get received(): BotMessage[] {
    return this.world.emulator.messagesIn(this.chat.id);
  }

  last(): BotMessage {
    const message = this.received.at(-1);
    if (!message) throw new Error(`chat ${this.chat.id} has received nothing`);
    return message;
  }

  /** The bot's messages since the last call. */
  fresh(): BotMessage[] {
    const all = this.received;
    const out = all.slice(this.#seen);
    this.#seen = all.length;
    return out;
  }

  async say(text: string, extra: Record<string, unknown> = {}): Promise<BotMessage[]> {
    return this.#settle(this.world.emulator.sendText(this.user, text, this.chat, extra).update_id);
  }

  async sendPhoto(bytes: Buffer, caption?: string): Promise<BotMessage[]> {
    return this.#settle(this.world.emulator.sendPhoto(this.user, bytes, caption, this.chat).update_id);
  }

  async sendDocument(bytes: Buffer, name: string, mime: string, extra = {}): Promise<BotMessage[]> {
    return this.#settle(this.world.emulator.sendDocument(this.user, bytes, name, mime, this.chat, extra).update_id);
  }

  /** Presses the button whose label contains `label`, on the newest message showing one. */
  async press(label: string): Promise<BotMessage[]> {
    const message = this.withButton(label);
    return this.#settle(this.world.emulator.press(this.user, message, label).update_id);
  }

  withButton(label: string): BotMessage {
    const message = [...this.received]
      .reverse()
      .find((m) => m.reply_markup?.inline_keyboard.flat().some((b) => b.text.includes(label)));
    if (!message) throw new Error(`no button "${label}" in chat ${this.chat.id}`);
    return message;
  }

  async #settle(updateId: number): Promise<BotMessage[]> {
    await settled(this.world, updateId, this.address);
    return this.fresh();
  }
}

export const texts = (list: readonly BotMessage[]) => list.map((m) => m.text ?? m.caption ?? '').join('\n---\n');
