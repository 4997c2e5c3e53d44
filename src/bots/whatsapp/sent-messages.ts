import { BufferJSON, proto } from '@whiskeysockets/baileys';
import { and, eq, gt } from 'drizzle-orm';
import type { Db } from '../../db/index.js';
import { messages } from '../../db/index.js';
import { CHANNEL } from './channel-name.js';

/**
 * How long a sent message is served to a recipient's retry request. A phone that was off asks
 * when it comes back online, often hours later; past a day the message is stale anyway.
 */
export const RETRY_WINDOW_MS = 24 * 3600_000;

/**
 * What this device sent, kept on the outbox row: the WhatsApp id (to match acks and retry
 * requests) and the message as it went over the wire. Answering a retry request with nothing
 * leaves the recipient on "waiting for this message" (Baileys PR #2707); kept in Postgres, the
 * answer survives a restart and a move of the socket to another machine.
 */
export class SentMessages {
  constructor(private readonly db: Db) {}

  /**
   * The row was handed to WhatsApp as `waId`: it waits for the server's ack ('sending'). A row no
   * longer pending (an ack got there first) keeps its state and only learns its id and content.
   */
  async record(rowId: string, waId: string, content: proto.IMessage | null | undefined): Promise<void> {
    const sentContent = content ? JSON.stringify(content, BufferJSON.replacer) : null;
    const sentAt = new Date();
    const moved = await this.db
      .update(messages)
      .set({ status: 'sending', externalId: waId, sentContent, sentAt, heldReason: null, lastError: null })
      .where(and(eq(messages.id, rowId), eq(messages.status, 'pending')))
      .returning({ id: messages.id });
    if (moved.length === 0) {
      await this.db.update(messages).set({ externalId: waId, sentContent }).where(eq(messages.id, rowId));
    }
  }

  /** Baileys' getMessage: the message this device sent as `waId`, if it is recent enough to send again. */
  async content(waId: string | null | undefined, now = Date.now()): Promise<proto.IMessage | undefined> {
    if (!waId) return undefined;
    const [row] = await this.db
      .select({ content: messages.sentContent })
      .from(messages)
      .where(
        and(
          eq(messages.channel, CHANNEL),
          eq(messages.externalId, waId),
          gt(messages.sentAt, new Date(now - RETRY_WINDOW_MS)),
        ),
      )
      .limit(1);
    if (!row?.content) return undefined;
    return proto.Message.fromObject(JSON.parse(row.content, BufferJSON.reviver) as Record<string, unknown>);
  }
}
