import { type AnyMessageContent, isJidGroup, type proto, type WAMessage } from '@whiskeysockets/baileys';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { inboundMessages } from '../../db/schema.js';
import type { Logger } from '../../log.js';
import type { OutgoingMessage } from '../channel.js';
import { ChannelRefusedError, ChannelUnreachableError } from '../errors.js';
import { CHANNEL } from './channel.js';
import type { ChatRef } from './chat-ref.js';
import { errorText } from './error-text.js';
import { MemoryCache } from './memory-cache.js';
import type { OfferedChoices } from './offered-choices.js';
import { documentContent, textContent } from './outbound.js';
import type { WhatsAppSocket } from './socket.js';

export interface SenderOptions {
  readonly db: Db;
  /** The connection this process holds; its socket is set only while open. */
  readonly connection: { readonly socket: WhatsAppSocket | undefined };
  readonly offered: OfferedChoices;
  /** WHATSAPP_GROUPS: the only groups answers may go to. */
  readonly groups: ReadonlySet<string>;
  /** WHATSAPP_TYPING_MS. */
  readonly typingMs: number;
  readonly log: Logger;
  readonly chatRef: ChatRef;
}

// Long enough for a recipient's phone to ask again for a message it could not decrypt.
const RECENT_MS = 15 * 60_000;

/**
 * Sends outbox messages over the socket: "typing…" first, then the text with its numbered menu,
 * or the document with the text as caption. A send while the socket is down fails as unreachable,
 * so the outbox keeps the message and tries again after the reconnect.
 */
export class Sender {
  readonly #opts: SenderOptions;
  // What this device sent lately, for Baileys' getMessage: answering a retry request with nothing
  // leaves the recipient on "waiting for this message" (Baileys PR #2707). Kept in memory because
  // the outbox row does not hold the WhatsApp id of what was sent.
  readonly #recent = new MemoryCache(RECENT_MS, 5_000);
  // Outbox rows already sent, so a job run again after a lost acknowledgement does not send twice.
  readonly #sentRows = new MemoryCache(RECENT_MS, 5_000);

  constructor(opts: SenderOptions) {
    this.#opts = opts;
  }

  /** A message this device sent in the last 15 minutes, by its WhatsApp id. */
  recentMessage(id: string | null | undefined): proto.IMessage | undefined {
    return id ? this.#recent.get<proto.IMessage>(id) : undefined;
  }

  async send(message: OutgoingMessage): Promise<void> {
    if (this.#sentRows.get(message.id)) return;
    const { address } = message;
    const chat = this.#opts.chatRef(address);
    if (!(await this.#wroteFirst(address))) {
      throw new ChannelRefusedError(
        'not sent: this WhatsApp address never wrote to the service (or is a group not in WHATSAPP_GROUPS), and messages to numbers that did not write first get the number banned',
      );
    }
    if (this.#opts.typingMs > 0) {
      // Presence is a courtesy: if it fails, the send below tells whether the socket is still there.
      await this.#socket()
        .sendPresenceUpdate('composing', address)
        .catch(() => {});
      await new Promise((r) => setTimeout(r, this.#opts.typingMs));
    }
    // Asked again: the socket may have dropped, or been replaced, while "typing".
    const socket = this.#socket();
    const sent = await this.#deliver(socket, address, message, chat);
    this.#sentRows.set(message.id, true);
    if (this.#opts.typingMs > 0) void socket.sendPresenceUpdate('paused', address).catch(() => {});
    const id = sent?.key.id;
    if (!id) return;
    if (sent.message) this.#recent.set(id, sent.message);
    // Sent is sent: a menu not remembered only means a numbered reply falls back to the flow's own.
    await this.#opts.offered.remember(address, id, message.choices).catch((err: unknown) => {
      this.#opts.log.warn({ chat, err: errorText(err) }, 'whatsapp menu not remembered');
    });
  }

  #socket(): WhatsAppSocket {
    const socket = this.#opts.connection.socket;
    if (!socket) throw new ChannelUnreachableError('WhatsApp is not connected; the message waits for the reconnect');
    return socket;
  }

  async #deliver(
    socket: WhatsAppSocket,
    jid: string,
    message: OutgoingMessage,
    chat: string,
  ): Promise<WAMessage | undefined> {
    const document = documentContent(message);
    if (document) {
      try {
        return await socket.sendMessage(jid, document);
      } catch (err) {
        if (this.#opts.connection.socket !== socket) throw unreachable(err);
        // The file could not be fetched from our own link (PUBLIC_URL not reachable from here…):
        // the text carries the same link.
        this.#opts.log.warn({ chat, err: errorText(err) }, 'whatsapp document not attached; sent as a link');
      }
    }
    return this.#sendText(socket, jid, textContent(message));
  }

  async #sendText(socket: WhatsAppSocket, jid: string, content: AnyMessageContent): Promise<WAMessage | undefined> {
    try {
      return await socket.sendMessage(jid, content);
    } catch (err) {
      throw unreachable(err);
    }
  }

  async #wroteFirst(address: string): Promise<boolean> {
    if (isJidGroup(address)) return this.#opts.groups.has(address);
    const [row] = await this.#opts.db
      .select({ id: inboundMessages.id })
      .from(inboundMessages)
      .where(and(eq(inboundMessages.channel, CHANNEL), eq(inboundMessages.address, address)))
      .limit(1);
    return row !== undefined;
  }
}

function unreachable(err: unknown): ChannelUnreachableError {
  return new ChannelUnreachableError(`WhatsApp send failed: ${(err as Error).message}`, { cause: err });
}
