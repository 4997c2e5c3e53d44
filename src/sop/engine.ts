import type { WorkingCalendar } from './calendar.js';
import {
  type CaseState,
  type OpenStep,
  REPORTER_LIMIT_RUNG,
  REPORTER_REMINDER_RUNG,
  stepInstanceId,
} from './case-state.js';
import { END, type SopAction, type SopDefinition, type SopStep } from './definition.js';
import { activeDelegateOf, type Directory, findOfficial, type OfficialEntry, pickHolder } from './directory.js';
import type { AuditEntry, AuditKind, Effect, MessageTemplate, Recipient } from './effects.js';
import { CaseRejectedError, SopVersionMismatchError } from './errors.js';
import type {
  ActEvent,
  AskReporterEvent,
  AssignWaitingEvent,
  CaseEvent,
  ConfirmEvent,
  ReassignEvent,
  ReporterAnswerEvent,
  SubmitEvent,
  TimerFiredEvent,
} from './events.js';
import { checkKelengkapan } from './kelengkapan.js';
import { nextRungFrom } from './ladder.js';
import {
  clockOf,
  DEFAULT_REPORTER_WAIT,
  isWaitingOnReporter,
  pauseStep,
  resumeStep,
  timeLeftParams,
} from './step-clock.js';

/** What the engine needs besides the case: all of it loaded by the caller, none of it fetched here. */
export interface EngineContext {
  /** The SOP at the version the case is pinned to. */
  readonly sop: SopDefinition;
  readonly directory: Directory;
  /** The working calendar of the case's unit. */
  readonly calendar: WorkingCalendar;
  /**
   * The unit's own escalation ceiling (a role id), when it stops lower than the SOP's: beyond it
   * the unit's admins are alerted. Ignored for an SOP without that role.
   */
  readonly unitCeiling?: string | null;
}

export interface Transition {
  readonly state: CaseState;
  readonly effects: readonly Effect[];
}

/**
 * The SOP engine: (case, event, now) → (case', effects). Pure: no I/O, no clock, no randomness.
 * Refused events throw CaseRejectedError and leave the case as it was.
 */
export function apply(state: CaseState | null, event: CaseEvent, now: Date, ctx: EngineContext): Transition {
  if (event.type === 'submit') {
    if (state) return { state, effects: [] };
    return submit(event, now, ctx);
  }
  if (!state) throw new Error(`event ${event.type} for a case that does not exist`);
  if (state.sopId !== ctx.sop.id || state.sopVersion !== ctx.sop.version) {
    throw new SopVersionMismatchError(
      `case ${state.ticket} runs ${state.sopId}@${state.sopVersion}, not ${ctx.sop.id}@${ctx.sop.version}`,
    );
  }
  switch (event.type) {
    case 'act':
      return act(state, event, now, ctx);
    case 'timer':
      return timerFired(state, event, now, ctx);
    case 'reassign':
      return reassign(state, event, now, ctx);
    case 'confirm':
      return confirm(state, event, now, ctx);
    case 'assignWaiting':
      return assignWaiting(state, event, now, ctx);
    case 'askReporter':
      return askReporter(state, event, now, ctx);
    case 'reporterAnswer':
      return reporterAnswer(state, event, now, ctx);
    case 'final':
      return finalIfSilent(state, now);
  }
}

/** Each SOP's steps by id, made once per definition object. */
const stepsById = new WeakMap<SopDefinition, Map<string, SopStep>>();

export function stepOf(sop: SopDefinition, stepId: string): SopStep {
  let steps = stepsById.get(sop);
  if (!steps) {
    steps = new Map(sop.steps.map((s) => [s.id, s]));
    stepsById.set(sop, steps);
  }
  const step = steps.get(stepId);
  if (!step) throw new Error(`SOP ${sop.id}@${sop.version} has no step ${stepId}`);
  return step;
}

export function ladderOf(sop: SopDefinition, step: SopStep) {
  return step.ladder ?? sop.ladder;
}

