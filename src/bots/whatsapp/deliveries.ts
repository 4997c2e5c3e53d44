import { and, eq, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/index.js';
import { messages } from '../../db/index.js';
import type { Logger } from '../../log.js';
import { type Ack, isAdvance, isDoNotRetry } from './acks.js';
import { CHANNEL } from './channel-name.js';
import { errorText } from './error-text.js';
import { MemoryCache } from './memory-cache.js';

export type MessageRow = typeof messages.$inferSelect;

export interface DeliveriesOptions {
  readonly db: Db;
  readonly log: Logger;
  /** WHATSAPP_ACK_TIMEOUT_MS: how long a send may wait for the server's ack. */
  readonly ackTimeoutMs: number;
  /** Queues a row again (after a missed ack). */
  readonly requeue: (messageId: string) => Promise<void>;
  /** WhatsApp refused the row for good (463): it should reach the person another way. */
  readonly refused: (row: MessageRow) => Promise<void>;
}

// An ack may be read before the send's row learned its WhatsApp id: kept until the row does.
const EARLY_MS = 5 * 60_000;

/**
 * Follows what WhatsApp says of each message after the send: the server's ack makes it 'sent',
 * receipts add delivered and read, an error ack fails it with its code. A send with no server ack
 * within the bound is sent once more, then failed: the socket accepting a message proves nothing.
 */
export class Deliveries {
  readonly #opts: DeliveriesOptions;
  readonly #early = new MemoryCache(EARLY_MS, 5_000);
  // Acks of one message are applied one after another, so "server" cannot overwrite "read".
  #applying: Promise<void> = Promise.resolve();

  constructor(opts: DeliveriesOptions) {
    this.#opts = opts;
  }

  /** Applies acks in the order they came; failures are logged, not thrown (they come from the socket). */
  accept(acks: readonly Ack[]): Promise<void> {
    if (acks.length === 0) return this.#applying;
    this.#applying = this.#applying.then(async () => {
      for (const ack of acks) {
        await this.#apply(ack).catch((err: unknown) =>
          this.#opts.log.warn({ err: errorText(err), state: ack.state }, 'whatsapp ack not recorded'),
        );
      }
    });
    return this.#applying;
  }

  /** The row just learned its WhatsApp id: applies what was acked before it did. */
  async recorded(waId: string): Promise<void> {
    const early = this.#early.get<Ack[]>(waId);
    if (!early) return;
    this.#early.del(waId);
    await this.accept(early);
  }

  async #apply(ack: Ack): Promise<void> {
    const { db } = this.#opts;
    const [row] = await db
      .select()
      .from(messages)
      .where(and(eq(messages.channel, CHANNEL), eq(messages.externalId, ack.id)))
      .limit(1);
    if (!row) {
      this.#early.set(ack.id, [...(this.#early.get<Ack[]>(ack.id) ?? []), ack]);
      return;
    }
    if (!isAdvance(row.delivery, ack.state)) return;
    if (ack.state !== 'error') {
      await db
        .update(messages)
        .set({
          delivery: ack.state,
          deliveryAt: new Date(),
          // Any word from WhatsApp past the socket means its server took the message. That includes
          // a row put back to wait for its resend after a missed ack: the late ack makes the resend
          // needless (the outbox skips a row no longer pending), so the person gets one copy.
          status: sql`case when ${messages.status} = 'sending' or (${messages.status} = 'pending' and ${messages.ackMisses} > 0) then 'sent' else ${messages.status} end`,
        })
        .where(eq(messages.id, row.id));
      return;
    }
    if (row.status !== 'sending' && row.status !== 'sent') return;
    const lastError = `WhatsApp refused the message (error ack ${ack.code}${ack.reason ? `: ${ack.reason}` : ''})`;
    const [failed] = await db
      .update(messages)
      .set({ status: 'dead', delivery: 'error', deliveryAt: new Date(), errorCode: ack.code ?? null, lastError })
      .where(and(eq(messages.id, row.id), eq(messages.status, row.status)))
      .returning();
    this.#opts.log.warn({ messageId: row.id, code: ack.code }, 'whatsapp error ack: message failed');
    if (failed && isDoNotRetry(ack.code)) await this.#opts.refused(failed);
  }

  /**
   * Sends without a server ack past the bound: the first miss goes back to the outbox, the second
   * fails the row. Called while the socket is open, so an outage is not counted against a message.
   */
  async sweep(now = Date.now()): Promise<void> {
    const { db, ackTimeoutMs, log } = this.#opts;
    const overdue = await db
      .select({ id: messages.id, misses: messages.ackMisses })
      .from(messages)
      .where(
        and(
          eq(messages.channel, CHANNEL),
          eq(messages.status, 'sending'),
          lt(messages.sentAt, new Date(now - ackTimeoutMs)),
        ),
      )
      .limit(500);
    const seconds = Math.round(ackTimeoutMs / 1000);
    for (const row of overdue) {
      if (row.misses === 0) {
        const moved = await db
          .update(messages)
          .set({ status: 'pending', ackMisses: 1, lastError: `no server ack within ${seconds} s; sent again` })
          .where(and(eq(messages.id, row.id), eq(messages.status, 'sending')))
          .returning({ id: messages.id });
        if (moved.length > 0) {
          log.warn({ messageId: row.id }, 'whatsapp send not acknowledged; sending it once more');
          await this.#opts.requeue(row.id);
        }
        continue;
      }
      await db
        .update(messages)
        .set({ status: 'dead', ackMisses: row.misses + 1, lastError: `no server ack within ${seconds} s, twice` })
        .where(and(eq(messages.id, row.id), eq(messages.status, 'sending')));
      log.warn({ messageId: row.id }, 'whatsapp send not acknowledged twice; failed');
    }
  }
}
