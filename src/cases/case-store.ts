import { asc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Tx } from '../db/index.js';
import {
  caseEvents,
  cases,
  type InsertOptions,
  insertMessages,
  insertUnnested,
  placeholdersOf,
  prepared,
  type QueuedMessage,
  type Shaped,
  sendInOrder,
  stepInstances,
} from '../db/index.js';
import type { AuditEntry, CaseState, Effect, OpenStep } from '../sop/index.js';

/** Loads a case with its open step, locking the row until the transaction ends. */
export async function loadCaseForUpdate(tx: Tx, caseId: string): Promise<CaseState | null> {
  return (await loadCasesForUpdate(tx, [caseId])).get(caseId) ?? null;
}

/**
 * Loads many cases with their open steps, locking the case rows in id order (so two batches that
 * share cases wait for each other instead of deadlocking). Cases not found are left out.
 *
 * The steps are read by a second statement, after the locks are held: a statement that waited
 * for a lock sees the locked row as committed but every other row as it was when the statement
 * began, so a join would hand a batch that waited on another the step as it was before the other
 * moved it on, and a timer both fired would remind twice.
 */
export async function loadCasesForUpdate(tx: Tx, caseIds: readonly string[]): Promise<Map<string, CaseState>> {
  const out = new Map<string, CaseState>();
  if (caseIds.length === 0) return out;
  const rows = await tx
    .select()
    .from(cases)
    .where(inArray(cases.id, [...caseIds]))
    .orderBy(asc(cases.id))
    .for('update');
  const stepIds = rows.flatMap((r) => (r.openInstanceId ? [r.openInstanceId] : []));
  const steps = new Map(
    stepIds.length === 0
      ? []
      : (await tx.select().from(stepInstances).where(inArray(stepInstances.id, stepIds))).map((s) => [s.id, s]),
  );
  for (const row of rows) out.set(row.id, stateOf(row, row.openInstanceId ? steps.get(row.openInstanceId) : undefined));
  return out;
}

