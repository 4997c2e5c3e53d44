/** The officials the engine may assign or escalate to, as loaded for one decision. */
export interface Directory {
  readonly officials: readonly OfficialEntry[];
  readonly delegations: readonly Delegation[];
  /**
   * Steps given since the officials were loaded, by official id (epoch ms), which their
   * `lastAssignedAt` cannot show yet: decisions made side by side, or one after another in a
   * batch, see each other's picks and take turns instead of all picking the same holder.
   */
  readonly picked?: ReadonlyMap<string, number>;
}

export interface OfficialEntry {
  readonly id: string;
  readonly roleId: string;
  readonly unitId: string;
  readonly superiorId: string | null;
  readonly active: boolean;
  /** When this official was last given a step; round-robin picks the longest-waiting holder. */
  readonly lastAssignedAt: Date | null;
}

/** A Plh/Plt: while `from` ≤ now < `until`, new steps and reminders for `officialId` go to `delegateId`. */
export interface Delegation {
  readonly officialId: string;
  readonly delegateId: string;
  readonly from: Date;
  readonly until: Date;
}

export function activeDelegateOf(directory: Directory, officialId: string, now: Date): string | null {
  const d = directory.delegations.find((x) => x.officialId === officialId && x.from <= now && now < x.until);
  return d ? d.delegateId : null;
}

/** Each loaded list of officials by id, made once per list (a directory is loaded per decision or batch). */
const byId = new WeakMap<readonly OfficialEntry[], Map<string, OfficialEntry>>();

export function findOfficial(directory: Directory, id: string | null): OfficialEntry | undefined {
  if (id === null) return undefined;
  let index = byId.get(directory.officials);
  if (!index) {
    index = new Map(directory.officials.map((o) => [o.id, o]));
    byId.set(directory.officials, index);
  }
  return index.get(id);
}

/** Round-robin: the active holder of the role in the unit who has waited longest for a step. */
export function pickHolder(directory: Directory, roleId: string, unitId: string): OfficialEntry | undefined {
  let best: OfficialEntry | undefined;
  let bestAt = 0;
  for (const o of directory.officials) {
    if (!o.active || o.roleId !== roleId || o.unitId !== unitId) continue;
    const at = Math.max(o.lastAssignedAt?.getTime() ?? -1, directory.picked?.get(o.id) ?? -1);
    if (!best || at < bestAt || (at === bestAt && o.id.localeCompare(best.id) < 0)) {
      best = o;
      bestAt = at;
    }
  }
  return best;
}
