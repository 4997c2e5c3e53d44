import { eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { OutgoingMessage } from '../bots/channel.js';
import type { Db } from '../db/client.js';
import { attachments, cases, type messages, officials, stakeholders, units } from '../db/schema.js';
import { actionToken } from '../flows/action-token.js';
import { isLanguage, type Language, t } from '../i18n/catalog.js';
import { reporterForOfficials } from '../privacy/reporter.js';
import type { Signer } from '../signing.js';
import { zoneOf } from '../sop/working-calendar.js';
import { statusUrl } from '../web/status-link.js';

type MessageRow = typeof messages.$inferSelect;

const ZONE_LABELS: Record<string, string> = { 'Asia/Jakarta': 'WIB', 'Asia/Makassar': 'WITA', 'Asia/Jayapura': 'WIT' };

export interface RenderOptions {
  /** Where people reach the service (publicBaseUrl): the receipt's status link starts with it; relative when unset. */
  readonly publicUrl?: string;
}

/** Renders an outbox row in its recipient's language, with times in the recipient's zone. */
export async function renderMessage(
  db: Db,
  row: MessageRow,
  defaultZone: string,
  signer: Signer,
  opts: RenderOptions = {},
): Promise<OutgoingMessage> {
  const { language, zone } = await recipientLocale(db, row, defaultZone);
  const params: Record<string, string> = { ...row.params };
  if (params.due) params.due = formatTime(params.due, language, zone);
  let text = t(language, row.template, params);
  if (row.caseId && CASE_SUMMARY_TEMPLATES.has(row.template))
    text += `\n\n${await caseSummary(db, row.caseId, language)}`;
  // The receipt carries the ticket's public status link. Its secret is read here, at sending, so it
  // is never a message parameter (the engine stays pure, and params are logged and shown in the console).
  if (row.caseId && row.template === 'case.received') {
    const [own] = await db
      .select({ ticket: cases.ticket, secret: cases.statusSecret })
      .from(cases)
      .where(eq(cases.id, row.caseId));
    if (own?.secret)
      text += `\n\n${t(language, 'case.status_link', { url: statusUrl(opts.publicUrl, own.ticket, own.secret) })}`;
  }
  // A step's choices become signed buttons naming the visit and the action; a flow's are used as they are.
  const stepButtons = row.instanceId !== null && row.template.startsWith('step.');
  return {
    id: row.id,
    address: row.address ?? '',
    text,
    choices: row.choices.map((c, i) => ({
      value: stepButtons && row.instanceId ? actionToken(signer, row.instanceId, i) : c.action,
      label: language === 'en' ? (c.label.en ?? c.label.id) : c.label.id,
    })),
    ...(params.documentUrl ? { document: { url: params.documentUrl, name: params.documentName ?? 'dokumen' } } : {}),
  };
}

/** Officials given a step are shown what the stakeholder wrote, so they can act from the chat. */
const CASE_SUMMARY_TEMPLATES = new Set(['step.assigned', 'step.returned']);
const SUMMARY_MAX = 1000;

async function caseSummary(db: Db, caseId: string, language: Language): Promise<string> {
  const [row] = await db
    .select({ category: cases.category, subject: cases.subject, body: cases.body })
    .from(cases)
    .where(eq(cases.id, caseId));
  const files = await db.select({ name: attachments.name }).from(attachments).where(eq(attachments.caseId, caseId));
  // A rahasia report shows a pseudonym, no contact, and loses the reporter's name/email/phone in its texts.
  const reporter = await reporterForOfficials(db, caseId, language);
  const body = reporter.scrub(row?.body ?? '') ?? '';
  return t(language, 'step.case_summary', {
    category: row?.category ?? '-',
    subject: reporter.scrub(row?.subject ?? null) ?? '-',
    body: body.length > SUMMARY_MAX ? `${body.slice(0, SUMMARY_MAX)}…` : body || '-',
    attachments: files.map((f) => reporter.scrub(f.name)).join(', ') || '-',
    reporter: reporter.line,
  });
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
