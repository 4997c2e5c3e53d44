import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { caseEvents, cases, channelLinks, messages, officials, stepInstances } from '../db/schema.js';
import type { CaseState, OpenStep } from '../sop/case-state.js';
import type { Effect, Recipient } from '../sop/effects.js';

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
}

export interface QueuedMessage {
  readonly id: string;
  readonly channel: string;
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
    const msg = await insertMessage(tx, e.to, {
      caseId: e.caseId,
      instanceId: e.instanceId,
      template: e.template,
      params: e.params,
      choices: e.choices,
    });
    if (msg) queued.push(msg);
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

export interface NewMessage {
  readonly caseId: string | null;
  readonly instanceId: string | null;
  readonly template: string;
  readonly params: Readonly<Record<string, string>>;
  readonly choices?: readonly { action: string; label: { id: string; en?: string | undefined } }[];
}

/**
 * Puts a message in the outbox, addressed to the recipient's most recently used active chat.
 * A recipient with no reachable chat still gets a row, marked undeliverable, so nothing is lost
 * silently and the console can show it.
 */
export async function insertMessage(tx: Tx, to: Recipient, message: NewMessage): Promise<QueuedMessage | null> {
  const link = to.kind === 'admins' ? undefined : await activeLink(tx, to.kind, to.id);
  const id = randomUUID();
  await tx.insert(messages).values({
    id,
    caseId: message.caseId,
    instanceId: message.instanceId,
    recipientKind: to.kind,
    recipientId: to.kind === 'admins' ? to.unitId : to.id,
    channel: link?.channel ?? null,
    address: link?.address ?? null,
    template: message.template,
    params: { ...message.params },
    choices: [...(message.choices ?? [])],
    status: link ? 'pending' : 'undeliverable',
  });
  return link ? { id, channel: link.channel } : null;
}

async function activeLink(tx: Tx, kind: 'official' | 'stakeholder', id: string) {
  const [link] = await tx
    .select({ channel: channelLinks.channel, address: channelLinks.address })
    .from(channelLinks)
    .where(and(eq(channelLinks.ownerKind, kind), eq(channelLinks.ownerId, id), eq(channelLinks.active, true)))
    .orderBy(desc(channelLinks.lastSeenAt))
    .limit(1);
  return link;
}

/** Open steps whose next timer is due before `until`, for reconciling after Redis lost its data. */
export async function openTimers(tx: Tx, limit: number) {
  return tx
    .select({ instanceId: stepInstances.id, rung: stepInstances.nextRung, at: stepInstances.nextTimerAt })
    .from(stepInstances)
    .where(and(isNull(stepInstances.leftAt), sql`${stepInstances.nextTimerAt} is not null`))
    .orderBy(stepInstances.nextTimerAt)
    .limit(limit);
}

export async function pendingMessages(tx: Tx, ids?: readonly string[]) {
  const pending = eq(messages.status, 'pending');
  return tx
    .select({ id: messages.id, channel: messages.channel })
    .from(messages)
    .where(ids ? and(pending, inArray(messages.id, [...ids])) : pending);
}