function submit(event: SubmitEvent, now: Date, ctx: EngineContext): Transition {
  const opened: CaseState = {
    id: event.caseId,
    ticket: event.ticket,
    sopId: ctx.sop.id,
    sopVersion: ctx.sop.version,
    unitId: event.unitId,
    stakeholderId: event.stakeholderId,
    initiatorId: event.initiatorId ?? null,
    status: 'open',
    outcome: null,
    openedAt: now,
    closedAt: null,
    stepSeq: 0,
    path: [],
    holders: {},
    openStep: null,
  };
  const effects: Effect[] = [
    audit(now, 'submitted', event.openedBy ?? (event.stakeholderId ? 'stakeholder' : 'system'), null, {
      attachments: event.attachments ?? [],
    }),
  ];
  const entered = enter(opened, ctx.sop.start, now, ctx, effects, { returnedNote: null, tindakLanjut: null });
  const step = stepOf(ctx.sop, ctx.sop.start);
  for (const to of partiesOf(entered)) {
    effects.push(
      notify(to, 'case.received', entered, {
        ticket: event.ticket,
        status: step.status.id,
        status_en: step.status.en ?? step.status.id,
        due: entered.openStep?.dueAt.toISOString() ?? '',
        ...(entered.openStep ? timeLeftParams(entered.openStep, now, ctx.calendar) : { left_ms: '' }),
      }),
    );
  }
  return { state: entered, effects };
}

function act(state: CaseState, event: ActEvent, now: Date, ctx: EngineContext): Transition {
  const open = requireOpenStep(state, event.instanceId);
  const step = stepOf(ctx.sop, open.stepId);
  const action = step.actions.find((a) => a.id === event.action);
  if (!action) {
    throw new CaseRejectedError('unknown_action', `step ${step.id} has no action "${event.action}"`, {
      action: event.action,
      allowed: step.actions.map((a) => a.id).join(', '),
    });
  }
  if (!mayAct(ctx.directory, open, event.actorId, now)) {
    throw new CaseRejectedError('not_assignee', `official ${event.actorId} is not assigned to step ${step.id}`);
  }
  const note = event.note?.trim() ? event.note.trim() : null;
  if ((action.kind === 'return' || action.note === 'required') && !note) {
    throw new CaseRejectedError('note_required', `action "${action.id}" needs a note`, { action: action.id });
  }
  const attachments = event.attachments ?? [];
  const absent = (event.absent ?? []).filter((a) => a.note.trim());
  const { missing, notAllowedAbsent } = checkKelengkapan(action, attachments, absent);
  if (notAllowedAbsent.length > 0) {
    throw new CaseRejectedError('absence_not_allowed', `action "${action.id}" needs ${notAllowedAbsent.join(', ')}`, {
      action: action.id,
      requires: notAllowedAbsent.join(', '),
    });
  }
  if (missing.length > 0) {
    throw new CaseRejectedError('attachment_required', `action "${action.id}" needs ${missing.join(', ')}`, {
      action: action.id,
      requires: missing.join(', '),
    });
  }

  // A tindak lanjut the official chose to show goes to the reporter with the news it brings.
  const tindakLanjut = event.notePublic && note ? note : null;
  const effects: Effect[] = [
    {
      type: 'stepClosed',
      instanceId: open.instanceId,
      leftAt: now,
      outcome: action.id,
      actorId: event.actorId,
      note,
      notePublic: tindakLanjut !== null,
    },
    audit(now, action.kind === 'return' ? 'returned' : 'acted', event.actorId, open, {
      action: action.id,
      note,
      attachments,
      absent,
    }),
  ];
  const left: CaseState = {
    ...state,
    openStep: null,
    holders: withHolder(state.holders, open.stepId, open.onBehalfOf ?? open.assigneeId ?? event.actorId),
  };
  if (action.to === END) return { state: close(left, action, now, ctx, effects, tindakLanjut), effects };

  const { target, path } = targetOf(left, action);
  const moved = enter({ ...left, path }, target, now, ctx, effects, {
    returnedNote: action.kind === 'return' ? note : null,
    tindakLanjut,
  });
  return { state: moved, effects };
}

/**
 * The reporter's answer to "is it solved?" after closing. "Sudah" makes the closing final;
 * "Belum" with a reason, within the SOP's window, reopens the case at its reopen step with the
 * reason in front of the official who held that step. Either answer is counted in the audit trail.
 */
function confirm(state: CaseState, event: ConfirmEvent, now: Date, ctx: EngineContext): Transition {
  if (state.status !== 'closed') {
    throw new CaseRejectedError('not_closed', `case ${state.ticket} is not closed`, { ticket: state.ticket });
  }
  const until = state.reopenUntil ?? null;
  if (!until || now > until) {
    throw new CaseRejectedError('reopen_closed', `case ${state.ticket} can no longer be answered`, {
      ticket: state.ticket,
    });
  }
  if (event.solved) {
    const final: CaseState = { ...state, reopenUntil: null };
    const effects: Effect[] = [audit(now, 'confirmed', 'stakeholder', null, {}), surveyOffer(final)];
    return { state: final, effects };
  }
  const reason = event.reason?.trim();
  const target = ctx.sop.reopen;
  if (!reason || !target) {
    throw new CaseRejectedError('note_required', `reopening ${state.ticket} needs a reason`, { ticket: state.ticket });
  }
  const effects: Effect[] = [
    {
      type: 'audit',
      entry: {
        at: now,
        kind: 'reopened',
        actor: 'stakeholder',
        instanceId: null,
        stepId: target,
        action: null,
        note: reason,
        attachments: [],
        absent: [],
        target: null,
      },
    },
  ];
  const reopened: CaseState = { ...state, status: 'open', outcome: null, closedAt: null, reopenUntil: null };
  const index = reopened.path.lastIndexOf(target);
  const path = index >= 0 ? reopened.path.slice(0, index + 1) : reopened.path;
  const moved = enter({ ...reopened, path }, target, now, ctx, effects, { returnedNote: reason, tindakLanjut: null });
  return { state: moved, effects };
}

