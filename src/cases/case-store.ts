import { eq, getTableName, type SQL, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Tx } from '../db/index.js';
import {
  caseEvents,
  cases,
  dateOf,
  type InsertOptions,
  insertMessages,
  insertMessagesLater,
  placeholderRows,
  placeholdersOf,
  prepared,
  type QueuedMessage,
  type SendLater,
  type Shaped,
  sendInOrder,
  stepInstances,
  unnestedInsert,
} from '../db/index.js';
import type { AuditEntry, CaseState, Effect, OpenStep } from '../sop/index.js';

/** Loads a case with its open step, locking the row until the transaction ends. */
export async function loadCaseForUpdate(tx: Tx, caseId: string): Promise<CaseState | null> {
  return (await loadCasesForUpdate(tx, [caseId])).get(caseId) ?? null;
}

/**
 * Loads many cases with their open steps, locking the case rows in id order (so two batches that
 * share cases wait for each other instead of deadlocking). Cases not found are left out.
 */
export async function loadCasesForUpdate(tx: Tx, caseIds: readonly string[]): Promise<Map<string, CaseState>> {
  if (caseIds.length === 0) return new Map();
  const [locked, steps] = await sendInOrder(tx, lockCasesStatements(caseIds));
  return casesOf(locked ?? [], steps ?? []);
}

/**
 * The two statements of loadCasesForUpdate, for a caller that sends others with them in the same
 * round trip; casesOf reads their rows. The first locks the case rows; the second reads their open
 * steps and must stay a statement of its own, sent after the first: a statement that waited for a
 * lock sees the locked row as committed but every other row as it was when the statement began,
 * so a join would hand a batch that waited on another the step as it was before the other moved
 * it on, and a timer both fired would remind twice. Postgres runs a connection's statements one
 * after the other, so the second, sent with the first, still begins only once the locks are held.
 */
export function lockCasesStatements(caseIds: readonly string[]): [SQL, SQL] {
  const ids = sql`${sql.param([...caseIds])}::text[]`;
  return [
    sql`${prepared}select ${sql.raw(CASE_COLUMNS)} from cases where id = any(${ids}) order by id for update`,
    sql`${prepared}select ${sql.raw(STEP_STATE_COLUMNS)} from step_instances
        where id in (select open_instance_id from cases where id = any(${ids}))`,
  ];
}

/** The engine's state of each case locked by lockCasesStatements, from the rows of its two statements. */
export function casesOf(locked: readonly unknown[], steps: readonly unknown[]): Map<string, CaseState> {
  const openSteps = new Map<string, OpenStep>();
  for (const row of steps as ReadonlyArray<StepRow>) openSteps.set(row.id, openStepOf(row));
  const out = new Map<string, CaseState>();
  for (const row of locked as ReadonlyArray<CaseRow>) {
    out.set(row.id, caseStateOf(row, row.open_instance_id ? (openSteps.get(row.open_instance_id) ?? null) : null));
  }
  return out;
}

/** The case row's columns the engine's state is made of, as lockCasesStatements reads them. */
const CASE_COLUMNS = `id, ticket, sop_id, sop_version, unit_id, stakeholder_id, initiator_id, status, outcome,
  opened_at, closed_at, reopen_until, step_seq, path, holders, open_instance_id`;

interface CaseRow {
  id: string;
  ticket: string;
  sop_id: string;
  sop_version: number;
  unit_id: string;
  stakeholder_id: string | null;
  initiator_id: string | null;
  status: 'open' | 'closed';
  outcome: string | null;
  opened_at: unknown;
  closed_at: unknown;
  reopen_until: unknown;
  step_seq: number;
  path: string[];
  holders: Record<string, string>;
  open_instance_id: string | null;
}

const STEP_STATE_COLUMNS = `id, seq, step_id, assignee_id, on_behalf_of, entered_at, due_at, next_rung, next_timer_at,
  escalation_level, paused_at, pause_until, paused_ms, pause_rung, clock_epoch`;

interface StepRow {
  id: string;
  seq: number;
  step_id: string;
  assignee_id: string | null;
  on_behalf_of: string | null;
  entered_at: unknown;
  due_at: unknown;
  next_rung: number;
  next_timer_at: unknown;
  escalation_level: number;
  paused_at: unknown;
  pause_until: unknown;
  /** bigint: text from node-postgres. */
  paused_ms: number | string;
  pause_rung: number | null;
  clock_epoch: number;
}

/** A timestamp that the column's NOT NULL guarantees. */
function momentOf(value: unknown): Date {
  const date = dateOf(value);
  if (!date) throw new Error('a required timestamp is null');
  return date;
}

function openStepOf(s: StepRow): OpenStep {
  return {
    instanceId: s.id,
    seq: s.seq,
    stepId: s.step_id,
    assigneeId: s.assignee_id,
    onBehalfOf: s.on_behalf_of,
    enteredAt: momentOf(s.entered_at),
    dueAt: momentOf(s.due_at),
    nextRung: s.next_rung,
    nextTimerAt: dateOf(s.next_timer_at),
    escalationLevel: s.escalation_level,
    pausedAt: dateOf(s.paused_at),
    pauseUntil: dateOf(s.pause_until),
    pausedMs: Number(s.paused_ms),
    pauseRung: s.pause_rung,
    clockEpoch: s.clock_epoch,
  };
}

