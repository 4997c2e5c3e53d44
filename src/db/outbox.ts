import { randomUUID } from 'node:crypto';
import { and, desc, eq, ne } from 'drizzle-orm';
import type { Recipient } from '../sop/effects.js';
import type { Tx } from './client.js';
import { channelLinks, messages, officials } from './schema.js';

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
 * silently and the console can show it. "admins" means the officials who receive the alerts, of
 * the unit if it has some, else of every unit; `avoidChannel` keeps an alert off a channel that is down.
 */
export async function insertMessage(
  tx: Tx,
  to: Recipient,
  message: NewMessage,
  avoidChannel?: string,
): Promise<QueuedMessage[]> {
  if (to.kind === 'admins') {
    const alerted = await alertOfficials(tx, to.unitId);
    if (alerted.length === 0) {
      await insertRow(tx, { kind: 'admins', id: to.unitId }, undefined, message);
      return [];
    }
    const queued: Array<{ id: string; channel: string | null }> = [];
    for (const id of alerted) {
      const link = await activeLink(tx, 'official', id, avoidChannel);
      queued.push(await insertRow(tx, { kind: 'official', id }, link, message));
    }
    return queued.filter(isQueued);
  }
  const link = await activeLink(tx, to.kind, to.id, avoidChannel);
  return [await insertRow(tx, { kind: to.kind, id: to.id }, link, message)].filter(isQueued);
}

/** Rows with no reachable chat stay undeliverable in the table; only the others get a job. */
function isQueued(row: { id: string; channel: string | null }): row is QueuedMessage {
  return row.channel !== null;
}

async function insertRow(
  tx: Tx,
  recipient: { kind: string; id: string },
  link: { channel: string; address: string } | undefined,
  message: NewMessage,
): Promise<{ id: string; channel: string | null }> {
  const id = randomUUID();
  await tx.insert(messages).values({
    ...rowOf(id, message),
    recipientKind: recipient.kind,
    recipientId: recipient.id,
    channel: link?.channel ?? null,
    address: link?.address ?? null,
    status: link ? 'pending' : 'undeliverable',
  });
  return { id, channel: link?.channel ?? null };
}

async function alertOfficials(tx: Tx, unitId: string): Promise<string[]> {
  const all = await tx
    .select({ id: officials.id, unitId: officials.unitId })
    .from(officials)
    .where(and(eq(officials.receivesAlerts, true), eq(officials.active, true)));
  const ofUnit = all.filter((o) => o.unitId === unitId);
  return (ofUnit.length > 0 ? ofUnit : all).map((o) => o.id);
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

async function activeLink(tx: Tx, kind: 'official' | 'stakeholder', id: string, avoidChannel?: string) {
  const [link] = await tx
    .select({ channel: channelLinks.channel, address: channelLinks.address })
    .from(channelLinks)
    .where(
      and(
        eq(channelLinks.ownerKind, kind),
        eq(channelLinks.ownerId, id),
        eq(channelLinks.active, true),
        avoidChannel ? ne(channelLinks.channel, avoidChannel) : undefined,
      ),
    )
    .orderBy(desc(channelLinks.lastSeenAt))
    .limit(1);
  return link;
}