/**
 * The reporter said nothing within the window: the closing is final. A timer that fires for a case
 * already answered, reopened, or (on a skewed clock) before the window ends does nothing.
 */
function finalIfSilent(state: CaseState, now: Date): Transition {
  const until = state.reopenUntil ?? null;
  if (state.status !== 'closed' || !until || now < until) return { state, effects: [] };
  const final: CaseState = { ...state, reopenUntil: null };
  return { state: final, effects: [audit(now, 'finalized', 'system', null, {}), surveyOffer(final)] };
}

/** Once the closing is final, the reporter is offered the SKM survey: answer or skip, once per case. */
function surveyOffer(state: CaseState): Effect {
  return notify(
    { kind: 'stakeholder', id: state.stakeholderId ?? '' },
    'survey.offer',
    state,
    { ticket: state.ticket },
    [...SURVEY_CHOICES],
  );
}

function timerFired(state: CaseState, event: TimerFiredEvent, now: Date, ctx: EngineContext): Transition {
  const open = state.openStep;
  // A timer for a step already left, a rung already handled, or one set before a wait began or
  // ended (an older epoch) is a late duplicate: it does nothing.
  if (
    !open ||
    open.instanceId !== event.instanceId ||
    open.nextRung !== event.rung ||
    (open.clockEpoch ?? 0) !== (event.epoch ?? 0)
  )
    return { state, effects: [] };
  if (event.rung === REPORTER_REMINDER_RUNG) return remindReporter(state, open, now, ctx);
  if (event.rung === REPORTER_LIMIT_RUNG) return closeNotCompleted(state, open, now, ctx);
  const step = stepOf(ctx.sop, open.stepId);
  const ladder = ladderOf(ctx.sop, step);
  const rung = ladder[event.rung];
  if (!rung) return { state, effects: [] };

  const effects: Effect[] = [];
  let escalationLevel = open.escalationLevel;
  const params = stepParams(state, step, open, now, ctx.calendar);
  if (rung.notify === 'owner') {
    if (open.assigneeId) {
      const template = rung.at === undefined ? 'step.reminder' : 'step.due_soon';
      effects.push(
        notify({ kind: 'official', id: open.assigneeId }, template, state, params, officialChoicesOf(step, state)),
      );
    }
    effects.push(audit(now, 'reminded', 'system', open, { target: open.assigneeId }));
  } else {
    escalationLevel += 1;
    const superior = superiorAt(
      ctx,
      state.unitId,
      open.onBehalfOf ?? open.assigneeId,
      step.actor,
      escalationLevel,
      now,
    );
    const official = superior === 'ceiling' ? null : superior;
    const to: Recipient = official ? { kind: 'official', id: official } : { kind: 'admins', unitId: state.unitId };
    params.level = String(escalationLevel);
    effects.push(notify(to, 'step.escalation', state, params));
    effects.push(
      audit(now, 'escalated', 'system', open, {
        target: official,
        note: superior === 'ceiling' ? `ceiling ${ceilingOf(ctx)}` : null,
      }),
    );
    // Past the ceiling the count stays there: each further rung alerts the admins again.
    if (superior === 'ceiling') escalationLevel -= 1;
  }
  const { nextRung, nextTimerAt } = nextRungFrom(ladder, event.rung + 1, clockOf(open), ctx.calendar);
  if (nextTimerAt) effects.push(timer(open, nextRung, nextTimerAt));
  return { state: { ...state, openStep: { ...open, nextRung, nextTimerAt, escalationLevel } }, effects };
}

