import type { WorkingCalendar } from './calendar.js';
import { type CaseState, type OpenStep, stepInstanceId } from './case-state.js';
import { END, type SopAction, type SopDefinition, type SopStep } from './definition.js';
import { activeDelegateOf, type Directory, findOfficial, pickHolder } from './directory.js';
import type { AuditEntry, AuditKind, Effect, MessageTemplate, Recipient } from './effects.js';
import { CaseRejectedError } from './errors.js';
import type { ActEvent, CaseEvent, ReassignEvent, SubmitEvent, TimerFiredEvent } from './events.js';

/** What the engine needs besides the case: all of it loaded by the caller, none of it fetched here. */
export interface EngineContext {
  /** The SOP at the version the case is pinned to. */
  readonly sop: SopDefinition;
  readonly directory: Directory;
  /** The working calendar of the case's unit. */
  readonly calendar: WorkingCalendar;
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
    throw new Error(
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
  }
}

export function stepOf(sop: SopDefinition, stepId: string): SopStep {
  const step = sop.steps.find((s) => s.id === stepId);
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
    audit(now, 'submitted', event.openedBy ?? (event.stakeholderId ? 'stakeholder' : 'system'), null),
  ];
  const entered = enter(opened, ctx.sop.start, now, ctx, effects, { returnedNote: null });
  if (event.stakeholderId) {
    const step = stepOf(ctx.sop, ctx.sop.start);
    effects.push(
      notify({ kind: 'stakeholder', id: event.stakeholderId }, 'case.received', entered, {
        ticket: event.ticket,
        status: step.status.id,
        status_en: step.status.en ?? step.status.id,
        due: entered.openStep?.dueAt.toISOString() ?? '',
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
  if (action.requires.length > 0 && attachments.length === 0) {
    throw new CaseRejectedError('attachment_required', `action "${action.id}" needs ${action.requires.join(', ')}`, {
      action: action.id,
      requires: action.requires.join(', '),
    });
  }

  const effects: Effect[] = [
    { type: 'stepClosed', instanceId: open.instanceId, leftAt: now, outcome: action.id, actorId: event.actorId, note },
    audit(now, action.kind === 'return' ? 'returned' : 'acted', event.actorId, open, {
      action: action.id,
      note,
      attachments,
    }),
  ];
  const left: CaseState = {
    ...state,
    openStep: null,
    holders: { ...state.holders, [open.stepId]: open.onBehalfOf ?? open.assigneeId ?? event.actorId },
  };
  if (action.to === END) return { state: close(left, action, now, effects), effects };

  const { target, path } = targetOf(left, action);
  const moved = enter({ ...left, path }, target, now, ctx, effects, {
    returnedNote: action.kind === 'return' ? note : null,
  });
  return { state: moved, effects };
}

function timerFired(state: CaseState, event: TimerFiredEvent, now: Date, ctx: EngineContext): Transition {
  const open = state.openStep;
  // A timer for a step already left, or a rung already handled, is a late duplicate: it does nothing.
  if (!open || open.instanceId !== event.instanceId || open.nextRung !== event.rung) return { state, effects: [] };
  const step = stepOf(ctx.sop, open.stepId);
  const ladder = ladderOf(ctx.sop, step);
  const rung = ladder[event.rung];
  if (!rung) return { state, effects: [] };

  const effects: Effect[] = [];
  let escalationLevel = open.escalationLevel;
  const params = stepParams(state, step, open);
  if (rung.notify === 'owner') {
    if (open.assigneeId) {
      effects.push(notify({ kind: 'official', id: open.assigneeId }, 'step.reminder', state, params, choicesOf(step)));
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
    const to: Recipient = superior ? { kind: 'official', id: superior } : { kind: 'admins', unitId: state.unitId };
    effects.push(notify(to, 'step.escalation', state, { ...params, level: String(escalationLevel) }));
    effects.push(audit(now, 'escalated', 'system', open, { target: superior }));
  }
  const nextRung = event.rung + 1;
  const next = ladder[nextRung];
  const nextTimerAt = next ? ctx.calendar.add(open.dueAt, next.after) : null;
  if (nextTimerAt) effects.push({ type: 'timer', instanceId: open.instanceId, rung: nextRung, at: nextTimerAt });
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
  const params = { ...stepParams(next, step, moved), reason: event.reason ?? '' };
  const effects: Effect[] = [
    audit(now, 'reassigned', event.by, open, { note: event.reason ?? null, target: official.id }),
    notify({ kind: 'official', id: official.id }, 'step.assigned', next, params, choicesOf(step)),
  ];
  if (open.assigneeId && open.assigneeId !== official.id) {
    effects.push(notify({ kind: 'official', id: open.assigneeId }, 'step.reassigned_away', next, params));
  }
  return { state: next, effects };
}

/** Enters a step: assigns it round-robin, sets its deadline and first timer, and tells who must know. */
function enter(
  state: CaseState,
  stepId: string,
  now: Date,
  ctx: EngineContext,
  effects: Effect[],
  opts: { returnedNote: string | null },
): CaseState {
  const step = stepOf(ctx.sop, stepId);
  const seq = state.stepSeq + 1;
  // A step sent back goes to the official who handled it before, who knows the case; else round-robin.
  const previous = opts.returnedNote ? findOfficial(ctx.directory, state.holders[stepId] ?? null) : undefined;
  const holder = previous?.active ? previous : pickHolder(ctx.directory, step.actor, state.unitId);
  const delegate = holder ? activeDelegateOf(ctx.directory, holder.id, now) : null;
  const assigneeId = delegate ?? holder?.id ?? null;
  const dueAt = ctx.calendar.add(now, step.waktu);
  const first = ladderOf(ctx.sop, step)[0];
  const nextTimerAt = first ? ctx.calendar.add(dueAt, first.after) : null;
  const open: OpenStep = {
    instanceId: stepInstanceId(state.id, seq),
    seq,
    stepId,
    assigneeId,
    onBehalfOf: delegate && holder ? holder.id : null,
    enteredAt: now,
    dueAt,
    nextRung: 0,
    nextTimerAt,
    escalationLevel: 0,
  };
  const path = state.path.at(-1) === stepId ? state.path : [...state.path, stepId];
  const next: CaseState = { ...state, stepSeq: seq, path, openStep: open };

  effects.push(audit(now, 'entered', 'system', open, { target: assigneeId, note: opts.returnedNote }));
  if (holder && holder !== previous) effects.push({ type: 'assigned', officialId: holder.id, at: now });
  if (nextTimerAt) effects.push({ type: 'timer', instanceId: open.instanceId, rung: 0, at: nextTimerAt });

  const params = { ...stepParams(next, step, open), note: opts.returnedNote ?? '' };
  if (assigneeId) {
    const template = opts.returnedNote ? 'step.returned' : 'step.assigned';
    effects.push(notify({ kind: 'official', id: assigneeId }, template, next, params, choicesOf(step)));
  } else {
    effects.push(notify({ kind: 'admins', unitId: state.unitId }, 'step.unassigned', next, params));
  }
  if (step.notifyStakeholder && state.stakeholderId && state.stepSeq > 0) {
    effects.push(
      notify({ kind: 'stakeholder', id: state.stakeholderId }, 'case.update', next, {
        ticket: state.ticket,
        status: step.status.id,
        status_en: step.status.en ?? step.status.id,
      }),
    );
  }
  return next;
}

function close(state: CaseState, action: SopAction, now: Date, effects: Effect[]): CaseState {
  const outcome = action.outcome ?? action.id;
  effects.push(audit(now, 'closed', 'system', null, { action: action.id, note: outcome }));
  const closed: CaseState = { ...state, status: 'closed', outcome, closedAt: now, openStep: null };
  if (state.stakeholderId) {
    effects.push(
      notify({ kind: 'stakeholder', id: state.stakeholderId }, 'case.closed', closed, {
        ticket: state.ticket,
        outcome,
      }),
    );
  }
  return closed;
}

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

/** The official `level` steps up the chain from `fromId`: each one's superior, else a holder of the role above. */
function superiorAt(
  ctx: EngineContext,
  unitId: string,
  fromId: string | null,
  roleId: string,
  level: number,
  now: Date,
): string | null {
  let currentId = fromId;
  let currentRole: string | undefined = roleId;
  for (let i = 0; i < level; i++) {
    const official = findOfficial(ctx.directory, currentId);
    const superiorRole: string | undefined = ctx.sop.roles.find(
      (r) => r.id === (official?.roleId ?? currentRole),
    )?.superior;
    const own = findOfficial(ctx.directory, official?.superiorId ?? null);
    const superior = own?.active ? own : superiorRole ? pickHolder(ctx.directory, superiorRole, unitId) : undefined;
    if (!superior?.active) return null;
    currentId = superior.id;
    currentRole = superior.roleId;
  }
  return currentId ? (activeDelegateOf(ctx.directory, currentId, now) ?? currentId) : null;
}

function choicesOf(step: SopStep) {
  return step.actions.map((a) => ({ action: a.id, label: a.label }));
}

function stepParams(state: CaseState, step: SopStep, open: OpenStep): Record<string, string> {
  return {
    ticket: state.ticket,
    step: step.id,
    kegiatan: step.kegiatan,
    status: step.status.id,
    status_en: step.status.en ?? step.status.id,
    due: open.dueAt.toISOString(),
    kelengkapan: step.kelengkapan.join('; '),
  };
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
  extra: Partial<Pick<AuditEntry, 'action' | 'note' | 'attachments' | 'target'>> = {},
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
      target: extra.target ?? null,
    },
  };
}
