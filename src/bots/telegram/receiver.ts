import { and, eq } from 'drizzle-orm';
import type { Context, Telegraf } from 'telegraf';
import type { Chat, Message, Update, User } from 'telegraf/types';
import { conversations, inboundKeyTaken, ping } from '../../db/index.js';
import { AttachmentStore, FileRejectedError } from '../../files/index.js';
import type { Inbound } from '../../flows/index.js';
import { isLanguage, type Language, t } from '../../i18n/index.js';
import type { ChannelHost } from '../adapter.js';
import { callApi } from './api.js';
import { Buttons, type PressContext } from './buttons.js';
import { describeFailure } from './errors.js';
import { TELEGRAM } from './health.js';
import { incomingFile, storeIncomingFile } from './incoming-files.js';
import { dropLink, restoreLink, takenKeysRestoringLinks } from './links.js';
import { isGroup, languageHint, messageInbound, pressInbound, textForBot, updateKey, whoAndWhere } from './updates.js';

/** An update failing this often while the database answers is taken to be one that always will. */
const MAX_FAILURES = 5;
const REPLY_TIMEOUT_MS = 15_000;

/** What became of an update: handled (or dropped for good), or to be delivered again. */
export type Outcome = 'done' | 'retry';

/**
 * The inbound side of the bot, as telegraf middleware: each update becomes one Inbound for the
 * flows, or nothing when it is not for the bot. It decides nothing; the flows do. Used alike by
 * long polling and by the webhook.
 */
export class UpdateReceiver {
  readonly #app: ChannelHost;
  readonly #bot: Telegraf;
  readonly #attachments: AttachmentStore;
  readonly #buttons: Buttons;
  readonly #failures = new Map<number, number>();
  /** What prepare learnt of the current polled batch, by update_id: taken or not, link restored. */
  #prepared: Promise<void> = Promise.resolve();
  #taken = new Map<number, boolean>();
  #restored = new Set<number>();

