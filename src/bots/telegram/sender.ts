import type { Redis } from 'ioredis';
import type { Telegram } from 'telegraf';
import type { Db } from '../../db/index.js';
import type { DocumentStore } from '../../files/index.js';
import type { Logger } from '../../log.js';
import type { Channel, ChannelLimits, OutgoingMessage } from '../../outbox/index.js';
import { ChannelRateLimitedError, ChannelUnreachableError } from '../../outbox/index.js';
import { isGroupChat, parseAddress } from './address.js';
import { callApi } from './api.js';
import { DocumentSender } from './documents.js';
import { describeFailure, isTelegramError, toChannelError } from './errors.js';
import { TELEGRAM } from './health.js';
import { keyboardOf } from './keyboard.js';
import { TelegramPacer } from './pacer.js';

/** Telegram's limit on a message's text. */
const TEXT_MAX = 4096;
const SEND_TIMEOUT_MS = 30_000;
/** How long a send waits for the app to be attached at start-up before it is retried later. */
const ATTACH_WAIT_MS = 10_000;
/** A keyboard posted in a group stays bound to its person this long (Redis key lifetime). */
const OWNER_TTL_S = 30 * 24 * 3600;

/** What sending needs from the app; given by TelegramAdapter.attach in every process. */
export interface SenderDeps {
  readonly db: Db;
  readonly documents: DocumentStore;
  readonly redis: Redis;
  /** Redis key prefix of the app. */
  readonly prefix: string;
}

export interface TelegramChannelOptions {
  /** Sends per second the pacer allows over the bot; default 29 (see TelegramPacer). */
  readonly sendsPerSecond?: number;
}

/** Redis key naming the person a keyboard in a group is for (see address.ts). */
export const ownerKey = (prefix: string, chatId: string | number, messageId: number) =>
  `${prefix}:tg:owner:${chatId}:${messageId}`;

/**
 * The outbound side of the bot: one outbox message becomes one Telegram message (text with an
 * inline keyboard, or a document with a caption). Failures are sorted into the channel errors the
 * outbox acts on (see toChannelError).
 */
export class TelegramChannel implements Channel {
  readonly name = TELEGRAM;
  /**
   * BullMQ's limiter: about 30 messages a second per bot; Telegram asks for at most 1 a second per
   * chat. Groups (20 a minute) and exact spacing are the pacer's job.
   */
  readonly limits: ChannelLimits = { perSecond: 30, perChatIntervalMs: 1000 };
  readonly #telegram: Telegram;
  readonly #log: Logger;
  readonly #ready: Promise<{ deps: SenderDeps; pacer: TelegramPacer; documents: DocumentSender }>;
  #attach!: (deps: SenderDeps) => void;

  constructor(telegram: Telegram, log: Logger, opts: TelegramChannelOptions = {}) {
    this.#telegram = telegram;
    this.#log = log;
    this.#ready = new Promise((resolve) => {
      this.#attach = (deps) =>
        resolve({
          deps,
          pacer: new TelegramPacer({
            redis: deps.redis,
            prefix: deps.prefix,
            ...(opts.sendsPerSecond ? { perSecond: opts.sendsPerSecond } : {}),
          }),
          documents: new DocumentSender({ telegram, db: deps.db, documents: deps.documents, log }),
        });
    });
  }

  attach(deps: SenderDeps): void {
    this.#attach(deps);
  }

  async send(message: OutgoingMessage): Promise<void> {
    const { deps, pacer, documents } = await this.#attached();
    const { chatId, ownerId } = parseAddress(message.address);
    if (isGroupChat(chatId)) {
      const wait = await pacer.groupWait(chatId);
      if (wait > 0) throw new ChannelRateLimitedError(wait);
    }
    const { text, markup } = keyboardOf({ text: clip(message.text), choices: message.choices });
    await pacer.slot();
    try {
      if (message.document) {
        await documents.send({ chatId, text, markup, url: message.document.url });
        return;
      }
      const sent = await this.#sendText(chatId, text, markup);
      if (ownerId && markup) await this.#bindOwner(deps, sent.chat.id, sent.message_id, ownerId);
    } catch (err) {
      throw toChannelError(err);
    }
  }

  async #sendText(chatId: string, text: string, markup: ReturnType<typeof keyboardOf>['markup']) {
    const payload = {
      text,
      link_preview_options: { is_disabled: true },
      ...(markup ? { reply_markup: markup } : {}),
    };
    try {
      return await callApi(this.#telegram, 'sendMessage', { chat_id: chatId, ...payload }, SEND_TIMEOUT_MS);
    } catch (err) {
      // A group that became a supergroup has a new id; the reply still belongs there.
      const moved = isTelegramError(err, 400) ? err.parameters?.migrate_to_chat_id : undefined;
      if (!moved) throw err;
      return callApi(this.#telegram, 'sendMessage', { chat_id: moved, ...payload }, SEND_TIMEOUT_MS);
    }
  }

  async #bindOwner(deps: SenderDeps, chatId: number, messageId: number, ownerId: string): Promise<void> {
    try {
      await deps.redis.set(ownerKey(deps.prefix, chatId, messageId), ownerId, 'EX', OWNER_TTL_S);
    } catch (err) {
      // The message is out; failing now would send it twice. The flows still check who acts.
      this.#log.warn({ channel: TELEGRAM, err: describeFailure(err) }, 'could not bind a group keyboard to its person');
    }
  }

  async #attached() {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ChannelUnreachableError('telegram channel not attached to the app')),
        ATTACH_WAIT_MS,
      );
    });
    try {
      return await Promise.race([this.#ready, late]);
    } finally {
      clearTimeout(timer);
    }
  }
}

function clip(text: string): string {
  return text.length <= TEXT_MAX ? text : `${text.slice(0, TEXT_MAX - 1)}…`;
}
