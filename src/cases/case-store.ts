import { eq } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { insertMessage, type QueuedMessage } from '../db/outbox.js';
import { caseEvents, cases, officials, stepInstances } from '../db/schema.js';
import type { CaseState, OpenStep } from '../sop/case-state.js';
import type { Effect } from '../sop/effects.js';

/** Loads a case with its open step, locking the row until the transaction ends. */
export async function loadCaseForUpdate(tx: Tx, caseId: string): Promise<CaseState | null> {
  const [row] = await tx.select().from(cases).where(eq(cases.id, caseId)).for('update');
  if (!row) return null;
  let openStep: OpenStep | null = null;
  if (row.openInstanceId) {
    const [s] = await tx.select().from(stepInstances).where(eq(stepInstances.id, row.openInstanceId));
    if (s) {
      openStep = {
        instanceId: s.id,
        seq: s.seq,
        stepId: s.stepId,
        assigneeId: s.assigneeId,
        onBehalfOf: s.onBehalfOf,
        enteredAt: s.enteredAt,
        dueAt: s.dueAt,
        nextRung: s.nextRung,
        nextTimerAt: s.nextTimerAt,
        escalationLevel: s.escalationLevel,
      };
    }
  }
  return {
    id: row.id,
    ticket: row.ticket,
    sopId: row.sopId,
    sopVersion: row.sopVersion,
    unitId: row.unitId,
    stakeholderId: row.stakeholderId,
    status: row.status,
    outcome: row.outcome,
    openedAt: row.openedAt,
    closedAt: row.closedAt,
    stepSeq: row.stepSeq,
    path: row.path,
    holders: row.holders,
    openStep,
  };
}

/** What the case row holds besides the engine's state: the stakeholder's words. */
export interface CaseIntake {
  readonly category: string | null;
  readonly subject: string | null;
  readonly body: string | null;
  readonly channel: string | null;
  readonly openedBy: string | null;
  /** SP4N-LAPOR! rahasia: officials see a pseudonym and no contact details; default false. */
  readonly rahasia?: boolean;
  /** The secret of the public status link (/status/<ticket>?k=…), made when the case is filed. */
  readonly statusSecret?: string | null;
}

export interface SavedTransition {
  readonly messages: readonly QueuedMessage[];
  readonly timers: ReadonlyArray<{ instanceId: string; rung: number; at: Date }>;
}

/** Writes a transition in the caller's transaction: case, step instances, audit, outbox rows. */
export async function saveTransition(
  tx: Tx,
  before: CaseState | null,
  after: CaseState,
  effects: readonly Effect[],
  intake?: CaseIntake,
  /** Working time of the step this transition left, from the unit's calendar. */
  leftWorkingMs?: number,
): Promise<SavedTransition> {
  const caseRow = {
    sopId: after.sopId,
    sopVersion: after.sopVersion,
    unitId: after.unitId,
    stakeholderId: after.stakeholderId,
    status: after.status,
    outcome: after.outcome,
    openedAt: after.openedAt,
    closedAt: after.closedAt,
    stepSeq: after.stepSeq,
    path: [...after.path],
    holders: { ...after.holders },
    openInstanceId: after.openStep?.instanceId ?? null,
  };
  if (before) {
    await tx.update(cases).set(caseRow).where(eq(cases.id, after.id));
  } else {
    await tx.insert(cases).values({ id: after.id, ticket: after.ticket, ...caseRow, ...intake });
  }

  for (const effect of effects) {
    if (effect.type !== 'stepClosed') continue;
    await tx
      .update(stepInstances)
      .set({
        leftAt: effect.leftAt,
        outcome: effect.outcome,
        actorId: effect.actorId,
        note: effect.note,
        workingMs: leftWorkingMs ?? null,
        nextTimerAt: null,
      })
      .where(eq(stepInstances.id, effect.instanceId));
  }
  if (after.openStep) await upsertOpenStep(tx, after.id, after.openStep);

  const audits = effects.flatMap((e) => (e.type === 'audit' ? [e.entry] : []));
  if (audits.length > 0) {
    await tx.insert(caseEvents).values(
      audits.map((a) => ({
        caseId: after.id,
        at: a.at,
        kind: a.kind,
        actor: a.actor,
        instanceId: a.instanceId,
        stepId: a.stepId,
        action: a.action,
        note: a.note,
        attachments: [...a.attachments],
        target: a.target,
      })),
    );
  }

  for (const e of effects) {
    if (e.type === 'assigned')
      await tx.update(officials).set({ lastAssignedAt: e.at }).where(eq(officials.id, e.officialId));
  }

  const queued: QueuedMessage[] = [];
  for (const e of effects) {
    if (e.type !== 'notify') continue;
    const msgs = await insertMessage(tx, e.to, {
      caseId: e.caseId,
      instanceId: e.instanceId,
      template: e.template,
      params: e.params,
      choices: e.choices,
    });
    queued.push(...msgs);
  }
  const timers = effects.flatMap((e) =>
    e.type === 'timer' ? [{ instanceId: e.instanceId, rung: e.rung, at: e.at }] : [],
  );
  return { messages: queued, timers };
}

async function upsertOpenStep(tx: Tx, caseId: string, open: OpenStep): Promise<void> {
  const values = {
    assigneeId: open.assigneeId,
    onBehalfOf: open.onBehalfOf,
    dueAt: open.dueAt,
    nextRung: open.nextRung,
    nextTimerAt: open.nextTimerAt,
    escalationLevel: open.escalationLevel,
  };
  await tx
    .insert(stepInstances)
    .values({ id: open.instanceId, caseId, seq: open.seq, stepId: open.stepId, enteredAt: open.enteredAt, ...values })
    .onConflictDoUpdate({ target: stepInstances.id, set: values });
}
