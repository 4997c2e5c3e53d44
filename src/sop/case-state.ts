/** What the engine knows of one case. Plain data: the store saves and loads it. */
export interface CaseState {
  readonly id: string;
  readonly ticket: string;
  readonly sopId: string;
  /** The SOP version the case started on; it keeps running on it after a new version is published. */
  readonly sopVersion: number;
  readonly unitId: string;
  readonly stakeholderId: string | null;
  readonly status: 'open' | 'closed';
  readonly outcome: string | null;
  readonly openedAt: Date;
  readonly closedAt: Date | null;
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
}

export function stepInstanceId(caseId: string, seq: number): string {
  return `${caseId}_${seq}`;
}

/** BullMQ forbids ":" in custom job ids, so the parts are joined with "_". */
export function timerJobId(instanceId: string, rung: number): string {
  return `${instanceId}_r${rung}`;
}