function reassign(state: CaseState, event: ReassignEvent, now: Date, ctx: EngineContext): Transition {
  const open = requireOpenStep(state, event.instanceId);
  const official = findOfficial(ctx.directory, event.toOfficialId);
  if (!official?.active) {
    throw new CaseRejectedError('unknown_official', `no active official ${event.toOfficialId}`);
  }
  const step = stepOf(ctx.sop, open.stepId);
  const moved: OpenStep = { ...open, assigneeId: official.id, onBehalfOf: null };
  const next: CaseState = { ...state, openStep: moved };
  const params = stepParams(next, step, moved, now, ctx.calendar);
  params.reason = event.reason ?? '';
  const effects: Effect[] = [
    audit(now, 'reassigned', event.by, open, { note: event.reason ?? null, target: official.id }),
    notify({ kind: 'official', id: official.id }, 'step.assigned', next, params, officialChoicesOf(step, next)),
  ];
  if (open.assigneeId && open.assigneeId !== official.id) {
    effects.push(notify({ kind: 'official', id: open.assigneeId }, 'step.reassigned_away', next, params));
  }
  return { state: next, effects };
}

function assignWaiting(state: CaseState, event: AssignWaitingEvent, now: Date, ctx: EngineContext): Transition {
  const open = state.openStep;
  if (!open || open.instanceId !== event.instanceId || open.assigneeId) return { state, effects: [] };
  const step = stepOf(ctx.sop, open.stepId);
  const holder = pickHolder(ctx.directory, step.actor, state.unitId);
  if (!holder) return { state, effects: [] };
  const delegate = activeDelegateOf(ctx.directory, holder.id, now);
  const assigneeId = delegate ?? holder.id;
  const held: OpenStep = { ...open, assigneeId, onBehalfOf: delegate ? holder.id : null };
  const next: CaseState = { ...state, openStep: held };
  return {
    state: next,
    effects: [
      audit(now, 'assigned', 'system', open, { target: assigneeId }),
      { type: 'assigned', officialId: holder.id, at: now },
      notify(
        { kind: 'official', id: assigneeId },
        'step.assigned',
        next,
        stepParams(next, step, held, now, ctx.calendar),
        officialChoicesOf(step, next),
      ),
    ],
  };
}

/** Enters a step: assigns it round-robin, sets its deadline and first timer, and tells who must know. */
function enter(
  state: CaseState,
  stepId: string,
  now: Date,
  ctx: EngineContext,
  effects: Effect[],
  opts: { returnedNote: string | null; tindakLanjut: string | null },
): CaseState {
  const step = stepOf(ctx.sop, stepId);
  const seq = state.stepSeq + 1;
  // A step sent back goes to the official who handled it before, who knows the case; else round-robin.
  const previous = opts.returnedNote ? findOfficial(ctx.directory, state.holders[stepId] ?? null) : undefined;
  const holder = previous?.active ? previous : pickHolder(ctx.directory, step.actor, state.unitId);
  const delegate = holder ? activeDelegateOf(ctx.directory, holder.id, now) : null;
  const assigneeId = delegate ?? holder?.id ?? null;
  const dueAt = ctx.calendar.add(now, step.waktu);
  const { nextRung, nextTimerAt } = nextRungFrom(
    ladderOf(ctx.sop, step),
    0,
    { enteredAt: now, dueAt, pausedMs: 0 },
    ctx.calendar,
  );
  const open: OpenStep = {
    instanceId: stepInstanceId(state.id, seq),
    seq,
    stepId,
    assigneeId,
    onBehalfOf: delegate && holder ? holder.id : null,
    enteredAt: now,
    dueAt,
    nextRung,
    nextTimerAt,
    escalationLevel: 0,
  };
  const path = state.path.at(-1) === stepId ? state.path : [...state.path, stepId];
  const next: CaseState = { ...state, stepSeq: seq, path, openStep: open };

  effects.push(audit(now, 'entered', 'system', open, { target: assigneeId, note: opts.returnedNote }));
  if (holder && holder !== previous) effects.push({ type: 'assigned', officialId: holder.id, at: now });
  if (nextTimerAt) effects.push(timer(open, nextRung, nextTimerAt));

  const params = stepParams(next, step, open, now, ctx.calendar);
  params.note = opts.returnedNote ?? '';
  if (assigneeId) {
    const template = opts.returnedNote ? 'step.returned' : 'step.assigned';
    effects.push(notify({ kind: 'official', id: assigneeId }, template, next, params, officialChoicesOf(step, next)));
  } else {
    effects.push(notify({ kind: 'admins', unitId: state.unitId }, 'step.unassigned', next, params));
  }
  const update = {
    ticket: state.ticket,
    status: step.status.id,
    status_en: step.status.en ?? step.status.id,
  };
  if ((step.notifyStakeholder || opts.tindakLanjut) && state.stakeholderId && state.stepSeq > 0) {
    effects.push(
      notify(
        { kind: 'stakeholder', id: state.stakeholderId },
        'case.update',
        next,
        opts.tindakLanjut ? Object.assign({}, update, { tindak_lanjut: opts.tindakLanjut }) : update,
      ),
    );
  }
  // The official who opened the case follows every stage, unless the step is theirs: they got it already.
  if (state.initiatorId && state.stepSeq > 0 && state.initiatorId !== assigneeId) {
    effects.push(notify({ kind: 'official', id: state.initiatorId }, 'case.update', next, update));
  }
  return next;
}

