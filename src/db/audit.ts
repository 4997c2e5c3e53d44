import type { Tx } from './client.js';
import { auditLog } from './schema.js';

export interface AuditRecord {
  /** "admin:<username>", "official:<id>" or "system". */
  readonly actor: string;
  /** What was done, e.g. "document.publish", "case.reassign", "stakeholder.view_identity". */
  readonly action: string;
  readonly target?: string | null;
  readonly details?: Record<string, unknown>;
  readonly ip?: string | null;
}

/** Appends to the console's audit log; never updated or deleted. */
export async function recordAudit(db: Tx, record: AuditRecord): Promise<void> {
  await db.insert(auditLog).values({
    actor: record.actor,
    action: record.action,
    target: record.target ?? null,
    details: record.details ?? {},
    ip: record.ip ?? null,
  });
}
