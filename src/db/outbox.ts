import { randomUUID } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import type { Recipient } from '../sop/effects.js';
import type { Tx } from './client.js';
import { channelLinks, messages } from './schema.js';

export interface QueuedMessage {
  readonly id: string;
  readonly channel: string;
}

export interface NewMessage {
  readonly caseId: string | null;
  readonly instanceId: string | null;
  readonly template: string;
  readonly params: Readonly<Record<string, string>>;
  readonly choices?: readonly { action: string; label: { id: string; en?: string | undefined } }[];
}

/**
 * Puts a message for a person in the outbox, addressed to their most recently used active chat.
 * A person with no reachable chat still gets a row, marked undeliverable, so nothing is lost
 * silently and the console can show it.
 */
export async function insertMessage(tx: Tx, to: Recipient, message: NewMessage): Promise<QueuedMessage | null> {
  const link = to.kind === 'admins' ? undefined : await activeLink(tx, to.kind, to.id);
  const id = randomUUID();
  await tx.insert(messages).values({
    ...rowOf(id, message),
    recipientKind: to.kind,
    recipientId: to.kind === 'admins' ? to.unitId : to.id,
    channel: link?.channel ?? null,
    address: link?.address ?? null,
    status: link ? 'pending' : 'undeliverable',
  });
  return link ? { id, channel: link.channel } : null;
}

/** Puts a reply to a chat in the outbox: the conversation answers whoever wrote, known or not. */
export async function insertChatMessage(
  tx: Tx,
  channel: string,
  address: string,
  message: NewMessage,
): Promise<QueuedMessage> {
  const id = randomUUID();
  await tx.insert(messages).values({
    ...rowOf(id, message),
    recipientKind: 'chat',
    recipientId: address,
    channel,
    address,
    status: 'pending',
  });
  return { id, channel };
}

function rowOf(id: string, message: NewMessage) {
  return {
    id,
    caseId: message.caseId,
    instanceId: message.instanceId,
    template: message.template,
    params: { ...message.params },
    choices: [...(message.choices ?? [])],
  };
}

async function activeLink(tx: Tx, kind: 'official' | 'stakeholder', id: string) {
  const [link] = await tx
    .select({ channel: channelLinks.channel, address: channelLinks.address })
    .from(channelLinks)
    .where(and(eq(channelLinks.ownerKind, kind), eq(channelLinks.ownerId, id), eq(channelLinks.active, true)))
    .orderBy(desc(channelLinks.lastSeenAt))
    .limit(1);
  return link;
}
