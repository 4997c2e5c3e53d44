import { inArray } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { Db } from '../../db/index.js';
import { cases, type messages, officials } from '../../db/index.js';
import { formatIsoMoment, t } from '../../i18n/index.js';
import { trOf } from './console-request.js';

type MessageRow = typeof messages.$inferSelect;
type Addressed = Pick<MessageRow, 'recipientKind' | 'recipientId' | 'caseId'>;

/**
 * Who a message was for, in people's words: the official's name, or the reporter of a ticket, and
 * the ticket it concerns; never "official" or an id. A reporter is not named, since a rahasia
 * report's reporter is shown to admins only on request.
 */
export async function recipientWords(db: Db, req: FastifyRequest, rows: readonly Addressed[]): Promise<string[]> {
  const tr = trOf(req);
  const officialIds = [...new Set(rows.filter((r) => r.recipientKind === 'official').map((r) => r.recipientId))];
  const caseIds = [...new Set(rows.flatMap((r) => (r.caseId ? [r.caseId] : [])))];
  const [names, tickets] = await Promise.all([
    officialIds.length > 0
      ? db.select({ id: officials.id, name: officials.name }).from(officials).where(inArray(officials.id, officialIds))
      : [],
    caseIds.length > 0
      ? db.select({ id: cases.id, ticket: cases.ticket }).from(cases).where(inArray(cases.id, caseIds))
      : [],
  ]);
  const nameOf = new Map(names.map((o) => [o.id, o.name]));
  const ticketOf = new Map(tickets.map((c) => [c.id, c.ticket]));
  return rows.map((row) => {
    const ticket = row.caseId ? ticketOf.get(row.caseId) : undefined;
    if (row.recipientKind === 'official') {
      const name = nameOf.get(row.recipientId) ?? '?';
      return ticket ? tr('admin.messages.official_of', { name, ticket }) : tr('admin.lines.official', { name });
    }
    if (row.recipientKind === 'stakeholder') {
      return ticket ? tr('admin.lines.reporter_of', { ticket }) : tr('admin.lines.reporter');
    }
    return tr('admin.lines.chat');
  });
}

/**
 * A message as its recipient reads it (without the case summary the sender adds), cut short for a
 * table, instead of its template key ("step.assigned"). A one-time sign-in link stays out of the
 * page: the admin needs the error, not the key.
 */
export function messageWords(row: Pick<MessageRow, 'template' | 'params'>, req: FastifyRequest, zone: string): string {
  const params = { ...row.params };
  if (params.due) params.due = formatIsoMoment(params.due, req.language, zone);
  // A step message's lead (the actions asked, the latest note) is filled in at sending; here the
  // step's kegiatan stands for what is asked.
  params.asked ??= params.kegiatan ?? '';
  params.latest ??= '';
  let text: string;
  try {
    text = row.template === 'flow.text' ? (params.text ?? '') : t(req.language, row.template, params);
  } catch {
    text = row.template; // a template no longer in the catalogue: its key is all there is to show
  }
  const hidden = text.replace(/\/admin\/masuk\/[\w-]+/g, '/admin/masuk/…').replace(/\s+/g, ' ');
  return hidden.length > 160 ? `${hidden.slice(0, 160)}…` : hidden;
}

const NAMED_CHANNELS = new Set(['telegram', 'whatsapp', 'web', 'email']);

/** A channel as people call it ("Telegram", "Chat web"); its id for one added later without a name. */
export function channelName(req: FastifyRequest, channel: string): string {
  return NAMED_CHANNELS.has(channel) ? trOf(req)(`admin.channel.${channel}`) : channel;
}
