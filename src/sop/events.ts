/** An attachment already stored by the service, referenced by id. */
export interface AttachmentRef {
  readonly id: string;
  readonly name: string;
  /** The kelengkapan this file is, as the start step's kelengkapan or the action's `requires` names it. */
  readonly kelengkapan?: string;
}

/** A required kelengkapan the official declares absent, where the SOP allows it, and why. */
export interface AbsentKelengkapan {
  readonly kelengkapan: string;
  readonly note: string;
}

export type CaseEvent =
  | SubmitEvent
  | ActEvent
  | TimerFiredEvent
  | ReassignEvent
  | AssignWaitingEvent
  | ConfirmEvent
  | AskReporterEvent
  | ReporterAnswerEvent
  | FinalEvent;

/** The step's official asks the reporter for what is missing; the step's clock stops until they answer. */
export interface AskReporterEvent {
  readonly type: 'askReporter';
  readonly instanceId: string;
  readonly actorId: string;
  /** What is asked for, in the official's words; the reporter reads it. */
  readonly note: string;
  /**
   * An admin asks in the holder's stead (the console's case page, whose route checked the account);
   * `actorId` then names the admin, and the step's holder is told. Default false: only the holder asks.
   */
  readonly byAdmin?: boolean;
}

/** The reporter (stakeholder, or the official who opened the case) answers a request; the clock runs again. */
export interface ReporterAnswerEvent {
  readonly type: 'reporterAnswer';
  /** "stakeholder", or the id of the official who opened the case. */
  readonly by: string;
  readonly text?: string;
  readonly attachments?: readonly AttachmentRef[];
}

/** A stakeholder (or, for internal SOPs, an official) opens a case. */
export interface SubmitEvent {
  readonly type: 'submit';
  readonly caseId: string;
  readonly ticket: string;
  readonly unitId: string;
  readonly stakeholderId: string | null;
  /** Who opened an internal case (official id or console account), for the audit trail. */
  readonly openedBy: string | null;
  /** The official who opened it and is told of each stage; null when a stakeholder or admin did. */
  readonly initiatorId?: string | null;
  /** The files given when opening, each by its kelengkapan. */
  readonly attachments?: readonly AttachmentRef[];
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
  /** The reporter may see the note (a tindak lanjut); default false: notes are for colleagues. */
  readonly notePublic?: boolean;
  readonly absent?: readonly AbsentKelengkapan[];
}

/** The reporter answers whether a closed case solved their problem: "Sudah" or "Belum" with a reason. */
export interface ConfirmEvent {
  readonly type: 'confirm';
  readonly solved: boolean;
  /** Why it is not solved; required with solved: false. */
  readonly reason?: string;
}

/** The reopening window's timer went off: a closing the reporter left unanswered becomes final. */
export interface FinalEvent {
  readonly type: 'final';
}

/** A step's reminder/escalation timer went off. */
export interface TimerFiredEvent {
  readonly type: 'timer';
  readonly instanceId: string;
  readonly rung: number;
  /** The step's clockEpoch when the timer was set; absent means 0. A timer of an older epoch does nothing. */
  readonly epoch?: number;
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

/**
 * A step that entered with nobody holding its role gets a holder now that one exists (an official
 * was added, linked or is back). Does nothing when the step is held already or has been left, so
 * however often it is sent the step is given, and announced, once.
 */
export interface AssignWaitingEvent {
  readonly type: 'assignWaiting';
  readonly instanceId: string;
}
