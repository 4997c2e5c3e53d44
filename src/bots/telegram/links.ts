import { and, eq, inArray, like } from 'drizzle-orm';
import type { Db } from '../../db/index.js';
import { channelLinks } from '../../db/index.js';
import { REFUSED_PREFIX } from './errors.js';
import { TELEGRAM } from './health.js';

/*
 * A 403 (the person blocked the bot, or never started it) deactivates their link, through the
 * outbox or through Telegram's my_chat_member update. When they write again or unblock the bot,
 * the link Telegram took away is given back; links turned off for any other reason stay off.
 */

export async function dropLink(db: Db, address: string): Promise<void> {
  await db
    .update(channelLinks)
    .set({ active: false, lastError: `${REFUSED_PREFIX}: blocked the bot` })
    .where(and(eq(channelLinks.channel, TELEGRAM), eq(channelLinks.address, address), eq(channelLinks.active, true)));
}

export function restoreLink(db: Db, address: string): Promise<void> {
  return restoreLinks(db, [address]);
}

/** restoreLink for the chats of a polled batch, in one statement. */
export async function restoreLinks(db: Db, addresses: readonly string[]): Promise<void> {
  if (addresses.length === 0) return;
  await db
    .update(channelLinks)
    .set({ active: true, lastError: null, lastSeenAt: new Date() })
    .where(
      and(
        eq(channelLinks.channel, TELEGRAM),
        inArray(channelLinks.address, [...addresses]),
        eq(channelLinks.active, false),
        like(channelLinks.lastError, `${REFUSED_PREFIX}%`),
      ),
    );
}
