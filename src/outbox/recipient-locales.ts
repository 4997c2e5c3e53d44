import { inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { messages } from '../db/index.js';
import { isLanguage, type Language } from '../i18n/index.js';
import { PerTurn } from '../per-turn.js';
import { zoneOf } from '../sop/index.js';

type Addressed = Pick<typeof messages.$inferSelect, 'id'>;

export interface Locale {
  readonly language: Language;
  readonly zone: string;
}

/**
 * Each message's recipient's language and time zone, by recipientColumn's rule: one statement for
 * them all, whatever the number of messages.
 */
export async function localesOf(db: Db, rows: readonly Addressed[], defaultZone: string): Promise<Locale[]> {
  const fallbackZone = zoneOf(defaultZone);
  const found = await db
    .select({ id: messages.id, recipient: recipientColumn })
    .from(messages)
    .where(inArray(messages.id, [...new Set(rows.map((row) => row.id))]));
  const recipients = new Map(found.map((f) => [f.id, f.recipient]));
  return rows.map((row) => localeOf(recipients.get(row.id) ?? null, fallbackZone));
}

/** What was found of a recipient: their language, and the zone of their unit (an official) or of their case's. */
export interface RecipientFound {
  readonly language: string | null;
  readonly zone: string | null;
}

/** The locale of a recipient from what was found of them: Indonesian and `fallbackZone` (zoneOf's) where nothing was. */
export function localeOf(found: RecipientFound | null, fallbackZone: string): Locale {
  return {
    language: found?.language && isLanguage(found.language) ? found.language : 'id',
    zone: found?.zone ? zoneOf(found.zone) : fallbackZone,
  };
}

/**
 * A message's recipient as one json column (a RecipientFound, null for anyone but an official or a
 * stakeholder) of a statement that reads messages: an official's own language and their unit's
 * zone; a stakeholder's own language and the zone of the unit handling their case. The outbox's
 * claim reads it with the rows it claims, localesOf for the messages it is given.
 */
export const recipientColumn = sql<RecipientFound | null>`case "messages"."recipient_kind"
  when 'official' then (
    select json_build_object('language', o.language, 'zone', u.time_zone)
    from officials o join units u on u.id = o.unit_id where o.id = "messages"."recipient_id")
  when 'stakeholder' then json_build_object(
    'language', (select s.language from stakeholders s where s.id = "messages"."recipient_id"),
    'zone', (select u.time_zone from cases c join units u on u.id = c.unit_id where c.id = "messages"."case_id"))
  end`;

/**
 * localesOf for the messages rendered in the same turn of the event loop (the sends of one
 * claim, a hundred reminders at a time): one lookup for them all instead of a query each, which
 * was most of the statements a burst of reminders sent.
 */
export class RecipientLocales extends PerTurn<Addressed, Locale> {
  constructor(db: Db, defaultZone: string) {
    super((rows) => localesOf(db, rows, defaultZone));
  }
}
