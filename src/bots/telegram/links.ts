import { and, eq, like, sql } from 'drizzle-orm';
import type { Db } from '../../db/index.js';
import { channelLinks, queryRows } from '../../db/index.js';
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

export async function restoreLink(db: Db, address: string): Promise<void> {
  await db
    .update(channelLinks)
    .set({ active: true, lastError: null, lastSeenAt: new Date() })
    .where(
      and(
        eq(channelLinks.channel, TELEGRAM),
        eq(channelLinks.address, address),
        eq(channelLinks.active, false),
        like(channelLinks.lastError, `${REFUSED_PREFIX}%`),
      ),
    );
}

/** A polled update as the batch's look-up takes it: its key, and the private chat it shows writing, if any. */
export interface BatchUpdate {
  readonly key: string;
  readonly writing: string | null;
}

/**
 * What a polled batch asks the database before its updates are handled, in one statement: which
 * keys were already recorded (redeliveries, returned), and, as restoreLinks does, the links given
 * back of the chats the other updates show writing. One round trip instead of two before the
 * first update of a batch can start, which a lone update's reply waits on.
 */
export async function takenKeysRestoringLinks(db: Db, updates: readonly BatchUpdate[]): Promise<Set<string>> {
  if (updates.length === 0) return new Set();
  const rows = await queryRows<{ key: string }>(
    db,
    sql`with batch as (
      select * from unnest(${sql.param(updates.map((u) => u.key))}::text[],
                           ${sql.param(updates.map((u) => u.writing))}::text[]) as b(key, writing)
    ), taken as (
      select i.key from inbound_messages i
      where i.channel = ${TELEGRAM} and i.key in (select key from batch)
    ), restored as (
      update channel_links set active = true, last_error = null, last_seen_at = now()
      where channel = ${TELEGRAM} and active = false and last_error like ${`${REFUSED_PREFIX}%`}
        and address in (select writing from batch where writing is not null and key not in (select key from taken))
    )
    select key from taken`,
  );
  return new Set(rows.map((r) => r.key));
}
