/** The officials the engine may assign or escalate to, as loaded for one decision. */
export interface Directory {
  readonly officials: readonly OfficialEntry[];
  readonly delegations: readonly Delegation[];
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

export function findOfficial(directory: Directory, id: string | null): OfficialEntry | undefined {
  return id === null ? undefined : directory.officials.find((o) => o.id === id);
}

/** Round-robin: the active holder of the role in the unit who has waited longest for a step. */
export function pickHolder(directory: Directory, roleId: string, unitId: string): OfficialEntry | undefined {
  const holders = directory.officials.filter((o) => o.active && o.roleId === roleId && o.unitId === unitId);
  return holders.sort(
    (a, b) => (a.lastAssignedAt?.getTime() ?? -1) - (b.lastAssignedAt?.getTime() ?? -1) || a.id.localeCompare(b.id),
  )[0];
}