function close(
  state: CaseState,
  action: SopAction,
  now: Date,
  ctx: EngineContext,
  effects: Effect[],
  tindakLanjut: string | null,
): CaseState {
  const outcome = action.outcome ?? action.id;
  effects.push(audit(now, 'closed', 'system', null, { action: action.id, note: outcome }));
  // The reporter is asked once whether it is solved, and may reopen within the SOP's window.
  const reopenUntil = ctx.sop.reopen && state.stakeholderId ? ctx.calendar.add(now, ctx.sop.reopenWithin) : null;
  const closed: CaseState = Object.assign({}, state, {
    status: 'closed' as const,
    outcome,
    closedAt: now,
    openStep: null,
    reopenUntil,
  });
  for (const to of partiesOf(state)) {
    const reporter = to.kind === 'stakeholder';
    effects.push(
      notify(
        to,
        'case.closed',
        closed,
        {
          ticket: state.ticket,
          outcome,
          ...(tindakLanjut ? { tindak_lanjut: tindakLanjut } : {}),
          ...(reopenUntil && reporter ? { reopen_until: reopenUntil.toISOString() } : {}),
        },
        reopenUntil && reporter ? CONFIRM_CHOICES : [],
      ),
    );
  }
  // Without a window to reopen in, the closing is final at once.
  if (!reopenUntil && state.stakeholderId) effects.push(surveyOffer(closed));
  return closed;
}

/** Who opened the case and hears of it: the stakeholder, and the official who opened an internal case. */
function partiesOf(state: CaseState): Recipient[] {
  const out: Recipient[] = [];
  if (state.stakeholderId) out.push({ kind: 'stakeholder', id: state.stakeholderId });
  if (state.initiatorId) out.push({ kind: 'official', id: state.initiatorId });
  return out;
}

/** "Sudah selesai" / "Belum": the labels are looked up in the reporter's language when sent. */
const CONFIRM_CHOICES = [
  { action: 'konfirmasi:sudah', label: { id: 'Sudah selesai', en: 'Yes, it is solved' } },
  { action: 'konfirmasi:belum', label: { id: 'Belum', en: 'Not yet' } },
];

/** "Isi survei" / "Lewati", signed with the case when sent. */
const SURVEY_CHOICES = [
  { action: 'survei:isi', label: { id: 'Isi survei', en: 'Take the survey' } },
  { action: 'survei:lewati', label: { id: 'Lewati', en: 'Skip' } },
];

/** Where an action leads, and the forward path after it: a return pops back to an earlier step. */
function targetOf(state: CaseState, action: SopAction): { target: string; path: readonly string[] } {
  if (action.kind !== 'return') return { target: action.to, path: state.path };
  const current = state.path.slice(0, -1);
  if (action.to === 'previous') {
    const target = current.at(-1);
    if (!target) throw new CaseRejectedError('unknown_action', `the case has no earlier step to return to`);
    return { target, path: current };
  }
  const index = current.lastIndexOf(action.to);
  return { target: action.to, path: index >= 0 ? current.slice(0, index + 1) : current };
}

function requireOpenStep(state: CaseState, instanceId: string): OpenStep {
  if (state.status === 'closed' || !state.openStep) {
    throw new CaseRejectedError('case_closed', `case ${state.ticket} is closed`, { ticket: state.ticket });
  }
  if (state.openStep.instanceId !== instanceId) {
    throw new CaseRejectedError('stale_step', `case ${state.ticket} has moved on from that step`, {
      ticket: state.ticket,
    });
  }
  return state.openStep;
}

function mayAct(directory: Directory, open: OpenStep, actorId: string, now: Date): boolean {
  if (!open.assigneeId) return false;
  // The holder a Plh stood in for may act too, e.g. back from leave before the delegation ends.
  if (actorId === open.assigneeId || actorId === open.onBehalfOf) return true;
  return activeDelegateOf(directory, open.assigneeId, now) === actorId;
}

/**
 * The official `level` steps up the chain from `fromId`: each one's superior, else a holder of the
 * role above. 'ceiling' when the chain would pass the SOP's ceiling role (the admins are told
 * instead of, say, a Menteri); null when nobody is left above.
 */
