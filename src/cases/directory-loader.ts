import { and, gt, lte } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { delegations, officials } from '../db/schema.js';
import type { Directory } from '../sop/directory.js';

/** Every official and the delegations in force now: what the engine assigns and escalates from. */
export async function loadDirectory(tx: Tx, now: Date): Promise<Directory> {
  const [people, delegated] = await Promise.all([
    tx
      .select({
        id: officials.id,
        roleId: officials.roleId,
        unitId: officials.unitId,
        superiorId: officials.superiorId,
        active: officials.active,
        lastAssignedAt: officials.lastAssignedAt,
      })
      .from(officials),
    tx
      .select({
        officialId: delegations.officialId,
        delegateId: delegations.delegateId,
        from: delegations.startsAt,
        until: delegations.endsAt,
      })
      .from(delegations)
      .where(and(lte(delegations.startsAt, now), gt(delegations.endsAt, now))),
  ]);
  return { officials: people, delegations: delegated };
}
