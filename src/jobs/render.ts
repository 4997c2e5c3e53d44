import { eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { OutgoingMessage } from '../bots/channel.js';
import type { Db } from '../db/client.js';
import { type messages, officials, stakeholders, units } from '../db/schema.js';
import { isLanguage, type Language, t } from '../i18n/catalog.js';
import { zoneOf } from '../sop/working-calendar.js';

type MessageRow = typeof messages.$inferSelect;

const ZONE_LABELS: Record<string, string> = { 'Asia/Jakarta': 'WIB', 'Asia/Makassar': 'WITA', 'Asia/Jayapura': 'WIT' };

/** Renders an outbox row in its recipient's language, with times in the recipient's zone. */
export async function renderMessage(db: Db, row: MessageRow, defaultZone: string): Promise<OutgoingMessage> {
  const { language, zone } = await recipientLocale(db, row, defaultZone);
  const params: Record<string, string> = { ...row.params };
  if (params.due) params.due = formatTime(params.due, language, zone);
  return {
    id: row.id,
    address: row.address ?? '',
    text: t(language, row.template, params),
    choices: row.choices.map((c) => ({
      value: c.action,
      label: language === 'en' ? (c.label.en ?? c.label.id) : c.label.id,
    })),
  };
}

export function formatTime(iso: string, language: Language, zone: string): string {
  const time = DateTime.fromISO(iso, { zone }).setLocale(language === 'en' ? 'en-GB' : 'id-ID');
  if (!time.isValid) return iso;
  return `${time.toFormat('cccc, d LLL yyyy HH.mm')} ${ZONE_LABELS[zone] ?? zone}`;
}

async function recipientLocale(
  db: Db,
  row: MessageRow,
  defaultZone: string,
): Promise<{ language: Language; zone: string }> {
  const fallbackZone = zoneOf(defaultZone);
  if (row.recipientKind === 'official') {
    const [o] = await db
      .select({ language: officials.language, zone: units.timeZone })
      .from(officials)
      .innerJoin(units, eq(units.id, officials.unitId))
      .where(eq(officials.id, row.recipientId));
    return { language: o && isLanguage(o.language) ? o.language : 'id', zone: o ? zoneOf(o.zone) : fallbackZone };
  }
  if (row.recipientKind === 'stakeholder') {
    const [s] = await db
      .select({ language: stakeholders.language })
      .from(stakeholders)
      .where(eq(stakeholders.id, row.recipientId));
    return { language: s && isLanguage(s.language) ? s.language : 'id', zone: fallbackZone };
  }
  return { language: 'id', zone: fallbackZone };
}