function superiorAt(
  ctx: EngineContext,
  unitId: string,
  fromId: string | null,
  roleId: string,
  level: number,
  now: Date,
): string | 'ceiling' | null {
  let currentId = fromId;
  let currentRole: string | undefined = roleId;
  for (let i = 0; i < level; i++) {
    const official = findOfficial(ctx.directory, currentId);
    const role: string | undefined = official?.roleId ?? currentRole;
    if (!mayEscalateAbove(ctx.sop, role) || unitCeilingReached(ctx, role)) return 'ceiling';
    const superiorRole: string | undefined = ctx.sop.roles.find((r) => r.id === role)?.superior;
    const own = findOfficial(ctx.directory, official?.superiorId ?? null);
    const superior: OfficialEntry | undefined = own?.active
      ? own
      : superiorRole
        ? pickHolder(ctx.directory, superiorRole, unitId)
        : undefined;
    if (!superior?.active) return null;
    currentId = superior.id;
    currentRole = superior.roleId;
  }
  return currentId ? (activeDelegateOf(ctx.directory, currentId, now) ?? currentId) : null;
}

/** The ceiling an escalation stopped at: the unit's where it applies to this SOP, else the SOP's. */
function ceilingOf(ctx: EngineContext): string {
  const unit = ctx.unitCeiling;
  return unit && ctx.sop.roles.some((r) => r.id === unit) ? unit : (ctx.sop.ceiling ?? '');
}

/** Whether `roleId` is the unit's ceiling or above it in the SOP's chain: no escalation goes further. */
function unitCeilingReached(ctx: EngineContext, roleId: string | undefined): boolean {
  const ceiling = ctx.unitCeiling;
  if (!ceiling || !roleId || !ctx.sop.roles.some((r) => r.id === ceiling)) return false;
  const seen = new Set<string>();
  for (let role: string | undefined = ceiling; role && !seen.has(role); ) {
    if (role === roleId) return true;
    seen.add(role);
    role = ctx.sop.roles.find((r) => r.id === role)?.superior;
  }
  return false;
}

/** Whether an escalation may go above `roleId`: the SOP's ceiling lies further up its chain. */
function mayEscalateAbove(sop: SopDefinition, roleId: string | undefined): boolean {
  if (!sop.ceiling) return true;
  const seen = new Set<string>();
  for (let role: string | undefined = sop.roles.find((r) => r.id === roleId)?.superior; role && !seen.has(role); ) {
    if (role === sop.ceiling) return true;
    seen.add(role);
    role = sop.roles.find((r) => r.id === role)?.superior;
  }
  return false;
}

function timer(open: OpenStep, rung: number, at: Date): Effect {
  const epoch = open.clockEpoch ?? 0;
  return { type: 'timer', instanceId: open.instanceId, rung, at, ...(epoch ? { epoch } : {}) };
}

/** The button in an official's step message that asks the reporter for what is missing. */
export const ASK_REPORTER_CHOICE = 'pelapor:minta';
/** The button in the reporter's request that starts their answer. */
export const ANSWER_REPORTER_CHOICE = 'pelapor:jawab';

function choicesOf(step: SopStep) {
  return step.actions.map((a) => ({ action: a.id, label: a.label }));
}

/** The step's actions, and asking the reporter where the case has one to ask. */
function officialChoicesOf(step: SopStep, state: CaseState) {
  const choices = choicesOf(step);
  if (!reporterOf(state) || isWaitingOnReporter(state.openStep)) return choices;
  return [
    ...choices,
    { action: ASK_REPORTER_CHOICE, label: { id: 'Minta kelengkapan ke pelapor', en: 'Ask the reporter' } },
  ];
}

type Reporter = Extract<Recipient, { kind: 'stakeholder' | 'official' }>;

/** Who a request for kelengkapan goes to: the stakeholder, else the official who opened the case. */
function reporterOf(state: CaseState): Reporter | null {
  if (state.stakeholderId) return { kind: 'stakeholder', id: state.stakeholderId };
  if (state.initiatorId) return { kind: 'official', id: state.initiatorId };
  return null;
}

const ANSWER_CHOICES = [{ action: ANSWER_REPORTER_CHOICE, label: { id: 'Kirim jawaban', en: 'Send my answer' } }];

/**
 * The step's official asks the reporter for what is missing. The step's clock stops, the reporter
 * is asked on their channel with a limit (the SOP's reporterWait, default 10 hari kerja) and
 * reminded once halfway; with no answer by then the case closes as "tidak dilengkapi".
 */
