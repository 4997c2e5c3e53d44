import type { AttachmentRef } from './events.js';

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
  | 'step.escalation'
  | 'step.reassigned_away'
  | 'step.unassigned';

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
  | 'closed';

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
  | { readonly type: 'timer'; readonly instanceId: string; readonly rung: number; readonly at: Date }
  | { readonly type: 'assigned'; readonly officialId: string; readonly at: Date };