function stateOf(row: typeof cases.$inferSelect, s: typeof stepInstances.$inferSelect | undefined): CaseState {
  const openStep: OpenStep | null = s
    ? {
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
        pausedAt: s.pausedAt,
        pauseUntil: s.pauseUntil,
        pausedMs: s.pausedMs,
        pauseRung: s.pauseRung,
        clockEpoch: s.clockEpoch,
      }
    : null;
  return {
    id: row.id,
    ticket: row.ticket,
    sopId: row.sopId,
    sopVersion: row.sopVersion,
    unitId: row.unitId,
    stakeholderId: row.stakeholderId,
    initiatorId: row.initiatorId,
    status: row.status,
    outcome: row.outcome,
    openedAt: row.openedAt,
    closedAt: row.closedAt,
    reopenUntil: row.reopenUntil,
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
  /** The case's own fields its SOP declares, by field id. */
  readonly fields?: Readonly<Record<string, string>>;
}

export interface SavedTransition {
  readonly messages: readonly QueuedMessage[];
  readonly timers: ReadonlyArray<{ instanceId: string; rung: number; at: Date; epoch?: number }>;
  /** A closed case's reopening window: when it ends unanswered, the closing becomes final. */
  readonly finals?: ReadonlyArray<{ caseId: string; at: Date }>;
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
  outbox: InsertOptions = {},
): Promise<SavedTransition> {
  // Sent together with the recipients' lookup: each refers only to rows written before it.
  const writes: Array<SQL | Shaped> = [];
  const caseRow = caseRowOf(after);
  if (before) {
    // A reminder or an escalation moves only the open step: the case row stays as it is.
    if (caseRowChanged(before, after))
      writes.push(tx.update(cases).set(caseRow).where(eq(cases.id, after.id)).getSQL());
  } else {
    writes.push(
      insertCase(tx, { id: after.id, ticket: after.ticket, ...caseRow, ...intake, fields: { ...intake?.fields } }),
    );
  }

  for (const effect of effects) {
    if (effect.type !== 'stepClosed') continue;
    writes.push(
      tx
        .update(stepInstances)
        .set({
          leftAt: effect.leftAt,
          outcome: effect.outcome,
          actorId: effect.actorId,
          note: effect.note,
          notePublic: effect.notePublic ?? false,
          workingMs: leftWorkingMs ?? null,
          nextTimerAt: null,
        })
        .where(eq(stepInstances.id, effect.instanceId))
        .getSQL(),
    );
  }
  if (after.openStep) writes.push(upsertOpenStep(tx, after.id, after.openStep));

  const audits = effects.flatMap((e) => (e.type === 'audit' ? [e.entry] : []));
  if (audits.length > 0) writes.push(insertAudits(tx, after.id, audits));

  for (const e of effects) {
    if (e.type === 'assigned') writes.push(stampAssigned(e.officialId, e.at));
  }

  const queued: QueuedMessage[] = await insertMessages(
    tx,
    effects.flatMap((e) => (e.type === 'notify' ? [{ to: e.to, message: messageOf(e) }] : [])),
    outbox,
    writes,
  );
  const timers = effects.flatMap((e) =>
    e.type === 'timer' ? [{ instanceId: e.instanceId, rung: e.rung, at: e.at, epoch: e.epoch ?? 0 }] : [],
  );
  // A window opened by this transition (a closing, or a closing after a reopening) gets its timer.
  const until = after.status === 'closed' ? (after.reopenUntil ?? null) : null;
  const finals = until && until.getTime() !== before?.reopenUntil?.getTime() ? [{ caseId: after.id, at: until }] : [];
  return { messages: queued, timers, finals };
}

/** The case row's columns the engine's state decides. */
function caseRowOf(after: CaseState) {
  return {
    sopId: after.sopId,
    sopVersion: after.sopVersion,
    unitId: after.unitId,
    stakeholderId: after.stakeholderId,
    initiatorId: after.initiatorId ?? null,
    status: after.status,
    outcome: after.outcome,
    openedAt: after.openedAt,
    closedAt: after.closedAt,
    reopenUntil: after.reopenUntil ?? null,
    stepSeq: after.stepSeq,
    path: [...after.path],
    holders: { ...after.holders },
    openInstanceId: after.openStep?.instanceId ?? null,
  };
}

export interface NewCase {
  readonly after: CaseState;
  readonly effects: readonly Effect[];
  readonly intake: CaseIntake;
}

/**
 * Writes many submissions in the caller's transaction as saveTransition would write each one, a
 * statement per table instead of per case: for filing cases in bulk (the timer bench's ten
 * thousand cases, which one by one outlasted its lead on a loaded machine). Each official
 * assigned is stamped once, with the latest time. What they scheduled comes back as one whole.
 */
export async function saveNewCases(
  tx: Tx,
  items: readonly NewCase[],
  outbox: InsertOptions = {},
): Promise<SavedTransition> {
  if (items.length === 0) return { messages: [], timers: [] };
  await tx.insert(cases).values(
    items.map(({ after, intake }) => ({
      id: after.id,
      ticket: after.ticket,
      ...caseRowOf(after),
      ...intake,
      fields: { ...intake.fields },
    })),
  );
  const steps = items.flatMap(({ after }) => (after.openStep ? [{ caseId: after.id, open: after.openStep }] : []));
  if (steps.length > 0) {
    await tx.insert(stepInstances).values(
      steps.map(({ caseId, open }) => ({
        id: open.instanceId,
        caseId,
        seq: open.seq,
        stepId: open.stepId,
        enteredAt: open.enteredAt,
        ...openStepValues(open),
      })),
    );
  }
  const audits = items.flatMap(({ after, effects }) =>
    effects.flatMap((e) => (e.type === 'audit' ? [auditRow(after.id, e.entry)] : [])),
  );
  if (audits.length > 0) await tx.insert(caseEvents).values(audits);
  const stamps = new Map<string, Date>();
  for (const { effects } of items) {
    for (const e of effects) {
      const seen = stamps.get(e.type === 'assigned' ? e.officialId : '');
      if (e.type === 'assigned' && (!seen || seen < e.at)) stamps.set(e.officialId, e.at);
    }
  }
  if (stamps.size > 0)
    await sendInOrder(
      tx,
      [...stamps].map(([officialId, at]) => stampAssigned(officialId, at)),
    );
  const messages = await insertMessages(
    tx,
    items.flatMap(({ effects }) =>
      effects.flatMap((e) => (e.type === 'notify' ? [{ to: e.to, message: messageOf(e) }] : [])),
    ),
    outbox,
  );
  const timers = items.flatMap(({ effects }) =>
    effects.flatMap((e) =>
      e.type === 'timer' ? [{ instanceId: e.instanceId, rung: e.rung, at: e.at, epoch: e.epoch ?? 0 }] : [],
    ),
  );
  return { messages, timers };
}

export interface BatchedTransition {
  readonly before: CaseState;
  readonly after: CaseState;
  readonly effects: readonly Effect[];
  /** Working time of the step the transition left, if it left one. */
  readonly leftWorkingMs?: number | undefined;
}

/**
 * Writes many transitions of a timer batch in the caller's transaction. Those that only move
 * the open step on and write audit rows, messages to officials and timers (a reminder, an
 * escalation to a named superior) are written together: one statement for their steps, one
 * for their audit rows, two for their messages. Any other goes through saveTransition.
 */
export async function saveTimerBatch(
  tx: Tx,
  items: readonly BatchedTransition[],
  outbox: InsertOptions = {},
): Promise<SavedTransition[]> {
  const out: SavedTransition[] = [];
  const simple: BatchedTransition[] = [];
  for (const item of items) {
    if (isStepOnly(item)) simple.push(item);
    else {
      out.push(await saveTransition(tx, item.before, item.after, item.effects, undefined, item.leftWorkingMs, outbox));
    }
  }
  if (simple.length === 0) return out;

  const steps = simple.flatMap(({ after }) => (after.openStep ? [{ caseId: after.id, open: after.openStep }] : []));
  await insertUnnested(
    tx,
    'step_instances',
    STEP_COLUMNS,
    steps.map(({ caseId, open }) => ({
      id: open.instanceId,
      case_id: caseId,
      seq: open.seq,
      step_id: open.stepId,
      entered_at: open.enteredAt,
      assignee_id: open.assigneeId,
      on_behalf_of: open.onBehalfOf,
      due_at: open.dueAt,
      next_rung: open.nextRung,
      next_timer_at: open.nextTimerAt,
      escalation_level: open.escalationLevel,
      paused_at: open.pausedAt ?? null,
      pause_until: open.pauseUntil ?? null,
      paused_ms: open.pausedMs ?? 0,
      pause_rung: open.pauseRung ?? null,
      clock_epoch: open.clockEpoch ?? 0,
    })),
    sql`on conflict (id) do update set ${sql.raw(
      Object.keys(STEP_COLUMNS)
        .filter((c) => !STEP_KEPT.has(c))
        .map((c) => `${c} = excluded.${c}`)
        .join(', '),
    )}`,
  );
  await insertUnnested(
    tx,
    'case_events',
    AUDIT_COLUMNS,
    simple.flatMap(({ after, effects }) =>
      effects.flatMap((e) => (e.type === 'audit' ? [auditColumns(after.id, e.entry)] : [])),
    ),
  );
  const messages = await insertMessages(
    tx,
    simple.flatMap(({ effects }) =>
      effects.flatMap((e) =>
        e.type === 'notify' && e.to.kind === 'official' ? [{ to: e.to, message: messageOf(e) }] : [],
      ),
    ),
    outbox,
  );
  const timers = simple.flatMap(({ effects }) =>
    effects.flatMap((e) =>
      e.type === 'timer' ? [{ instanceId: e.instanceId, rung: e.rung, at: e.at, epoch: e.epoch ?? 0 }] : [],
    ),
  );
  out.push({ messages, timers });
  return out;
}

/** The open step's columns a timer batch writes; the step's identity and entry stay as they were. */
const STEP_COLUMNS = {
  id: 'text',
  case_id: 'text',
  seq: 'integer',
  step_id: 'text',
  entered_at: 'timestamptz',
  assignee_id: 'text',
  on_behalf_of: 'text',
  due_at: 'timestamptz',
  next_rung: 'integer',
  next_timer_at: 'timestamptz',
  escalation_level: 'integer',
  paused_at: 'timestamptz',
  pause_until: 'timestamptz',
  paused_ms: 'bigint',
  pause_rung: 'integer',
  clock_epoch: 'integer',
} as const;
const STEP_KEPT = new Set(['id', 'case_id', 'seq', 'step_id', 'entered_at']);

const AUDIT_COLUMNS = {
  case_id: 'text',
  at: 'timestamptz',
  kind: 'text',
  actor: 'text',
  instance_id: 'text',
  step_id: 'text',
  action: 'text',
  note: 'text',
  attachments: 'jsonb',
  absent: 'jsonb',
  target: 'text',
} as const;

function auditColumns(caseId: string, a: AuditEntry) {
  return {
    case_id: caseId,
    at: a.at,
    kind: a.kind,
    actor: a.actor,
    instance_id: a.instanceId,
    step_id: a.stepId,
    action: a.action,
    note: a.note,
    attachments: a.attachments,
    absent: a.absent,
    target: a.target,
  };
}

/** A transition that keeps the same step open and only writes audit rows, messages to officials and timers. */
function isStepOnly({ before, after, effects }: BatchedTransition): boolean {
  if (!before.openStep || before.openStep.instanceId !== after.openStep?.instanceId) return false;
  if (caseRowChanged(before, after)) return false;
  return effects.every(
    (e) => e.type === 'audit' || e.type === 'timer' || (e.type === 'notify' && e.to.kind === 'official'),
  );
}

/** Whether the transition changed anything the case row holds (the open step's own fields live in step_instances). */
function caseRowChanged(before: CaseState, after: CaseState): boolean {
  const { openStep: b, ...restBefore } = before;
  const { openStep: a, ...restAfter } = after;
  if ((b?.instanceId ?? null) !== (a?.instanceId ?? null)) return true;
  return JSON.stringify(restBefore) !== JSON.stringify(restAfter);
}

function messageOf(e: Extract<Effect, { type: 'notify' }>) {
  return { caseId: e.caseId, instanceId: e.instanceId, template: e.template, params: e.params, choices: e.choices };
}

function auditRow(caseId: string, a: AuditEntry) {
  return {
    caseId,
    at: a.at,
    kind: a.kind,
    actor: a.actor,
    instanceId: a.instanceId,
    stepId: a.stepId,
    action: a.action,
    note: a.note,
    attachments: [...a.attachments],
    absent: [...a.absent],
    target: a.target,
  };
}

function openStepValues(open: OpenStep) {
  return {
    assigneeId: open.assigneeId,
    onBehalfOf: open.onBehalfOf,
    dueAt: open.dueAt,
    nextRung: open.nextRung,
    nextTimerAt: open.nextTimerAt,
    escalationLevel: open.escalationLevel,
    pausedAt: open.pausedAt ?? null,
    pauseUntil: open.pauseUntil ?? null,
    pausedMs: open.pausedMs ?? 0,
    pauseRung: open.pauseRung ?? null,
    clockEpoch: open.clockEpoch ?? 0,
  };
}

function upsertOpenStep(tx: Tx, caseId: string, open: OpenStep): Shaped {
  const values = openStepValues(open);
  const step = placeholdersOf({
    id: open.instanceId,
    caseId,
    seq: open.seq,
    stepId: open.stepId,
    enteredAt: open.enteredAt,
    ...values,
  });
  // The update names the insert's placeholders: each of those values is sent twice.
  const set = placeholdersOf(values).placeholders;
  return {
    shape: `upsert step_instances ${step.keys}`,
    build: () =>
      tx
        .insert(stepInstances)
        .values(step.placeholders as unknown as typeof stepInstances.$inferInsert)
        .onConflictDoUpdate({ target: stepInstances.id, set })
        .getSQL(),
    values: step.values,
  };
}

/** A new case's row; its intake's absent values take the columns' defaults. */
function insertCase(tx: Tx, row: typeof cases.$inferInsert): Shaped {
  const { placeholders, values, keys } = placeholdersOf(row);
  return {
    shape: `insert cases ${keys}`,
    build: () =>
      tx
        .insert(cases)
        .values(placeholders as unknown as typeof cases.$inferInsert)
        .getSQL(),
    values,
  };
}

function insertAudits(tx: Tx, caseId: string, audits: readonly AuditEntry[]): Shaped {
  const rows = audits.map((a, i) => placeholdersOf(auditRow(caseId, a), `${i}.`));
  return {
    shape: `insert case_events ${rows.map((r) => r.keys).join(' | ')}`,
    build: () =>
      tx
        .insert(caseEvents)
        .values(rows.map((r) => r.placeholders as unknown as typeof caseEvents.$inferInsert))
        .getSQL(),
    values: Object.assign({}, ...rows.map((r) => r.values)),
  };
}

/**
 * Moves the round-robin on: the official was given a step at `at`. Concurrent submissions pick
 * the same longest-waiting official, and a plain UPDATE made each wait for the other's commit on
 * that row. A row another transaction holds is skipped instead: that transaction is stamping
 * the same official at about the same time, and the stamp only orders who is picked next.
 */
function stampAssigned(officialId: string, at: Date): SQL {
  return sql`${prepared}update officials set last_assigned_at = ${at.toISOString()}::timestamptz
        where id = (select id from officials where id = ${officialId} for update skip locked)`;
}
