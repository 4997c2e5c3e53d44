import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db, Tx } from './client.js';
import { DirectoryError } from './errors.js';
import { channelLinks, officials, units } from './schema.js';

export interface NewOfficial {
  readonly nip: string;
  readonly name: string;
  readonly roleId: string;
  readonly unitId: string;
  /** NIP of the direct superior, who is told when this official's steps run late. */
  readonly superiorNip?: string | undefined;
  readonly language?: 'id' | 'en';
}

export async function addOfficial(db: Db, input: NewOfficial): Promise<string> {
  const [unit] = await db.select({ id: units.id }).from(units).where(eq(units.id, input.unitId));
  if (!unit) throw new DirectoryError('unknown_unit', `no unit "${input.unitId}"`);
  let superiorId: string | null = null;
  if (input.superiorNip) {
    const [superior] = await db
      .select({ id: officials.id })
      .from(officials)
      .where(eq(officials.nip, input.superiorNip));
    if (!superior) throw new DirectoryError('unknown_superior', `no official with NIP ${input.superiorNip}`);
    superiorId = superior.id;
  }
  const [existing] = await db.select({ id: officials.id }).from(officials).where(eq(officials.nip, input.nip));
  if (existing) throw new DirectoryError('duplicate_nip', `an official with NIP ${input.nip} already exists`);
  const id = randomUUID();
  await db.insert(officials).values({
    id,
    nip: input.nip,
    name: input.name,
    roleId: input.roleId,
    unitId: input.unitId,
    superiorId,
    language: input.language ?? 'id',
  });
  return id;
}

/** Binds a chat address to a person; the address moves to them if someone else had it. */
export async function linkChannel(
  db: Tx,
  owner: { kind: 'official' | 'stakeholder'; id: string },
  channel: string,
  address: string,
): Promise<void> {
  const values = { ownerKind: owner.kind, ownerId: owner.id, active: true, lastError: null, lastSeenAt: new Date() };
  await db
    .insert(channelLinks)
    .values({ channel, address, ...values })
    .onConflictDoUpdate({ target: [channelLinks.channel, channelLinks.address], set: values });
}
