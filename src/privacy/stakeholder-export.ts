import { and, asc, eq, inArray, or } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import {
  attachments,
  cases,
  channelLinks,
  conversations,
  documents,
  downloads,
  inboundMessages,
  messages,
  stakeholders,
  stepInstances,
} from '../db/index.js';
import { UnknownStakeholderError } from './errors.js';

/**
 * Everything SIPUT holds about one stakeholder, as JSON (UU PDP 27/2022, the right of access):
 * their details and consent, chat addresses, cases with their steps and files, the messages they
 * sent and were sent, their conversation state, and their downloads (buku tamu). Officials
 * appear by role only: their names are their own personal data, not the stakeholder's.
 */
export async function exportStakeholder(db: Db, stakeholderId: string, now: Date): Promise<Record<string, unknown>> {
  const [person] = await db.select().from(stakeholders).where(eq(stakeholders.id, stakeholderId));
  if (!person) throw new UnknownStakeholderError(`no stakeholder ${stakeholderId}`);
  const links = await db
    .select()
    .from(channelLinks)
    .where(and(eq(channelLinks.ownerKind, 'stakeholder'), eq(channelLinks.ownerId, stakeholderId)))
    .orderBy(asc(channelLinks.createdAt));
  const own = await db.select().from(cases).where(eq(cases.stakeholderId, stakeholderId)).orderBy(asc(cases.openedAt));
  const caseIds = own.map((c) => c.id);
  const chats = links.map((l) => and(eq(inboundMessages.channel, l.channel), eq(inboundMessages.address, l.address)));
  const replies = links.map((l) => and(eq(messages.channel, l.channel), eq(messages.address, l.address)));
  const [steps, files, told, wrote, states, downloaded] = await Promise.all([
    caseIds.length > 0
      ? db.select().from(stepInstances).where(inArray(stepInstances.caseId, caseIds)).orderBy(asc(stepInstances.seq))
      : [],
    caseIds.length > 0 ? db.select().from(attachments).where(inArray(attachments.caseId, caseIds)) : [],
    db
      .select()
      .from(messages)
      .where(or(and(eq(messages.recipientKind, 'stakeholder'), eq(messages.recipientId, stakeholderId)), ...replies))
      .orderBy(asc(messages.seq)),
    chats.length > 0
      ? db
          .select()
          .from(inboundMessages)
          .where(or(...chats))
          .orderBy(asc(inboundMessages.id))
      : [],
    links.length > 0
      ? db
          .select()
          .from(conversations)
          .where(
            or(...links.map((l) => and(eq(conversations.channel, l.channel), eq(conversations.address, l.address)))),
          )
      : [],
    db
      .select({ at: downloads.at, channel: downloads.channel, number: documents.number, title: documents.title })
      .from(downloads)
      .innerJoin(documents, eq(documents.id, downloads.documentId))
      .where(eq(downloads.stakeholderId, stakeholderId))
      .orderBy(asc(downloads.at)),
  ]);
  return {
    exportedAt: now.toISOString(),
    about:
      'Data pribadi yang disimpan SIPUT tentang Anda (UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi). / Personal data SIPUT holds about you.',
    stakeholder: {
      id: person.id,
      name: person.name,
      email: person.email,
      phone: person.phone,
      language: person.language,
      consentVersion: person.consentVersion,
      consentAt: person.consentAt,
      erasedAt: person.erasedAt,
      createdAt: person.createdAt,
    },
    channelLinks: links.map((l) => ({
      channel: l.channel,
      address: l.address,
      active: l.active,
      lastSeenAt: l.lastSeenAt,
      createdAt: l.createdAt,
    })),
    cases: own.map((c) => ({
      ticket: c.ticket,
      sop: c.sopId,
      category: c.category,
      subject: c.subject,
      body: c.body,
      channel: c.channel,
      rahasia: c.rahasia,
      status: c.status,
      outcome: c.outcome,
      openedAt: c.openedAt,
      closedAt: c.closedAt,
      steps: steps
        .filter((s) => s.caseId === c.id)
        .map((s) => ({ step: s.stepId, enteredAt: s.enteredAt, dueAt: s.dueAt, leftAt: s.leftAt, action: s.outcome })),
      attachments: files
        .filter((f) => f.caseId === c.id)
        .map((f) => ({ name: f.name, type: f.mime, size: f.size, at: f.createdAt })),
    })),
    messagesSent: wrote.map((m) => ({
      at: m.receivedAt,
      channel: m.channel,
      text: m.text,
      choice: m.choice,
      attachment: m.attachmentId !== null,
    })),
    messagesReceived: told.map((m) => ({
      at: m.createdAt,
      channel: m.channel,
      template: m.template,
      params: m.params,
      status: m.status,
      sentAt: m.sentAt,
    })),
    conversations: states.map((c) => ({
      channel: c.channel,
      language: c.language,
      flow: c.flow,
      step: c.step,
      data: c.data,
      updatedAt: c.updatedAt,
    })),
    downloads: downloaded,
  };
}
