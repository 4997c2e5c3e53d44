/** An attachment already stored by the service, referenced by id. */
export interface AttachmentRef {
  readonly id: string;
  readonly name: string;
}

export type CaseEvent = SubmitEvent | ActEvent | TimerFiredEvent | ReassignEvent;

/** A stakeholder (or, for internal SOPs, an official) opens a case. */
export interface SubmitEvent {
  readonly type: 'submit';
  readonly caseId: string;
  readonly ticket: string;
  readonly unitId: string;
  readonly stakeholderId: string | null;
  /** The official who opened an internal case, if any. */
  readonly openedBy: string | null;
}

/** An official takes one of the actions the current step allows. */
export interface ActEvent {
  readonly type: 'act';
  /** The step instance the official saw; an action on an older visit is refused as stale. */
  readonly instanceId: string;
  readonly action: string;
  readonly actorId: string;
  readonly note?: string;
  readonly attachments?: readonly AttachmentRef[];
}

/** A step's reminder/escalation timer went off. */
export interface TimerFiredEvent {
  readonly type: 'timer';
  readonly instanceId: string;
  readonly rung: number;
}

/** An admin hands the current step to another official. */
export interface ReassignEvent {
  readonly type: 'reassign';
  readonly instanceId: string;
  readonly toOfficialId: string;
  /** Who did it (an admin account), for the audit log. */
  readonly by: string;
  readonly reason?: string;
}
