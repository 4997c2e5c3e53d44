import { fileURLToPath } from 'node:url';
import type { WorkingCalendar } from '../../src/sop/calendar.js';
import type { CaseState } from '../../src/sop/case-state.js';
import { loadSopFolder } from '../../src/sop/catalog.js';
import type { SopDefinition } from '../../src/sop/definition.js';
import type { Delegation, Directory, OfficialEntry } from '../../src/sop/directory.js';
import type { AuditEntry, AuditKind, Effect, Recipient } from '../../src/sop/effects.js';
import { apply, type EngineContext, stepOf } from '../../src/sop/engine.js';
import type { AttachmentRef, SubmitEvent } from '../../src/sop/events.js';
import { ALWAYS_WORKING, createWorkingCalendar } from '../../src/sop/working-calendar.js';

/** The SOP definitions the project ships, read the way the service reads them. */
export const SOPS_DIR = fileURLToPath(new URL('../../sops/', import.meta.url));

let shipped: readonly SopDefinition[] | undefined;

export function shippedSops(): readonly SopDefinition[] {
  shipped ??= loadSopFolder(SOPS_DIR);
  return shipped;
}

export function shippedSop(id: string): SopDefinition {
  const sop = shippedSops().find((s) => s.id === id);
  if (!sop) throw new Error(`no SOP "${id}" in ${SOPS_DIR}`);
  return sop;
}

/**
 * A unit that works round the clock with no holidays: every duration is plain wall-clock time,
 * so a deadline is `now + waktu` and tests can compute it by hand.
 */
export const alwaysWorkingCalendar: WorkingCalendar = createWorkingCalendar({
  timeZone: 'Asia/Jakarta',
  hours: ALWAYS_WORKING,
  holidays: [],
});

export const UNIT_ID = 'unit-1';
/** Monday 2 March 2026, 08:00 WIB. */
export const T0 = new Date('2026-03-02T01:00:00Z');
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export function at(base: Date, ms: number): Date {
  return new Date(base.getTime() + ms);
}

export interface DirectoryOptions {
  /** Officials per role: 1 (default) gives `<role>-1`; 2 adds `<role>-2` for round-robin. */
  readonly perRole?: 1 | 2;
  readonly unitId?: string;
  readonly delegations?: readonly Delegation[];
}

/**
 * One or two active officials for every role that runs a step of the SOP, and for every role
 * above one in the chain. Roles that only file (stakeholder) or publish get none unless they
 * also run a step. Each official's superiorId is the first holder of the role's superior.
 */
export function directoryFor(sop: SopDefinition, opts: DirectoryOptions = {}): Directory {
  const perRole = opts.perRole ?? 1;
  const unitId = opts.unitId ?? UNIT_ID;
  const needed = new Set<string>();
  const addWithChain = (roleId: string | undefined): void => {
    if (!roleId || needed.has(roleId)) return;
    needed.add(roleId);
    addWithChain(sop.roles.find((r) => r.id === roleId)?.superior);
  };
  for (const step of sop.steps) if (step.scope === 'run') addWithChain(step.actor);

  const officials: OfficialEntry[] = [];
  for (const role of sop.roles) {
    if (!needed.has(role.id)) continue;
    for (let n = 1; n <= perRole; n++) {
      officials.push({
        id: `${role.id}-${n}`,
        roleId: role.id,
        unitId,
        superiorId: role.superior ? `${role.superior}-1` : null,
        active: true,
        lastAssignedAt: null,
      });
    }
  }
  return { officials, delegations: opts.delegations ?? [] };
}

/** What the store does with an 'assigned' effect: the official's lastAssignedAt moves on. */
export function recordAssignments(directory: Directory, effects: readonly Effect[]): Directory {
  let officials = directory.officials;
  for (const effect of effects) {
    if (effect.type !== 'assigned') continue;
    officials = officials.map((o) => (o.id === effect.officialId ? { ...o, lastAssignedAt: effect.at } : o));
  }
  return { ...directory, officials };
}

export function contextFor(
  sop: SopDefinition,
  directory: Directory = directoryFor(sop),
  calendar: WorkingCalendar = alwaysWorkingCalendar,
): EngineContext {
  return { sop, directory, calendar };
}

export interface SubmitOptions {
  readonly caseId?: string;
  readonly ticket?: string;
  /** Defaults to "stakeholder-1" for SOPs with stakeholder intake, to none otherwise. */
  readonly stakeholderId?: string | null;
  readonly openedBy?: string | null;
  readonly unitId?: string;
}

