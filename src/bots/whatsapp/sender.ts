import {
  type AnyMessageContent,
  isJidGroup,
  type MiscMessageGenerationOptions,
  type WAMessage,
} from '@whiskeysockets/baileys';
import { and, eq, gt } from 'drizzle-orm';
import type { Db } from '../../db/index.js';
import { inboundMessages, messages } from '../../db/index.js';
import type { Logger } from '../../log.js';
import type { OutgoingMessage } from '../../outbox/index.js';
import { ChannelRateLimitedError, ChannelRefusedError, ChannelUnreachableError } from '../../outbox/index.js';
import { CHANNEL } from './channel-name.js';
import type { ChannelStatus } from './channel-status.js';
import type { ChatRef } from './chat-ref.js';
import type { ColdCap } from './cold-cap.js';
import type { Deliveries } from './deliveries.js';
import { errorText } from './error-text.js';
import type { OfferedChoices } from './offered-choices.js';
import { documentContent, textContent } from './outbound.js';
import type { SentMessages } from './sent-messages.js';
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
  /** WHATSAPP_JITTER_MS: up to this much random wait before each send. */
  readonly jitterMs: number;
  readonly sent: SentMessages;
  readonly deliveries: Deliveries;
  readonly coldCap: ColdCap;
  readonly status: ChannelStatus;
  readonly log: Logger;
  readonly chatRef: ChatRef;
  /** Math.random unless a test fixes it. */
  readonly random?: () => number;
}

/** People who wrote within this window are in conversation; beyond it a message is a reach-out. */
const CONVERSATION_MS = 24 * 3600_000;
/** How soon a message waiting for the socket (reconnecting, logged out) is looked at again. */
const DISCONNECTED_RETRY_MS = 3_000;
export const DISCONNECTED = 'WhatsApp is not connected; the message waits for the reconnect or a new pairing';

/**
 * Sends outbox messages over the socket: "typing…" first, then the text with its numbered menu,
 * or the document with the text as caption. The row then waits for WhatsApp's server ack (see
 * Deliveries). While the socket is down the message waits without using up its attempts, so
 * everything queued goes out once WhatsApp is back, even after pairing again.
 */
export class Sender {
  readonly #opts: SenderOptions;
  readonly #random: () => number;

  constructor(opts: SenderOptions) {
    this.#opts = opts;
    this.#random = opts.random ?? Math.random;
  }

