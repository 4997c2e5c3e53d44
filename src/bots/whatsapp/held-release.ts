import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/index.js';
import { messages } from '../../db/index.js';
import type { JobQueues } from '../../jobs/index.js';
import { CHANNEL } from './channel-name.js';

/**
 * Releases the messages the daily cap held for a person who has just written: they are in
 * conversation now, so those messages are no longer reach-outs and need not wait for tomorrow.
 * Without this the answer to what they wrote waited too, behind the held one in the chat's order.
 * Called once their message is recorded, so the sender sees them as someone who wrote.
 */
export async function releaseHeld(db: Db, queues: JobQueues, address: string): Promise<number> {
  const released = await db
    .update(messages)
    .set({ heldReason: null })
    .where(
      and(
        eq(messages.channel, CHANNEL),
        eq(messages.address, address),
        eq(messages.status, 'pending'),
        eq(messages.heldReason, 'daily_cap'),
      ),
    )
    .returning({ id: messages.id });
  for (const { id } of released) await queues.promoteMessage(id, CHANNEL);
  return released.length;
}
