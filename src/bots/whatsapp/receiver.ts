import type { BaileysEventMap, WAMessage } from '@whiskeysockets/baileys';
import type { Db } from '../../db/index.js';
import { inboundKeyTaken } from '../../db/index.js';
import type { AttachmentStore } from '../../files/index.js';
import type { Inbound, Sender } from '../../flows/index.js';
import type { Logger } from '../../log.js';
import { CHANNEL } from './channel-name.js';
import type { ChatRef } from './chat-ref.js';
import type { WhatsAppContacts } from './contacts.js';
import { errorText } from './error-text.js';
import { type Incoming, readIncoming } from './inbound.js';
import { type MediaDownload, storeMedia } from './media.js';
import { MemoryCache } from './memory-cache.js';
import type { OfferedChoices } from './offered-choices.js';
import type { WhatsAppSocket } from './socket.js';

export interface ReceiverOptions {
  readonly db: Db;
  /** App.flows: where every message goes, once. */
  readonly handle: (inbound: Inbound) => Promise<unknown>;
  /** App.senderLimit: counts a message against its sender's limit; false when it is to be dropped. */
  readonly admit: (sender: Sender) => Promise<boolean>;
  readonly contacts: WhatsAppContacts;
  readonly offered: OfferedChoices;
  readonly attachments: AttachmentStore;
  readonly download: MediaDownload;
  /** WHATSAPP_GROUPS. */
  readonly groups: ReadonlySet<string>;
  readonly log: Logger;
  readonly chatRef: ChatRef;
  /** A message WhatsApp could not decrypt ("Bad MAC"…), for the broken-session count. */
  readonly undecryptable: (error: string) => void;
  /** The person at `address` wrote and the flows took it (e.g. release what the daily cap held for them). */
  readonly wrote?: (address: string) => Promise<unknown>;
}

type Message = Extract<Incoming, { kind: 'message' }>;

// A message the flows could not take (database down) is tried again after 1, 2 and 4 seconds.
const TRIES = 4;
const FIRST_WAIT_MS = 1000;

/**
 * Turns messages.upsert into Inbound messages for the flows. A chat's messages are handed over one
 * at a time, in the order they came; different chats go side by side. WhatsApp does not redeliver
 * what it saw acknowledged, so a failure is tried again a few times before it is given up (logged).
 */
export class Receiver {
  readonly #opts: ReceiverOptions;
  // Baileys emits a message again after a reconnect; this spares the database the common repeats,
  // and the flows' unique key catches the rest.
  readonly #seen = new MemoryCache(24 * 3600_000, 20_000);
  readonly #chats = new Map<string, Promise<void>>();

  constructor(opts: ReceiverOptions) {
    this.#opts = opts;
  }

  accept(socket: WhatsAppSocket, upsert: BaileysEventMap['messages.upsert']): void {
    for (const message of upsert.messages) {
      const incoming = readIncoming(message, this.#opts.groups);
      if (incoming.kind === 'ignored') {
        this.#opts.log.debug({ reason: incoming.reason }, 'whatsapp message ignored');
        continue;
      }
      if (incoming.kind === 'undecryptable') {
        this.#opts.undecryptable(incoming.error);
        continue;
      }
      const key = `wa:${incoming.chat}:${incoming.id}`;
      if (this.#seen.get(key)) continue;
      this.#enqueue(`${incoming.chat}|${incoming.sender}`, () => this.#receive(socket, message, incoming, key));
    }
  }

  /** Resolves when every message accepted so far has been handed over (or given up). */
  async drain(): Promise<void> {
    while (this.#chats.size > 0) await Promise.all(this.#chats.values());
  }

  #enqueue(chat: string, work: () => Promise<void>): void {
    const previous = this.#chats.get(chat) ?? Promise.resolve();
    const next = previous.then(work).finally(() => {
      if (this.#chats.get(chat) === next) this.#chats.delete(chat);
    });
    this.#chats.set(chat, next);
  }

  async #receive(socket: WhatsAppSocket, message: WAMessage, incoming: Message, key: string): Promise<void> {
    const { log, chatRef } = this.#opts;
    // A repeat queued behind the first delivery of the same message.
    if (this.#seen.get(key)) return;
    let ref = 'unknown';
    let admitted = false;
    for (let attempt = 1; ; attempt++) {
      try {
        const address = await this.#opts.contacts.addressOf(incoming.sender, incoming.senderAlt, (lid) =>
          socket.signalRepository.lidMapping.getPNForLID(lid),
        );
        ref = chatRef(address);
        // Counted once, however often it is tried; over the limit it is dropped before any download.
        if (!admitted && !(await this.#opts.admit({ channel: CHANNEL, address, ...replyTo(incoming) }))) {
          this.#seen.set(key, true);
          return;
        }
        admitted = true;
        const inbound = await this.#inbound(socket, message, incoming, key, address);
        if (inbound) await this.#opts.handle(inbound);
        this.#seen.set(key, true);
        // After the hand-over, and never a reason to hand the message over again.
        await this.#opts
          .wrote?.(address)
          .catch((err: unknown) =>
            log.warn({ chat: ref, err: errorText(err) }, 'whatsapp: after a message, held messages not released'),
          );
        log.debug({ chat: ref, attachment: Boolean(inbound?.attachment) }, 'whatsapp message handed over');
        return;
      } catch (err) {
        if (attempt >= TRIES) {
          log.error({ chat: ref, err: errorText(err) }, 'whatsapp message lost: the flows could not take it');
          return;
        }
        log.warn({ chat: ref, attempt, err: errorText(err) }, 'whatsapp message not handed over; trying again');
        await new Promise((r) => setTimeout(r, FIRST_WAIT_MS * 2 ** (attempt - 1)));
      }
    }
  }

  async #inbound(
    socket: WhatsAppSocket,
    message: WAMessage,
    incoming: Message,
    key: string,
    address: string,
  ): Promise<Inbound | null> {
    let attachment: Inbound['attachment'];
    if (incoming.media) {
      // Checked before downloading: a file stored for a message the flows already took would be an orphan.
      if (await this.#known(key)) return null;
      const stored = await storeMedia(
        incoming.media,
        () => this.#opts.download(message, socket),
        this.#opts.attachments,
        `${CHANNEL}:${address}`,
      );
      if ('refused' in stored) {
        this.#opts.log.info({ chat: this.#opts.chatRef(address), reason: stored.refused }, 'whatsapp file refused');
      } else attachment = stored.attachment;
    }
    const choice = attachment
      ? null
      : await this.#opts.offered.pick(incoming.group ? null : address, incoming.text, incoming.quotedId);
    return {
      channel: CHANNEL,
      address,
      ...replyTo(incoming),
      key,
      ...(incoming.text ? { text: incoming.text } : {}),
      ...(choice ? { choice } : {}),
      ...(attachment ? { attachment } : {}),
    };
  }

  #known(key: string): Promise<boolean> {
    return inboundKeyTaken(this.#opts.db, CHANNEL, key);
  }
}

/** In a group the person stays who writes and acts; the answers go to the group. */
function replyTo(incoming: Message): Pick<Inbound, 'replyTo'> {
  return incoming.group ? { replyTo: incoming.group } : {};
}