function caseStateOf(row: CaseRow, openStep: OpenStep | null): CaseState {
  return {
    id: row.id,
    ticket: row.ticket,
    sopId: row.sop_id,
    sopVersion: row.sop_version,
    unitId: row.unit_id,
    stakeholderId: row.stakeholder_id,
    initiatorId: row.initiator_id,
    status: row.status,
    outcome: row.outcome,
    openedAt: momentOf(row.opened_at),
    closedAt: dateOf(row.closed_at),
    reopenUntil: dateOf(row.reopen_until),
    stepSeq: row.step_seq,
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
  /** The outbox rows to queue; a promise when they were written with the COMMIT: await it after the commit. */
  readonly messages: readonly QueuedMessage[] | Promise<readonly QueuedMessage[]>;
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
  /** Sends the outbox rows without waiting for them, to leave with the COMMIT (pipelinedTransaction). */
  later?: SendLater,
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

  const queued = await writeWithNotices(tx, writes, effects, outbox, later);
  const timers = timersOf(effects);
  // A window opened by this transition (a closing, or a closing after a reopening) gets its timer.
  const until = after.status === 'closed' ? (after.reopenUntil ?? null) : null;
  const finals = until && until.getTime() !== before?.reopenUntil?.getTime() ? [{ caseId: after.id, at: until }] : [];
  return { messages: queued, timers, finals };
}

/**
 * Sends the writes and the outbox rows of the effects' notices. With `later`, both leave with the
 * COMMIT, the rows finding their recipients' chats themselves, unless a notice goes to a unit's
 * admins, who are looked up first; without it, the writes go in the round trip that looks up the
 * recipients' chats.
 */
async function writeWithNotices(
  tx: Tx,
  writes: ReadonlyArray<SQL | Shaped>,
  effects: readonly Effect[],
  outbox: InsertOptions,
  later: SendLater | undefined,
): Promise<SavedTransition['messages']> {
  const notices = effects.flatMap((e) => (e.type === 'notify' ? [{ to: e.to, message: messageOf(e) }] : []));
  const toPeople = notices.flatMap((n) => (n.to.kind === 'admins' ? [] : [{ to: n.to, message: n.message }]));
  if (later && toPeople.length === notices.length) {
    for (const write of writes) await later(write);
    return (await insertMessagesLater(toPeople, outbox, later)).queued;
  }
  return insertMessages(tx, notices, outbox, writes, later);
}

function timersOf(effects: readonly Effect[]): SavedTransition['timers'] {
  return effects.flatMap((e) =>
    e.type === 'timer' ? [{ instanceId: e.instanceId, rung: e.rung, at: e.at, epoch: e.epoch ?? 0 }] : [],
  );
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
 * statement per table instead of per case: for filing cases together (CaseService's submissions
 * of one turn, the timer bench's ten thousand cases). Each official assigned is stamped once,
 * with the latest time. What they scheduled comes back as one whole. With `later`
 * (pipelinedTransaction's), the rows leave with the COMMIT, as in saveTransition.
 */
export async function saveNewCases(
  tx: Tx,
  items: readonly NewCase[],
  outbox: InsertOptions = {},
  later?: SendLater,
): Promise<SavedTransition> {
  if (items.length === 0) return { messages: [], timers: [] };
  const writes: Array<SQL | Shaped> = [
    insertRows(
      tx,
      cases,
      items.map(({ after, intake }) => ({
        id: after.id,
        ticket: after.ticket,
        ...caseRowOf(after),
        ...intake,
        fields: { ...intake.fields },
      })),
    ),
  ];
  const steps = items.flatMap(({ after }) => (after.openStep ? [{ caseId: after.id, open: after.openStep }] : []));
  if (steps.length > 0) {
    writes.push(
      insertRows(
        tx,
        stepInstances,
        steps.map(({ caseId, open }) => ({
          id: open.instanceId,
          caseId,
          seq: open.seq,
          stepId: open.stepId,
          enteredAt: open.enteredAt,
          ...openStepValues(open),
        })),
      ),
    );
  }
  const audits = items.flatMap(({ after, effects }) =>
    effects.flatMap((e) => (e.type === 'audit' ? [auditRow(after.id, e.entry)] : [])),
  );
  if (audits.length > 0) writes.push(insertRows(tx, caseEvents, audits));
  const stamps = new Map<string, Date>();
  for (const { effects } of items) {
    for (const e of effects) {
      const seen = stamps.get(e.type === 'assigned' ? e.officialId : '');
      if (e.type === 'assigned' && (!seen || seen < e.at)) stamps.set(e.officialId, e.at);
    }
  }
  for (const [officialId, at] of stamps) writes.push(stampAssigned(officialId, at));

  const effects = items.flatMap((item) => item.effects);
  const messages = await writeWithNotices(tx, writes, effects, outbox, later);
  const timers = timersOf(effects);
  const finals = items.flatMap(({ after }) =>
    after.status === 'closed' && after.reopenUntil ? [{ caseId: after.id, at: after.reopenUntil }] : [],
  );
  return { messages, timers, finals };
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
 * for their audit rows, two for their messages, in two round trips. Any other goes through
 * saveTransition.
 */
export async function saveTimerBatch(
  tx: Tx,
  items: readonly BatchedTransition[],
  outbox: InsertOptions = {},
  /** Sends the reminders' rows without waiting (a pipelined transaction's COMMIT follows them); default: awaited. */
  later?: SendLater,
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
  const stepsUpsert = unnestedInsert(
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
  const auditsInsert = unnestedInsert(
    'case_events',
    AUDIT_COLUMNS,
    simple.flatMap(({ after, effects }) =>
      effects.flatMap((e) => (e.type === 'audit' ? [auditColumns(after.id, e.entry)] : [])),
    ),
  );
  const reminders = simple.flatMap(({ effects }) =>
    effects.flatMap((e) =>
      e.type === 'notify' && e.to.kind === 'official' ? [{ to: e.to, message: messageOf(e) }] : [],
    ),
  );
  const send: SendLater =
    later ??
    (async (statement) => {
      const [rows = []] = await sendInOrder(tx, [statement]);
      return { rows: Promise.resolve(rows) };
    });
  // The steps and audit rows go in the round trip that looks up the reminders' recipients.
  const messages = await insertMessages(
    tx,
    reminders,
    outbox,
    [stepsUpsert, auditsInsert].filter((w): w is SQL | Shaped => w !== null),
    reminders.length === 0
      ? later
      : async (insert) => {
          await send(REMINDERS_IN_TURN);
          return send(insert);
        },
  );
  out.push({ messages, timers: timersOf(simple.flatMap(({ effects }) => effects)) });
  return out;
}

/**
 * Timer batches write their reminders one after another, holding this lock to their COMMIT. Two
 * writing at once interleaved their rows' seq numbers, a chat's reminders alternating between the
 * batches; each batch's sends are queued whole after its commit, so in a burst half of a chat's
 * sends came to the worker before an older message of their chat (see BatchedClaims) and waited.
 */
const REMINDERS_IN_TURN = sql`${prepared}select pg_advisory_xact_lock(hashtext('siput:timer-reminders'))`;

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
  if ((before.openStep?.instanceId ?? null) !== (after.openStep?.instanceId ?? null)) return true;
  // The engine keeps the fields it leaves alone (a reminder changes the open step only), so most
  // compare by reference: writing both states out as JSON was 3 % of a deadline burst's CPU.
  const keys = Object.keys(before) as Array<keyof CaseState>;
  if (keys.length === Object.keys(after).length && keys.every((k) => k === 'openStep' || before[k] === after[k])) {
    return false;
  }
  const { openStep: _b, ...restBefore } = before;
  const { openStep: _a, ...restAfter } = after;
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
  return {
    shape: `upsert step_instances ${step.keys}`,
    build: () =>
      tx
        .insert(stepInstances)
        .values(step.placeholders() as unknown as typeof stepInstances.$inferInsert)
        .onConflictDoUpdate({ target: stepInstances.id, set: placeholdersOf(values).placeholders() })
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
        .values(placeholders() as unknown as typeof cases.$inferInsert)
        .getSQL(),
    values,
  };
}

function insertAudits(tx: Tx, caseId: string, audits: readonly AuditEntry[]): Shaped {
  return insertRows(
    tx,
    caseEvents,
    audits.map((a) => auditRow(caseId, a)),
  );
}

/** Rows of one table in one insert, each row's values named by its index; the shape has each row's keys. */
function insertRows(tx: Tx, table: PgTable, rows: ReadonlyArray<Readonly<Record<string, unknown>>>): Shaped {
  const shaped = placeholderRows(rows);
  return {
    // Named apart from insertCase's shape, whose one row's values are named without their row.
    shape: `insert rows ${getTableName(table)} ${shaped.keys}`,
    build: () =>
      tx
        .insert(table)
        .values(shaped.placeholders() as never)
        .getSQL(),
    values: {},
    rows,
  };
}

/**
 * Moves the round-robin on: the official was given a step at `at`. Concurrent submissions pick
 * the same longest-waiting official, and a plain UPDATE made each wait for the other's commit on
 * that row. A row another transaction holds is skipped instead: that transaction is stamping
 * the same official at about the same time, and the stamp only orders who is picked next.
 */
function stampAssigned(officialId: string, at: Date): Shaped {
  return { shape: 'stamp assigned', build: buildStampAssigned, values: { at: at.toISOString(), officialId } };
}

const buildStampAssigned = () =>
  sql`${prepared}update officials set last_assigned_at = ${sql.placeholder('at')}::timestamptz
        where id = (select id from officials where id = ${sql.placeholder('officialId')} for update skip locked)`;
