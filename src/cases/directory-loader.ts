import { type SQL, sql } from 'drizzle-orm';
import type { Tx } from '../db/index.js';
import { prepared, type Shaped, sendInOrder } from '../db/index.js';
import type { Delegation, Directory, OfficialEntry } from '../sop/index.js';

/** Epoch milliseconds as JSON gives them; the column's own precision is kept to the millisecond. */
type Millis = number | null;

interface DirectoryRow {
  people: Array<Omit<OfficialEntry, 'lastAssignedAt'> & { lastAssignedAt: Millis }>;
  delegated: Array<{ officialId: string; delegateId: string; from: number; until: number }>;
}

/**
 * Every official and the delegations in force now: what the engine assigns and escalates from.
 * Both in one statement (each aggregated to JSON), since every submission and event loads them.
 */
export async function loadDirectory(tx: Tx, now: Date): Promise<Directory> {
  const [rows] = await sendInOrder(tx, [directoryStatement(now)]);
  return directoryOf(rows ?? []);
}

/** loadDirectory's statement, for a caller that sends it with others; directoryOf reads its rows. */
export function directoryStatement(now: Date): Shaped {
  return { shape: 'directory', build: buildDirectory, values: { at: now.toISOString() } };
}

const buildDirectory = (): SQL => {
  const at = sql.placeholder('at');
  return sql`${prepared}
    select
      (select coalesce(json_agg(json_build_object(
         'id', id, 'roleId', role_id, 'unitId', unit_id, 'superiorId', superior_id, 'active', active,
         'lastAssignedAt', extract(epoch from last_assigned_at) * 1000)), '[]'::json)
       from officials) as people,
      (select coalesce(json_agg(json_build_object(
         'officialId', official_id, 'delegateId', delegate_id,
         'from', extract(epoch from starts_at) * 1000, 'until', extract(epoch from ends_at) * 1000)), '[]'::json)
       from delegations where starts_at <= ${at}::timestamptz and ends_at > ${at}::timestamptz) as delegated`;
};

export function directoryOf(rows: readonly unknown[]): Directory {
  const [row] = rows as ReadonlyArray<DirectoryRow>;
  const officials: OfficialEntry[] = (row?.people ?? []).map((o) => ({
    ...o,
    lastAssignedAt: o.lastAssignedAt === null ? null : new Date(o.lastAssignedAt),
  }));
  const delegations: Delegation[] = (row?.delegated ?? []).map((d) => ({
    officialId: d.officialId,
    delegateId: d.delegateId,
    from: new Date(d.from),
    until: new Date(d.until),
  }));
  return { officials, delegations };
}
