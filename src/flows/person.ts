import { and, eq } from 'drizzle-orm';
import type { Tx } from '../db/index.js';
import { channelLinks, officials, stakeholders } from '../db/index.js';
import type { Person } from './context.js';

/** Who this chat belongs to, from its channel link; null for someone not yet known. */
export async function personOf(tx: Tx, channel: string, address: string): Promise<Person | null> {
  const [link] = await tx
    .select({ kind: channelLinks.ownerKind, id: channelLinks.ownerId })
    .from(channelLinks)
    .where(and(eq(channelLinks.channel, channel), eq(channelLinks.address, address), eq(channelLinks.active, true)));
  if (!link) return null;
  if (link.kind === 'official') {
    const [o] = await tx
      .select({ id: officials.id, name: officials.name, active: officials.active })
      .from(officials)
      .where(eq(officials.id, link.id));
    return o?.active ? { kind: 'official', id: o.id, name: o.name } : null;
  }
  const [s] = await tx.select().from(stakeholders).where(eq(stakeholders.id, link.id));
  if (!s?.name) return null;
  return { kind: 'stakeholder', id: s.id, name: s.name, contact: [s.email, s.phone].filter(Boolean).join(', ') };
}
