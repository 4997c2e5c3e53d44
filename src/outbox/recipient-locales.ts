import { eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { cases, type messages, officials, stakeholders, units } from '../db/index.js';
import { isLanguage, type Language } from '../i18n/index.js';
import { PerTurn } from '../per-turn.js';
import { zoneOf } from '../sop/index.js';

type Addressed = Pick<typeof messages.$inferSelect, 'recipientKind' | 'recipientId' | 'caseId'>;

export interface Locale {
  readonly language: Language;
  readonly zone: string;
}

/**
 * Each recipient's language and time zone: an official's own language and their unit's zone; a
 * stakeholder's own language and the zone of the unit handling their case; Indonesian and the
 * default zone for anyone else or anyone not found. One query per kind of recipient, whatever
 * the number of messages.
 */
export async function localesOf(db: Db, rows: readonly Addressed[], defaultZone: string): Promise<Locale[]> {
  const fallbackZone = zoneOf(defaultZone);
  const ids = (kind: string, pick: (r: Addressed) => string | null) => [
    ...new Set(rows.flatMap((r) => (r.recipientKind === kind && pick(r) !== null ? [pick(r) as string] : []))),
  ];
  const officialIds = ids('official', (r) => r.recipientId);
  const stakeholderIds = ids('stakeholder', (r) => r.recipientId);
  const caseIds = ids('stakeholder', (r) => r.caseId);
  const [staff, people, caseUnits] = await Promise.all([
    officialIds.length === 0
      ? []
      : db
          .select({ id: officials.id, language: officials.language, zone: units.timeZone })
          .from(officials)
          .innerJoin(units, eq(units.id, officials.unitId))
          .where(inArray(officials.id, officialIds)),
    stakeholderIds.length === 0
      ? []
      : db
          .select({ id: stakeholders.id, language: stakeholders.language })
          .from(stakeholders)
          .where(inArray(stakeholders.id, stakeholderIds)),
    caseIds.length === 0
      ? []
      : db
          .select({ id: cases.id, zone: units.timeZone })
          .from(cases)
          .innerJoin(units, eq(units.id, cases.unitId))
          .where(inArray(cases.id, caseIds)),
  ]);
  const official = new Map(staff.map((o) => [o.id, o]));
  const language = new Map(people.map((s) => [s.id, s.language]));
  const caseZone = new Map(caseUnits.map((c) => [c.id, c.zone]));
  return rows.map((row) => {
    if (row.recipientKind === 'official') return localeOf(official.get(row.recipientId) ?? null, fallbackZone);
    if (row.recipientKind === 'stakeholder') {
      const zone = row.caseId ? caseZone.get(row.caseId) : undefined;
      return localeOf({ language: language.get(row.recipientId) ?? null, zone: zone ?? null }, fallbackZone);
    }
    return localeOf(null, fallbackZone);
  });
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
 * localesOf's look-up as one json column (a RecipientFound, null for anyone else) of a statement
 * that reads messages: the outbox's claim reads it with the rows it claims.
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
