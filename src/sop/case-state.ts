/** What the engine knows of one case. Plain data: the store saves and loads it. */
export interface CaseState {
  readonly id: string;
  readonly ticket: string;
  readonly sopId: string;
  /** The SOP version the case started on; it keeps running on it after a new version is published. */
  readonly sopVersion: number;
  readonly unitId: string;
  readonly stakeholderId: string | null;
  /** The official who opened the case (intake official), told of each stage; absent on older cases. */
  readonly initiatorId?: string | null;
  readonly status: 'open' | 'closed';
  readonly outcome: string | null;
  readonly openedAt: Date;
  readonly closedAt: Date | null;
  /** Until when the reporter may answer "Belum" and reopen the closed case; null once answered or none. */
  readonly reopenUntil?: Date | null;
  /** Step instances entered so far; the next one gets seq + 1. */
  readonly stepSeq: number;
  /** Step ids the case moved forward through, as a stack: a return pops it. */
  readonly path: readonly string[];
  /** For each step already left, the official who held it: a return sends the step back to them. */
  readonly holders: Readonly<Record<string, string>>;
  readonly openStep: OpenStep | null;
}

/** The step the case is at now. */
export interface OpenStep {
  /** `${caseId}_${seq}`: the idempotency key of everything scheduled for this visit. */
  readonly instanceId: string;
  readonly seq: number;
  readonly stepId: string;
  /** The official who must act; null when nobody holds the role (admins are told). */
  readonly assigneeId: string | null;
  /** The role holder the assignee stands in for (Plh/Plt), if any. */
  readonly onBehalfOf: string | null;
  readonly enteredAt: Date;
  readonly dueAt: Date;
  /** Index in the ladder of the next reminder or escalation; equals the ladder length when done. */
  readonly nextRung: number;
  readonly nextTimerAt: Date | null;
  /** How many levels up the superior chain have been told so far. */
  readonly escalationLevel: number;
  /** Since when the step waits on the reporter (its clock stopped); null or absent while it runs. */
  readonly pausedAt?: Date | null;
  /** When a wait on the reporter ends with the case closed as "tidak dilengkapi". */
  readonly pauseUntil?: Date | null;
  /** Working time the clock stood still in waits already ended; the deadline moved by it. */
  readonly pausedMs?: number;
  /** The ladder rung a wait interrupted: the ladder goes on from it when the reporter answers. */
  readonly pauseRung?: number | null;
  /**
   * Counts each time the step's timers were set afresh (a wait begun or ended). It is part of the
   * timer job ids: BullMQ keeps a finished job's id for a week and ignores an add that reuses it.
   */
  readonly clockEpoch?: number;
}

/** Timer "rungs" of a wait on the reporter: their reminder, then closing as "tidak dilengkapi". */
export const REPORTER_REMINDER_RUNG = -1;
export const REPORTER_LIMIT_RUNG = -2;

export function stepInstanceId(caseId: string, seq: number): string {
  return `${caseId}_${seq}`;
}

/** The case a step instance id (see stepInstanceId) belongs to. */
export function caseIdOf(instanceId: string): string {
  return instanceId.slice(0, instanceId.lastIndexOf('_'));
}

/** BullMQ forbids ":" in custom job ids, so the parts are joined with "_"; epoch 0 keeps the ids of before waits existed. */
export function timerJobId(instanceId: string, rung: number, epoch = 0): string {
  return epoch === 0 ? `${instanceId}_r${rung}` : `${instanceId}_e${epoch}_r${rung}`;
}