  constructor(app: ChannelHost, bot: Telegraf) {
    this.#app = app;
    this.#bot = bot;
    this.#attachments = new AttachmentStore({
      db: app.database.db,
      dataDir: app.config.DATA_DIR,
      minFreeBytes: app.config.UPLOAD_MIN_FREE_MB * 1024 * 1024,
    });
    this.#buttons = new Buttons(app.connection, app.prefix, app.log);
    bot.use(async (ctx, next) => {
      // A message is looked up beside its sender's limit (see #onMessage), not before it.
      if ('message' in ctx.update) return next();
      // A redelivered update is skipped before anything is answered again.
      if (!(await this.#seen(ctx.botInfo.id, ctx.update.update_id))) await next();
    });
    bot.on('callback_query', (ctx) => this.#onPress(ctx as PressContext));
    bot.on('message', (ctx) => this.#onMessage(ctx, ctx.message));
    bot.on('my_chat_member', async (ctx) => {
      const { chat, new_chat_member } = ctx.myChatMember;
      if (chat.type !== 'private') return;
      if (new_chat_member.status === 'kicked') await dropLink(app.database.db, String(chat.id));
      if (new_chat_member.status === 'member') await restoreLink(app.database.db, String(chat.id));
    });
    // Errors go back to the caller, which retries the update: telegraf's default would exit.
    bot.catch((err) => {
      throw err;
    });
  }

  /**
   * Runs one update through telegraf and the flows. A failure is retried (the flows dedupe the
   * update_id), except one that keeps failing while the database is up: it is dropped and logged,
   * so one poisoned update cannot stall the bot.
   */
  async handle(update: Update): Promise<Outcome> {
    try {
      await this.#bot.handleUpdate(update);
      this.#failures.delete(update.update_id);
      return 'done';
    } catch (err) {
      const log = this.#app.log;
      log.warn({ channel: TELEGRAM, updateId: update.update_id, err: describeFailure(err) }, 'telegram update failed');
      const databaseUp = await ping(this.#app.database.db).then(
        () => true,
        () => false,
      );
      if (!databaseUp) return 'retry';
      const failures = (this.#failures.get(update.update_id) ?? 0) + 1;
      if (this.#failures.size > 10_000) this.#failures.clear();
      this.#failures.set(update.update_id, failures);
      if (failures < MAX_FAILURES) return 'retry';
      this.#failures.delete(update.update_id);
      log.error({ channel: TELEGRAM, updateId: update.update_id, failures }, 'telegram update dropped');
      return 'done';
    }
  }

  /**
   * Asks the database about a polled batch in one statement rather than two per update: which
   * updates were already handled (a redelivery), and gives back the links Telegram took from the
   * private chats writing in it (writing proves the bot is not blocked). A chat with a
   * my_chat_member update in the batch is left to its updates, in their order. On any failure the
   * updates ask for themselves, as a webhook's do. The batch's updates start meanwhile, and wait
   * for the answer only where they need it (#seen).
   */
  prepare(updates: readonly Update[]): void {
    this.#prepared = this.#lookUp(updates);
  }

  async #lookUp(updates: readonly Update[]): Promise<void> {
    this.#taken = new Map();
    this.#restored = new Set();
    const botId = this.#bot.botInfo?.id;
    if (botId === undefined) return;
    const membership = new Set(updates.flatMap((u) => ('my_chat_member' in u ? [u.my_chat_member.chat.id] : [])));
    const writing = (u: Update) =>
      'message' in u && !isGroup(u.message.chat) && !membership.has(u.message.chat.id)
        ? String(u.message.chat.id)
        : null;
    try {
      const taken = await takenKeysRestoringLinks(
        this.#app.database.db,
        updates.map((u) => ({ key: updateKey(botId, u.update_id), writing: writing(u) })),
      );
      for (const u of updates) {
        const seen = taken.has(updateKey(botId, u.update_id));
        this.#taken.set(u.update_id, seen);
        if (!seen && writing(u) !== null) this.#restored.add(u.update_id);
      }
    } catch {
      this.#taken = new Map();
      this.#restored = new Set();
    }
  }

  async #onMessage(ctx: Context, message: Message): Promise<void> {
    const from = message.from;
    // Anonymous group admins and channels posting into a group cannot be told apart from each other.
    if (!from || from.is_bot || message.sender_chat) return;
    const group = isGroup(message.chat);
    const text = textForBot(message, ctx.botInfo, group);
    if (text === undefined) return;
    // A redelivered update is skipped, and a sender over the limit dropped, before their file is
    // downloaded or the flows run. The two are asked side by side, so a redelivery is counted
    // against its sender's limit too, as the message it repeats was.
    const [seen, admitted] = await Promise.all([
      this.#seen(ctx.botInfo.id, ctx.update.update_id),
      this.#admit(message.chat, from),
    ]);
    if (seen || !admitted) return;
    const db = this.#app.database.db;
    if (!group && !this.#restored.delete(ctx.update.update_id)) await restoreLink(db, String(message.chat.id));

    let attachment: Inbound['attachment'];
    const file = incomingFile(message, this.#attachments.maxBytes);
    if (file) {
      try {
        const stored = await storeIncomingFile(ctx.telegram, file, this.#attachments, `telegram:${from.id}`);
        attachment = { id: stored.id, name: stored.name, mime: stored.mime };
      } catch (err) {
        if (!(err instanceof FileRejectedError)) throw err;
        await this.#refuseFile(ctx, message, from, err);
        return;
      }
    }
    await this.#app.flows.handle(messageInbound(ctx.botInfo.id, ctx.update.update_id, message, from, text, attachment));
  }

  async #onPress(ctx: PressContext): Promise<void> {
    const query = ctx.callbackQuery;
    const message = query.message;
    if (!('data' in query) || !message) {
      // Game buttons and inline-mode messages: the bot sends neither.
      await this.#buttons.answer(ctx);
      return;
    }
    const chat = message.chat;
    const language = hintLanguage(query.from);
    if (isGroup(chat) && !(await this.#buttons.isPressersOwn(chat.id, message.message_id, query.from.id))) {
      await this.#buttons.answer(ctx, t(language, 'telegram.not_yours'));
      return;
    }
    if (!(await this.#admit(chat, query.from))) {
      // Answered all the same, or the button spins; the button stays unclaimed for later.
      await this.#buttons.answer(ctx);
      return;
    }
    if (!(await this.#buttons.claim(chat.id, message.message_id, ctx.update.update_id))) {
      await this.#buttons.answer(ctx, t(language, 'telegram.already_chosen'));
      return;
    }
    await this.#buttons.answer(ctx);
    await this.#app.flows.handle(pressInbound(ctx.botInfo.id, ctx.update.update_id, query, chat));
    await this.#buttons.showChosen(ctx, message);
  }

  /**
   * A file the attachment store will not keep (too large, not a photo, PDF, Word or Excel file) is answered at once
   * with the reason, like the web chat's upload; the conversation stays where it was.
   */
  async #refuseFile(ctx: Context, message: Message, from: User, err: FileRejectedError): Promise<void> {
    const { address } = whoAndWhere(message.chat, from);
    const [row] = await this.#app.database.db
      .select({ language: conversations.language })
      .from(conversations)
      .where(and(eq(conversations.channel, TELEGRAM), eq(conversations.address, address)));
    const language = row && isLanguage(row.language) ? row.language : hintLanguage(from);
    try {
      await callApi(
        ctx.telegram,
        'sendMessage',
        {
          chat_id: message.chat.id,
          text: t(language, err.messageKey, err.params),
          reply_parameters: { message_id: message.message_id },
        },
        REPLY_TIMEOUT_MS,
      );
    } catch (sendErr) {
      this.#app.log.warn({ channel: TELEGRAM, err: describeFailure(sendErr) }, 'could not tell why a file was refused');
    }
  }

  /** Counts a message or press against its sender's limit; false when it is to be dropped. */
  #admit(chat: Chat, from: User): Promise<boolean> {
    return this.#app.senderLimit.admit({ channel: TELEGRAM, ...whoAndWhere(chat, from), ...languageHint(from) });
  }

  async #seen(botId: number, updateId: number): Promise<boolean> {
    await this.#prepared;
    const known = this.#taken.get(updateId);
    if (known !== undefined) {
      this.#taken.delete(updateId);
      return known;
    }
    return inboundKeyTaken(this.#app.database.db, TELEGRAM, updateKey(botId, updateId));
  }
}

function hintLanguage(from: User | undefined): Language {
  return from?.language_code?.toLowerCase().startsWith('en') ? 'en' : 'id';
}