function askReporter(state: CaseState, event: AskReporterEvent, now: Date, ctx: EngineContext): Transition {
  const open = requireOpenStep(state, event.instanceId);
  if (!event.byAdmin && !mayAct(ctx.directory, open, event.actorId, now)) {
    throw new CaseRejectedError('not_assignee', `official ${event.actorId} is not assigned to step ${open.stepId}`);
  }
  const reporter = reporterOf(state);
  if (!reporter || (reporter.kind === 'official' && reporter.id === event.actorId)) {
    throw new CaseRejectedError('no_reporter', `case ${state.ticket} has no reporter to ask`, { ticket: state.ticket });
  }
  if (isWaitingOnReporter(open)) {
    throw new CaseRejectedError('already_waiting', `case ${state.ticket} already waits on its reporter`, {
      ticket: state.ticket,
    });
  }
  const note = event.note.trim();
  if (!note) throw new CaseRejectedError('note_required', 'asking the reporter needs a note');
  const until = ctx.calendar.add(now, ctx.sop.reporterWait ?? DEFAULT_REPORTER_WAIT);
  const reminderAt = ctx.calendar.addWorkingMs(now, Math.round(ctx.calendar.workingMsBetween(now, until) / 2));
  const paused = pauseStep(open, now, until, reminderAt, REPORTER_REMINDER_RUNG);
  const next: CaseState = { ...state, openStep: paused };
  const effects: Effect[] = [
    audit(now, 'paused', event.actorId, open, { note, target: reporter.id }),
    notify(
      reporter,
      'case.info_requested',
      next,
      { ticket: state.ticket, note, until: until.toISOString() },
      ANSWER_CHOICES,
    ),
    timer(paused, REPORTER_REMINDER_RUNG, reminderAt),
  ];
  // The holder learns from the admin's request that their step's clock stopped, and why.
  if (event.byAdmin && open.assigneeId) {
    const step = stepOf(ctx.sop, open.stepId);
    effects.push(
      notify({ kind: 'official', id: open.assigneeId }, 'step.reporter_asked', next, {
        ticket: state.ticket,
        step: step.id,
        kegiatan: step.kegiatan,
        note,
        until: until.toISOString(),
      }),
    );
  }
  return { state: next, effects };
}

/** The reporter's answer restarts the clock on the same step; its official gets the answer. */
function reporterAnswer(state: CaseState, event: ReporterAnswerEvent, now: Date, ctx: EngineContext): Transition {
  const open = state.openStep;
  if (state.status !== 'open' || !open || !isWaitingOnReporter(open)) {
    throw new CaseRejectedError('not_waiting', `case ${state.ticket} is not waiting on its reporter`, {
      ticket: state.ticket,
    });
  }
  const reporter = reporterOf(state);
  const isReporter =
    reporter && (reporter.kind === 'stakeholder' ? event.by === 'stakeholder' : event.by === reporter.id);
  if (!isReporter) {
    throw new CaseRejectedError('not_reporter', `only the reporter of ${state.ticket} answers its request`, {
      ticket: state.ticket,
    });
  }
  const text = event.text?.trim() ?? '';
  const attachments = event.attachments ?? [];
  if (!text && attachments.length === 0) {
    throw new CaseRejectedError('note_required', 'an answer needs a text or a file');
  }
  const step = stepOf(ctx.sop, open.stepId);
  const resumed = resumeStep(open, now, ctx.calendar);
  const { nextRung, nextTimerAt } = nextRungFrom(
    ladderOf(ctx.sop, step),
    resumed.nextRung,
    clockOf(resumed),
    ctx.calendar,
  );
  const running: OpenStep = { ...resumed, nextRung, nextTimerAt };
  const next: CaseState = { ...state, openStep: running };
  const effects: Effect[] = [audit(now, 'resumed', event.by, open, { note: text || null, attachments })];
  if (nextTimerAt) effects.push(timer(running, nextRung, nextTimerAt));
  if (running.assigneeId) {
    effects.push(
      notify(
        { kind: 'official', id: running.assigneeId },
        'step.reporter_answered',
        next,
        Object.assign(stepParams(next, step, running, now, ctx.calendar), {
          answer: text,
          files: attachments.map((a) => a.name).join(', '),
        }),
        officialChoicesOf(step, next),
      ),
    );
  }
  return { state: next, effects };
}