export function submitEvent(sop: SopDefinition, opts: SubmitOptions = {}): SubmitEvent {
  const stakeholderId =
    opts.stakeholderId !== undefined ? opts.stakeholderId : sop.intake === 'stakeholder' ? 'stakeholder-1' : null;
  const caseId = opts.caseId ?? 'case-1';
  return {
    type: 'submit',
    caseId,
    ticket: opts.ticket ?? `${sop.ticketPrefix}-2026-${caseId.replace(/\D/g, '').padStart(6, '0')}`,
    unitId: opts.unitId ?? UNIT_ID,
    stakeholderId,
    openedBy: opts.openedBy !== undefined ? opts.openedBy : sop.intake === 'official' ? 'admin' : null,
  };
}

/** An action to take at the case's current step: its id, or the id with what goes with it. */
export type WalkChoice =
  | string
  | {
      readonly action: string;
      readonly note?: string;
      readonly attachments?: readonly AttachmentRef[];
      /** Who acts; the step's assignee when left out. */
      readonly by?: string;
    };

export interface WalkOptions extends SubmitOptions {
  readonly directory?: Directory;
  readonly calendar?: WorkingCalendar;
  readonly start?: Date;
  /** Time between two events; 10 minutes by default, well inside every step's waktu. */
  readonly stepMs?: number;
}

export interface WalkResult {
  readonly sop: SopDefinition;
  readonly state: CaseState;
  /** Every effect of the walk, in order. */
  readonly effects: readonly Effect[];
  /** The effects of each event: [submit, first act, second act, …]. */
  readonly transitions: ReadonlyArray<readonly Effect[]>;
  /** Step ids in the order the case entered them, returns included. */
  readonly visited: readonly string[];
  readonly directory: Directory;
  /** The time of the last event. */
  readonly now: Date;
}

/**
 * Submits a case and takes the given actions one after another, each by the current assignee.
 * A note is made up for actions that need one and attachments for actions that `require` some,
 * unless the choice brings its own. Refusals (CaseRejectedError) are thrown as the engine throws them.
 */
export function walk(
  sopOrId: string | SopDefinition,
  choices: readonly WalkChoice[],
  opts: WalkOptions = {},
): WalkResult {
  const sop = typeof sopOrId === 'string' ? shippedSop(sopOrId) : sopOrId;
  const calendar = opts.calendar ?? alwaysWorkingCalendar;
  const stepMs = opts.stepMs ?? 10 * MINUTE;
  let directory = opts.directory ?? directoryFor(sop);
  let now = opts.start ?? T0;

  const first = apply(null, submitEvent(sop, opts), now, { sop, directory, calendar });
  let state = first.state;
  const transitions: Effect[][] = [[...first.effects]];
  directory = recordAssignments(directory, first.effects);

  for (const choice of choices) {
    const wanted = typeof choice === 'string' ? { action: choice } : choice;
    const open = state.openStep;
    if (!open) throw new Error(`walk: case is ${state.status}; cannot take "${wanted.action}"`);
    const action = stepOf(sop, open.stepId).actions.find((a) => a.id === wanted.action);
    const needsNote = action !== undefined && (action.kind === 'return' || action.note === 'required');
    const note = wanted.note ?? (needsNote ? `Catatan ${open.stepId}/${wanted.action}` : undefined);
    const attachments =
      wanted.attachments ??
      action?.requires.map((name, i) => ({ id: `att-${open.seq}-${i}`, name, kelengkapan: name })) ??
      [];
    const actorId = wanted.by ?? open.assigneeId;
    if (!actorId) throw new Error(`walk: step ${open.stepId} has no assignee`);

    now = at(now, stepMs);
    const next = apply(
      state,
      {
        type: 'act',
        instanceId: open.instanceId,
        action: wanted.action,
        actorId,
        ...(note !== undefined ? { note } : {}),
        attachments,
      },
      now,
      { sop, directory, calendar },
    );
    state = next.state;
    transitions.push([...next.effects]);
    directory = recordAssignments(directory, next.effects);
  }

  const effects = transitions.flat();
  return { sop, state, effects, transitions, visited: enteredSteps(effects), directory, now };
}

export function auditEntries(effects: readonly Effect[], kind?: AuditKind): AuditEntry[] {
  return effects.flatMap((e) => (e.type === 'audit' && (!kind || e.entry.kind === kind) ? [e.entry] : []));
}

/** Step ids in the order they were entered. */
export function enteredSteps(effects: readonly Effect[]): string[] {
  return auditEntries(effects, 'entered').map((e) => e.stepId ?? '?');
}

export type NotifyEffect = Extract<Effect, { type: 'notify' }>;

export function notifications(effects: readonly Effect[], to?: Partial<Recipient>): NotifyEffect[] {
  return effects.filter(
    (e): e is NotifyEffect =>
      e.type === 'notify' &&
      (!to || Object.entries(to).every(([key, value]) => (e.to as unknown as Record<string, unknown>)[key] === value)),
  );
}
