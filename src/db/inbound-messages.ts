import { and, eq, inArray, isNotNull, lt } from 'drizzle-orm';
import type { Db, Tx } from './client.js';
import { inboundMessages } from './schema.js';

/**
 * Every message people send is recorded once per channel and key (the channel's delivery id). The
 * claim, the look-up and the release of keys live here, so the receivers, the flows and the tests
 * ask the same question the same way.
 */

/** A message as it is recorded. */
export interface InboundRecord {
  readonly channel: string;
  readonly address: string;
  readonly key: string;
  readonly text?: string | undefined;
  readonly choice?: string | undefined;
  readonly attachment?: { readonly id: string } | undefined;
}

/**
 * Records the message under its key, inside the caller's transaction; false when the key is
 * already taken (a redelivery), and then nothing is written. A rolled-back transaction gives the
 * key back, so a delivery that failed half-way is processed again when it comes back.
 */
export async function claimInboundKey(tx: Tx, message: InboundRecord): Promise<boolean> {
  const fresh = await tx
    .insert(inboundMessages)
    .values({
      channel: message.channel,
      address: message.address,
      key: message.key,
      text: message.text ?? null,
      choice: message.choice ?? null,
      attachmentId: message.attachment?.id ?? null,
    })
    .onConflictDoNothing()
    .returning({ id: inboundMessages.id });
  return fresh.length > 0;
}

/** Whether a message under this key was already recorded (a receiver skips a redelivery before downloading anything). */
export async function inboundKeyTaken(db: Tx, channel: string, key: string): Promise<boolean> {
  const [row] = await db
    .select({ id: inboundMessages.id })
    .from(inboundMessages)
    .where(and(eq(inboundMessages.channel, channel), eq(inboundMessages.key, key)))
    .limit(1);
  return row !== undefined;
}

/** Rows released per statement, so a first run over a large table holds no long lock. */
const BATCH = 5000;

/**
 * Releases the idempotency keys of a channel's messages received before `olderThan`: the messages
 * stay (the chat history, exports and reports read them), only their key becomes null, and the
 * same key is taken as new again. Returns how many were released.
 */
export async function releaseInboundKeys(db: Db, channel: string, olderThan: Date): Promise<number> {
  let released = 0;
  for (;;) {
    const batch = db
      .select({ id: inboundMessages.id })
      .from(inboundMessages)
      .where(
        and(
          eq(inboundMessages.channel, channel),
          isNotNull(inboundMessages.key),
          lt(inboundMessages.receivedAt, olderThan),
        ),
      )
      .limit(BATCH);
    const rows = await db
      .update(inboundMessages)
      .set({ key: null })
      .where(inArray(inboundMessages.id, batch))
      .returning({ id: inboundMessages.id });
    released += rows.length;
    if (rows.length < BATCH) return released;
  }
}