/** Halfway to the limit: the reporter is reminded once, and the limit is set. */
function remindReporter(state: CaseState, open: OpenStep, now: Date, _ctx: EngineContext): Transition {
  const reporter = reporterOf(state);
  const until = open.pauseUntil ?? now;
  const waiting: OpenStep = { ...open, nextRung: REPORTER_LIMIT_RUNG, nextTimerAt: until };
  const next: CaseState = { ...state, openStep: waiting };
  const effects: Effect[] = [timer(waiting, REPORTER_LIMIT_RUNG, until)];
  if (reporter) {
    effects.unshift(
      audit(now, 'reminded', 'system', open, { target: reporter.id }),
      notify(
        reporter,
        'case.info_reminder',
        next,
        { ticket: state.ticket, until: until.toISOString() },
        ANSWER_CHOICES,
      ),
    );
  }
  return { state: next, effects };
}

/** No answer by the limit: the case closes as "tidak dilengkapi", and the reporter and the official are told. */
function closeNotCompleted(state: CaseState, open: OpenStep, now: Date, ctx: EngineContext): Transition {
  const outcome = NOT_COMPLETED;
  const step = stepOf(ctx.sop, open.stepId);
  const effects: Effect[] = [
    {
      type: 'stepClosed',
      instanceId: open.instanceId,
      leftAt: now,
      outcome,
      actorId: 'system',
      note: null,
    },
    audit(now, 'closed', 'system', open, { note: outcome }),
  ];
  const closed: CaseState = {
    ...state,
    status: 'closed',
    outcome,
    closedAt: now,
    openStep: null,
    reopenUntil: null,
    holders: open.assigneeId
      ? withHolder(state.holders, open.stepId, open.onBehalfOf ?? open.assigneeId)
      : state.holders,
  };
  for (const to of partiesOf(state)) effects.push(notify(to, 'case.not_completed', closed, { ticket: state.ticket }));
  if (open.assigneeId && open.assigneeId !== state.initiatorId) {
    effects.push(
      notify({ kind: 'official', id: open.assigneeId }, 'step.not_completed', closed, {
        ticket: state.ticket,
        step: step.id,
        kegiatan: step.kegiatan,
      }),
    );
  }
  return { state: closed, effects };
}

/** The outcome of a case closed because the reporter did not send what was asked in time. */
export const NOT_COMPLETED = 'tidak-dilengkapi';

/**
 * What a message about a step shows: its due time with the working time left (negative when
 * overdue), and whether SIPUT chose the waktu or the deadline crosses an estimated holiday year.
 */
function stepParams(
  state: CaseState,
  step: SopStep,
  open: OpenStep,
  now: Date,
  calendar: WorkingCalendar,
): Record<string, string> {
  // Filled in place, not spread: in V8 (Node 20) an object spread followed by keys the source lacks
  // costs about half a microsecond per key, which was a quarter of a transition.
  const params = timeLeftParams(open, now, calendar);
  if (isWaitingOnReporter(open)) params.waiting = '1';
  params.waktu = step.waktu.text;
  params.waktu_default = step.waktuDefault ? '1' : '';
  params.effort = step.effort?.text ?? '';
  params.estimated = calendar.estimatedBetween(open.enteredAt, open.dueAt) ? '1' : '';
  params.ticket = state.ticket;
  params.step = step.id;
  params.kegiatan = step.kegiatan;
  params.status = step.status.id;
  params.status_en = step.status.en ?? step.status.id;
  params.due = open.dueAt.toISOString();
  params.kelengkapan = step.kelengkapan.join('; ');
  return params;
}

/** The holders with `stepId` held by `officialId`: copied and set, as a spread adding a key is slow in V8. */
function withHolder(holders: CaseState['holders'], stepId: string, officialId: string): CaseState['holders'] {
  const next: Record<string, string> = Object.assign({}, holders);
  next[stepId] = officialId;
  return next;
}

function notify(
  to: Recipient,
  template: MessageTemplate,
  state: CaseState,
  params: Record<string, string>,
  choices: ReturnType<typeof choicesOf> = [],
): Effect {
  return {
    type: 'notify',
    to,
    template,
    caseId: state.id,
    instanceId: state.openStep?.instanceId ?? null,
    params,
    choices,
  };
}

function audit(
  at: Date,
  kind: AuditKind,
  actor: string,
  open: OpenStep | null,
  extra: Partial<Pick<AuditEntry, 'action' | 'note' | 'attachments' | 'absent' | 'target'>> = {},
): Effect {
  return {
    type: 'audit',
    entry: {
      at,
      kind,
      actor,
      instanceId: open?.instanceId ?? null,
      stepId: open?.stepId ?? null,
      action: extra.action ?? null,
      note: extra.note ?? null,
      attachments: extra.attachments ?? [],
      absent: extra.absent ?? [],
      target: extra.target ?? null,
    },
  };
}
