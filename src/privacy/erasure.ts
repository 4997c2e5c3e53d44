import { randomUUID } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { and, eq, inArray, or, type SQL, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/index.js';
import {
  attachments,
  caseEvents,
  cases,
  channelLinks,
  conversations,
  inboundMessages,
  messages,
  pausedLines,
  stakeholders,
  stepInstances,
  surveyResponses,
  whatsappContacts,
} from '../db/index.js';
import { UnknownStakeholderError } from './errors.js';
import { identityPatterns, mentions, scrubText } from './identity-text.js';

/** What replaces a name, email or phone number inside a text that is kept. */
export const ERASED_TEXT = '[dihapus]';

export interface ErasureResult {
  readonly stakeholderId: string;
  /** False when the person had been erased already: nothing was done again. */
  readonly erased: boolean;
  readonly cases: number;
  readonly links: number;
  readonly files: number;
}

export interface ErasureOptions {
  readonly now: Date;
  /** DATA_DIR: the files the person sent are deleted from `<dataDir>/uploads`. */
  readonly dataDir: string;
}

/**
 * Erases a stakeholder's personal data (UU PDP 27/2022) and keeps their cases for the statistics:
 * the person's row loses name, email and phone; their cases, the engine's notes and the messages
 * about them lose every mention of those; their chats are unlinked and their addresses replaced;
 * what they typed in the chat is emptied, their conversation state dropped, and the files they
 * sent deleted. Counts, steps, times and outcomes stay, so the reports still add up. One
 * transaction: it happens entirely or not at all.
 */
export async function eraseStakeholder(db: Db, stakeholderId: string, opts: ErasureOptions): Promise<ErasureResult> {
  const outcome = await db.transaction(async (tx) => {
    const [person] = await tx.select().from(stakeholders).where(eq(stakeholders.id, stakeholderId)).for('update');
    if (!person) throw new UnknownStakeholderError(`no stakeholder ${stakeholderId}`);
    if (person.erasedAt) return { erased: false, cases: 0, links: 0, files: [] as string[] };

    const links = await tx
      .select()
      .from(channelLinks)
      .where(and(eq(channelLinks.ownerKind, 'stakeholder'), eq(channelLinks.ownerId, stakeholderId)));
    const addresses = links.map((l) => l.address);
    // A WhatsApp address is the phone number the person writes from, which may not be the one they gave.
    const patterns = [
      ...identityPatterns(person),
      ...links
        .filter((l) => l.channel === 'whatsapp' && /^\d{6,}@/.test(l.address))
        .flatMap((l) => identityPatterns({ name: null, email: null, phone: `+${l.address.split('@')[0]}` })),
    ];
    const scrub = (text: string | null) => scrubText(text, patterns, ERASED_TEXT);
    // Texts SIPUT wrote itself (replies, an official's task detail) hold the fields exactly as stored.
    const needles = [person.name, person.email, person.phone]
      .filter((v): v is string => typeof v === 'string' && v.trim().length >= 3)
      .map((v) => sql`${`%${v.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`);
    const quoted = (column: SQL) =>
      needles.length > 0 ? sql`${column} ilike any (array[${sql.join(needles, sql`, `)}])` : sql`false`;

    const own = await tx
      .select({ id: cases.id, subject: cases.subject, body: cases.body })
      .from(cases)
      .where(eq(cases.stakeholderId, stakeholderId));
    const caseIds = own.map((c) => c.id);
    for (const c of own) {
      await tx
        .update(cases)
        .set({ subject: scrub(c.subject), body: scrub(c.body) })
        .where(eq(cases.id, c.id));
    }

    const files: string[] = [];
    if (caseIds.length > 0) {
      await scrubCaseTexts(tx, caseIds, patterns, scrub);
      // Their SKM answers stay for the IKM (they name nobody); a comment loses any mention of them.
      const comments = await tx
        .select({ caseId: surveyResponses.caseId, comment: surveyResponses.comment })
        .from(surveyResponses)
        .where(inArray(surveyResponses.caseId, caseIds));
      for (const c of comments) {
        if (c.comment && mentions(c.comment, patterns))
          await tx
            .update(surveyResponses)
            .set({ comment: scrub(c.comment) })
            .where(eq(surveyResponses.caseId, c.caseId));
      }
      const sent = await tx
        .select({ id: attachments.id, name: attachments.name, uploadedBy: attachments.uploadedBy })
        .from(attachments)
        .where(inArray(attachments.caseId, caseIds));
      for (const file of sent) {
        const theirs = isTheirs(file.uploadedBy, links);
        if (theirs) files.push(file.id);
        if (theirs || mentions(file.name, patterns)) {
          await tx
            .update(attachments)
            .set(
              theirs
                ? { name: ERASED_TEXT, uploadedBy: null, size: 0, sha256: '-' }
                : { name: scrub(file.name) ?? ERASED_TEXT },
            )
            .where(eq(attachments.id, file.id));
        }
      }
    }

    // Messages to the person, and replies to their chats: addresses replaced, texts scrubbed.
    const messageWhere = or(
      and(eq(messages.recipientKind, 'stakeholder'), eq(messages.recipientId, stakeholderId)),
      quoted(sql`${messages.params}::text`),
      ...(addresses.length > 0 ? [inArray(messages.address, addresses), inArray(messages.recipientId, addresses)] : []),
      ...(caseIds.length > 0 ? [inArray(messages.caseId, caseIds)] : []),
    );
    const told = await tx
      .select({
        id: messages.id,
        params: messages.params,
        address: messages.address,
        recipientId: messages.recipientId,
      })
      .from(messages)
      .where(messageWhere);
    const replaced = new Map(addresses.map((a) => [a, `erased-${randomUUID()}`]));
    // Emails to them were addressed to their email: it goes with the rest.
    if (person.email) replaced.set(person.email, `erased-${randomUUID()}`);
    for (const m of told) {
      const params = Object.fromEntries(Object.entries(m.params).map(([k, v]) => [k, scrub(v) ?? '']));
      await tx
        .update(messages)
        .set({
          params,
          address: m.address && replaced.has(m.address) ? (replaced.get(m.address) ?? null) : m.address,
          recipientId: replaced.get(m.recipientId) ?? m.recipientId,
          // The message as WhatsApp carried it, kept for recipients' retry requests: unscrubbed text.
          sentContent: null,
        })
        .where(eq(messages.id, m.id));
    }

    for (const link of links) {
      const address = replaced.get(link.address) ?? `erased-${randomUUID()}`;
      // What they typed (their name, contact and complaint among it) goes; the rows stay as counts.
      await tx
        .update(inboundMessages)
        .set({ text: null, choice: null, address })
        .where(and(eq(inboundMessages.channel, link.channel), eq(inboundMessages.address, link.address)));
      await tx
        .delete(conversations)
        .where(and(eq(conversations.channel, link.channel), eq(conversations.address, link.address)));
      // A line paused for their chat follows its messages to the new address.
      await tx
        .update(pausedLines)
        .set({ address })
        .where(and(eq(pausedLines.channel, link.channel), eq(pausedLines.address, link.address)));
      if (link.channel === 'whatsapp') {
        await tx
          .delete(whatsappContacts)
          .where(or(eq(whatsappContacts.phoneJid, link.address), eq(whatsappContacts.lid, link.address)));
      }
      await tx
        .update(channelLinks)
        .set({ address, active: false, lastError: null })
        .where(eq(channelLinks.id, link.id));
    }
    // Anyone else's chat that quotes them: an official's note typed in the chat, a reply showing them.
    const quoting = await tx
      .select({ id: inboundMessages.id, text: inboundMessages.text })
      .from(inboundMessages)
      .where(quoted(sql`${inboundMessages.text}`));
    for (const m of quoting) {
      await tx
        .update(inboundMessages)
        .set({ text: scrub(m.text) })
        .where(eq(inboundMessages.id, m.id));
    }
    const drafts = await tx
      .select({ channel: conversations.channel, address: conversations.address, data: conversations.data })
      .from(conversations)
      .where(quoted(sql`${conversations.data}::text`));
    for (const d of drafts) {
      await tx
        .update(conversations)
        .set({ data: scrubJson(d.data, scrub) as Record<string, unknown> })
        .where(and(eq(conversations.channel, d.channel), eq(conversations.address, d.address)));
    }
    // Files named after them that no case of theirs holds: another person's draft, an official's upload.
    const named = await tx
      .select({ id: attachments.id, name: attachments.name })
      .from(attachments)
      .where(quoted(sql`${attachments.name}`));
    for (const file of named) {
      await tx
        .update(attachments)
        .set({ name: scrub(file.name) ?? ERASED_TEXT })
        .where(eq(attachments.id, file.id));
    }
    if (person.phone) {
      const digits = person.phone.replace(/\D/g, '');
      await tx.delete(whatsappContacts).where(sql`${whatsappContacts.phoneJid} like ${`${digits}@%`}`);
    }

    await tx
      .update(stakeholders)
      .set({ name: null, email: null, phone: null, erasedAt: opts.now })
      .where(eq(stakeholders.id, stakeholderId));
    return { erased: true, cases: caseIds.length, links: links.length, files };
  });

  // The files go after the commit: a rolled-back erasure must not have lost them.
  for (const id of outcome.files) await unlink(join(opts.dataDir, 'uploads', id)).catch(() => {});
  return {
    stakeholderId,
    erased: outcome.erased,
    cases: outcome.cases,
    links: outcome.links,
    files: outcome.files.length,
  };
}

/** Officials' notes and the engine's trail may quote the person: those texts are scrubbed too. */
async function scrubCaseTexts(
  tx: Tx,
  caseIds: string[],
  patterns: readonly RegExp[],
  scrub: (text: string | null) => string | null,
): Promise<void> {
  const steps = await tx
    .select({ id: stepInstances.id, note: stepInstances.note })
    .from(stepInstances)
    .where(inArray(stepInstances.caseId, caseIds));
  for (const s of steps) {
    if (mentions(s.note, patterns)) {
      await tx
        .update(stepInstances)
        .set({ note: scrub(s.note) })
        .where(eq(stepInstances.id, s.id));
    }
  }
  const events = await tx
    .select({ id: caseEvents.id, note: caseEvents.note, attachments: caseEvents.attachments })
    .from(caseEvents)
    .where(inArray(caseEvents.caseId, caseIds));
  for (const e of events) {
    const named = e.attachments.some((a) => mentions(a.name, patterns));
    if (mentions(e.note, patterns) || named) {
      await tx
        .update(caseEvents)
        .set({
          note: scrub(e.note),
          attachments: e.attachments.map((a) => ({ id: a.id, name: scrub(a.name) ?? ERASED_TEXT })),
        })
        .where(eq(caseEvents.id, e.id));
    }
  }
}

/** Every string inside a JSON value, scrubbed. */
function scrubJson(value: unknown, scrub: (text: string | null) => string | null): unknown {
  if (typeof value === 'string') return scrub(value);
  if (Array.isArray(value)) return value.map((v) => scrubJson(v, scrub));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubJson(v, scrub)]));
  }
  return value;
}

/** Attachments record who sent them as a chat address, "channel:address", or the person's id. */
function isTheirs(uploadedBy: string | null, links: readonly { channel: string; address: string }[]): boolean {
  if (!uploadedBy) return false;
  return links.some((l) => uploadedBy === l.address || uploadedBy === `${l.channel}:${l.address}`);
}
