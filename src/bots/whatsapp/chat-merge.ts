import { and, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../../db/index.js';
import {
  cases,
  channelLinks,
  conversations,
  downloads,
  inboundMessages,
  messages,
  recordAudit,
  stakeholders,
} from '../../db/index.js';
import { CHANNEL } from './channel-name.js';
import type { ChatRef } from './chat-ref.js';

type Link = { readonly id: number; readonly kind: 'official' | 'stakeholder'; readonly ownerId: string };

/** What a merge moved, for the audit log and the caller's log. */
export interface ChatMerge {
  readonly person: { readonly kind: string; readonly id: string } | null;
  /** A second stakeholder record of the same person, folded into the first. */
  readonly mergedStakeholder: string | null;
  readonly casesMoved: number;
}

/**
 * The chat WhatsApp showed as `from` (a LID, with no phone number beside it) turns out to be the
 * person at `into` (their phone JID): one person, one chat. The link, the conversation, what they
 * wrote and what was sent to them move to `into`; if they had become a second stakeholder there,
 * the two records are one again, with every case. Audited; null when there was nothing to move.
 */
export async function mergeChats(db: Db, from: string, into: string, chatRef: ChatRef): Promise<ChatMerge | null> {
  if (from === into) return null;
  return db.transaction(async (tx) => {
    const [fromLink] = await linksAt(tx, from);
    const [intoLink] = await linksAt(tx, into);
    const merged = await mergeLinks(tx, fromLink, intoLink, into);
    const conversation = await mergeConversations(tx, from, into);
    const wrote = await tx
      .update(inboundMessages)
      .set({ address: into })
      .where(and(eq(inboundMessages.channel, CHANNEL), eq(inboundMessages.address, from)))
      .returning({ id: inboundMessages.id });
    await tx
      .update(messages)
      .set({ address: into })
      .where(and(eq(messages.channel, CHANNEL), eq(messages.address, from)));
    await tx
      .update(messages)
      .set({ recipientId: into })
      .where(and(eq(messages.recipientKind, 'chat'), eq(messages.recipientId, from)));
    if (!fromLink && !conversation && wrote.length === 0) return null;
    const person = intoLink ?? fromLink;
    const result: ChatMerge = {
      person: merged.survivor ?? (person ? { kind: person.kind, id: person.ownerId } : null),
      mergedStakeholder: merged.foldedStakeholder,
      casesMoved: merged.casesMoved,
    };
    await recordAudit(tx, {
      actor: 'system',
      action: 'whatsapp.merge_chat',
      target: chatRef(into),
      details: { from: chatRef(from), ...result },
    });
    return result;
  });
}

async function linksAt(tx: Tx, address: string): Promise<Link[]> {
  return tx
    .select({ id: channelLinks.id, kind: channelLinks.ownerKind, ownerId: channelLinks.ownerId })
    .from(channelLinks)
    .where(and(eq(channelLinks.channel, CHANNEL), eq(channelLinks.address, address)));
}

async function mergeLinks(
  tx: Tx,
  from: Link | undefined,
  into: Link | undefined,
  address: string,
): Promise<{ survivor: { kind: string; id: string } | null; foldedStakeholder: string | null; casesMoved: number }> {
  const none = { survivor: null, foldedStakeholder: null, casesMoved: 0 };
  if (!from) return none;
  if (!into) {
    await tx.update(channelLinks).set({ address }).where(eq(channelLinks.id, from.id));
    return none;
  }
  if (from.kind === into.kind && from.ownerId === into.ownerId) {
    await tx.delete(channelLinks).where(eq(channelLinks.id, from.id));
    return none;
  }
  if (from.kind === 'stakeholder' && into.kind === 'stakeholder') {
    const casesMoved = await foldStakeholder(tx, from.ownerId, into.ownerId);
    await tx.delete(channelLinks).where(eq(channelLinks.id, from.id));
    return { survivor: { kind: 'stakeholder', id: into.ownerId }, foldedStakeholder: from.ownerId, casesMoved };
  }
  // An official and a stakeholder on one number: the chat is the official's; the stakeholder keeps
  // their cases under their own record.
  const official = from.kind === 'official' ? from : into;
  const other = official === from ? into : from;
  await tx.delete(channelLinks).where(eq(channelLinks.id, other.id));
  if (official === from) await tx.update(channelLinks).set({ address }).where(eq(channelLinks.id, from.id));
  return { survivor: { kind: 'official', id: official.ownerId }, foldedStakeholder: null, casesMoved: 0 };
}

/** Moves everything of stakeholder `from` to `into`, fills in what `into` lacks, then removes `from`. */
async function foldStakeholder(tx: Tx, from: string, into: string): Promise<number> {
  const [a] = await tx.select().from(stakeholders).where(eq(stakeholders.id, from));
  const [b] = await tx.select().from(stakeholders).where(eq(stakeholders.id, into));
  if (a && b) {
    await tx
      .update(stakeholders)
      .set({
        name: b.name ?? a.name,
        email: b.email ?? a.email,
        phone: b.phone ?? a.phone,
        consentVersion: b.consentVersion ?? a.consentVersion,
        consentAt: b.consentAt ?? a.consentAt,
      })
      .where(eq(stakeholders.id, into));
  }
  const moved = await tx
    .update(cases)
    .set({ stakeholderId: into })
    .where(eq(cases.stakeholderId, from))
    .returning({ id: cases.id });
  await tx.update(downloads).set({ stakeholderId: into }).where(eq(downloads.stakeholderId, from));
  await tx
    .update(messages)
    .set({ recipientId: into })
    .where(and(eq(messages.recipientKind, 'stakeholder'), eq(messages.recipientId, from)));
  // Their other chats (Telegram, web) follow, unless the survivor already has that address.
  const others = await tx
    .select({ id: channelLinks.id })
    .from(channelLinks)
    .where(and(eq(channelLinks.ownerKind, 'stakeholder'), eq(channelLinks.ownerId, from)));
  if (others.length > 0) {
    await tx
      .update(channelLinks)
      .set({ ownerId: into })
      .where(
        inArray(
          channelLinks.id,
          others.map((o) => o.id),
        ),
      );
  }
  // A table added later may still point at the old record: then the emptied record stays.
  await tx
    .transaction(async (inner) => {
      await inner.delete(stakeholders).where(eq(stakeholders.id, from));
    })
    .catch(() => {});
  return moved.length;
}

/** The chat keeps the conversation that moved last; the other is dropped. */
async function mergeConversations(tx: Tx, from: string, into: string): Promise<boolean> {
  const [a] = await tx
    .select({ updatedAt: conversations.updatedAt })
    .from(conversations)
    .where(and(eq(conversations.channel, CHANNEL), eq(conversations.address, from)));
  if (!a) return false;
  const [b] = await tx
    .select({ updatedAt: conversations.updatedAt })
    .from(conversations)
    .where(and(eq(conversations.channel, CHANNEL), eq(conversations.address, into)));
  if (b && b.updatedAt >= a.updatedAt) {
    await tx.delete(conversations).where(and(eq(conversations.channel, CHANNEL), eq(conversations.address, from)));
    return true;
  }
  if (b) await tx.delete(conversations).where(and(eq(conversations.channel, CHANNEL), eq(conversations.address, into)));
  await tx
    .update(conversations)
    .set({ address: into })
    .where(and(eq(conversations.channel, CHANNEL), eq(conversations.address, from)));
  return true;
}
