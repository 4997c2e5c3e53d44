import type { AbsentKelengkapan, AttachmentRef } from './events.js';

export type Recipient =
  | { readonly kind: 'official'; readonly id: string }
  | { readonly kind: 'stakeholder'; readonly id: string }
  /** The unit's admins, for things nobody else can fix (no holder for a role). */
  | { readonly kind: 'admins'; readonly unitId: string };

/** Message templates; the outbox renders them in the recipient's language. */
export type MessageTemplate =
  | 'case.received'
  | 'case.update'
  | 'case.closed'
  | 'step.assigned'
  | 'step.returned'
  | 'step.reminder'
  /** A heads-up before the deadline (a ladder rung `at: N%`). */
  | 'step.due_soon'
  | 'step.escalation'
  | 'step.reassigned_away'
  | 'step.unassigned'
  /** The step's official, told that the reporter answered a request for kelengkapan. */
  | 'step.reporter_answered'
  /** The step's official, told that an admin asked the reporter for kelengkapan (the clock stopped). */
  | 'step.reporter_asked'
  /** The step's official, told that the case closed as "tidak dilengkapi". */
  | 'step.not_completed'
  /** The reporter, asked for missing kelengkapan (the step's clock stops meanwhile). */
  | 'case.info_requested'
  /** The reporter, reminded once of the request before the limit. */
  | 'case.info_reminder'
  /** The reporter, told that the case closed without the kelengkapan asked for. */
  | 'case.not_completed'
  /** The closing is final: the reporter is offered the SKM survey. */
  | 'survey.offer';

export interface Choice {
  readonly action: string;
  readonly label: { readonly id: string; readonly en?: string | undefined };
}

export type AuditKind =
  | 'submitted'
  | 'entered'
  | 'acted'
  | 'returned'
  | 'reminded'
  | 'escalated'
  | 'reassigned'
  /** A step that waited without a holder was given one. */
  | 'assigned'
  | 'closed'
  | 'confirmed'
  | 'reopened'
  /** The step's official asked the reporter for more; the step's clock stopped. */
  | 'paused'
  /** The reporter answered; the step's clock runs again, its deadline moved by the wait. */
  | 'resumed'
  /** The reopening window passed without an answer: the closing is final. */
  | 'finalized';

export interface AuditEntry {
  readonly at: Date;
  readonly kind: AuditKind;
  /** Official id, admin name, "stakeholder" or "system". */
  readonly actor: string;
  readonly instanceId: string | null;
  readonly stepId: string | null;
  readonly action: string | null;
  readonly note: string | null;
  readonly attachments: readonly AttachmentRef[];
  /** Required kelengkapan declared absent, each with its note. */
  readonly absent: readonly AbsentKelengkapan[];
  /** Who was told or assigned, for reminders, escalations and reassignments. */
  readonly target: string | null;
}

export type Effect =
  | { readonly type: 'audit'; readonly entry: AuditEntry }
  | {
      readonly type: 'stepClosed';
      readonly instanceId: string;
      readonly leftAt: Date;
      /** The action taken, or "reassigned" is never used: a reassignment keeps the step open. */
      readonly outcome: string;
      readonly actorId: string;
      readonly note: string | null;
      /** The reporter may see the note. */
      readonly notePublic?: boolean;
    }
  | {
      readonly type: 'notify';
      readonly to: Recipient;
      readonly template: MessageTemplate;
      readonly caseId: string;
      readonly instanceId: string | null;
      /** Values for the template: ticket, step, status, due, note… never a secret. */
      readonly params: Readonly<Record<string, string>>;
      readonly choices: readonly Choice[];
    }
  | {
      readonly type: 'timer';
      readonly instanceId: string;
      readonly rung: number;
      readonly at: Date;
      /** The step's clockEpoch; absent means 0. */
      readonly epoch?: number;
    }
  | { readonly type: 'assigned'; readonly officialId: string; readonly at: Date };