  async send(message: OutgoingMessage): Promise<void> {
    const { address } = message;
    const chat = this.#opts.chatRef(address);
    if (!(await this.#wroteFirst(address))) {
      throw new ChannelRefusedError(
        'not sent: this WhatsApp address never wrote to the service (or is a group not in WHATSAPP_GROUPS), and messages to numbers that did not write first get the number banned',
      );
    }
    await this.#waitForSocket(message.id);
    if (!isJidGroup(address)) await this.#countReachOut(message.id, address);
    if (this.#opts.jitterMs > 0) await sleep(Math.round(this.#random() * this.#opts.jitterMs));
    if (this.#opts.typingMs > 0) {
      // Presence is a courtesy: if it fails, the send below tells whether the socket is still there.
      await (await this.#waitForSocket(message.id)).sendPresenceUpdate('composing', address).catch(() => {});
      await sleep(this.#opts.typingMs);
    }
    // Asked again: the socket may have dropped, or been replaced, while "typing".
    const socket = await this.#waitForSocket(message.id);
    const sent = await this.#deliver(socket, address, message, chat, await this.#earlierId(message.id));
    if (this.#opts.typingMs > 0) void socket.sendPresenceUpdate('paused', address).catch(() => {});
    const id = sent?.key.id;
    if (!id) return;
    // Before the row moves on: a reply to the menu may come as soon as the message is seen. Sent is
    // sent: a menu not remembered only means a numbered reply falls back to the flow's own.
    await this.#opts.offered.remember(address, id, message.choices).catch((err: unknown) => {
      this.#opts.log.warn({ chat, err: errorText(err) }, 'whatsapp menu not remembered');
    });
    await this.#opts.sent.record(message.id, id, sent.message);
    await this.#opts.deliveries.recorded(id);
  }

  /** The open socket; without one the message goes back to wait, its attempts untouched. */
  async #waitForSocket(rowId: string): Promise<WhatsAppSocket> {
    const socket = this.#opts.connection.socket;
    if (socket) return socket;
    await this.#opts.db
      .update(messages)
      .set({ lastError: DISCONNECTED })
      .where(eq(messages.id, rowId))
      .catch(() => {});
    throw new ChannelRateLimitedError(DISCONNECTED_RETRY_MS);
  }

  /** A message to someone silent for a day counts against the daily cap; past it, it is held till tomorrow. */
  async #countReachOut(rowId: string, address: string): Promise<void> {
    if (await this.#wroteWithin(address, CONVERSATION_MS)) return;
    const { coldCap, status, db } = this.#opts;
    const take = await coldCap.take(rowId);
    void status.note({ coldToday: take.count, coldCap: coldCap.cap, coldDay: take.day });
    if (take.allowed) return;
    await db.update(messages).set({ heldReason: 'daily_cap' }).where(eq(messages.id, rowId));
    this.#opts.log.warn(
      { messageId: rowId, cap: coldCap.cap },
      'whatsapp daily cap reached; message held until tomorrow',
    );
    throw new ChannelRateLimitedError(Math.max(1000, take.retryAt.getTime() - Date.now()));
  }

  /**
   * The WhatsApp id of an earlier send of this row that WhatsApp never answered (no ack, no
   * receipt: it may have arrived). The send again carries the same id, as WhatsApp's own clients
   * do when they resend: a phone keeps one message per id, so a late first copy and the resend
   * show once, and the late ack still finds the row. A send WhatsApp refused gets a fresh id.
   */
  async #earlierId(rowId: string): Promise<string | undefined> {
    const [row] = await this.#opts.db
      .select({ externalId: messages.externalId, delivery: messages.delivery })
      .from(messages)
      .where(eq(messages.id, rowId));
    return row?.externalId && row.delivery === null ? row.externalId : undefined;
  }

  async #deliver(
    socket: WhatsAppSocket,
    jid: string,
    message: OutgoingMessage,
    chat: string,
    messageId: string | undefined,
  ): Promise<WAMessage | undefined> {
    const options = messageId ? { messageId } : {};
    const document = documentContent(message);
    if (document) {
      try {
        return await socket.sendMessage(jid, document, options);
      } catch (err) {
        if (this.#opts.connection.socket !== socket) throw unreachable(err);
        // The file could not be fetched from our own link (PUBLIC_URL not reachable from here…):
        // the text carries the same link.
        this.#opts.log.warn({ chat, err: errorText(err) }, 'whatsapp document not attached; sent as a link');
      }
    }
    return this.#sendText(socket, jid, textContent(message), options);
  }

  async #sendText(
    socket: WhatsAppSocket,
    jid: string,
    content: AnyMessageContent,
    options: MiscMessageGenerationOptions,
  ): Promise<WAMessage | undefined> {
    try {
      return await socket.sendMessage(jid, content, options);
    } catch (err) {
      throw unreachable(err);
    }
  }

  async #wroteFirst(address: string): Promise<boolean> {
    if (isJidGroup(address)) return this.#opts.groups.has(address);
    return this.#wroteWithin(address, null);
  }

  async #wroteWithin(address: string, ms: number | null): Promise<boolean> {
    const [row] = await this.#opts.db
      .select({ id: inboundMessages.id })
      .from(inboundMessages)
      .where(
        and(
          eq(inboundMessages.channel, CHANNEL),
          eq(inboundMessages.address, address),
          ms === null ? undefined : gt(inboundMessages.receivedAt, new Date(Date.now() - ms)),
        ),
      )
      .limit(1);
    return row !== undefined;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function unreachable(err: unknown): ChannelUnreachableError {
  return new ChannelUnreachableError(`WhatsApp send failed: ${(err as Error).message}`, { cause: err });
}
