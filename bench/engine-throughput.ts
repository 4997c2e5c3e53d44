import type { WorkingCalendar } from '../src/sop/calendar.js';
import type { CaseState } from '../src/sop/case-state.js';
import type { SopDefinition } from '../src/sop/definition.js';
import type { Directory, OfficialEntry } from '../src/sop/directory.js';
import { apply, type EngineContext, stepOf } from '../src/sop/engine.js';
import type { ActEvent } from '../src/sop/events.js';
import { DEFAULT_HOLIDAYS_FILE, loadHolidays } from '../src/sop/holidays.js';
import { createWorkingCalendar, DEFAULT_WORKING_HOURS } from '../src/sop/working-calendar.js';

export interface EngineThroughputOptions {
  readonly sop: SopDefinition;
  /** Transitions to measure (after the warm-up). */
  readonly transitions: number;
  /** Stop measuring after this long even if `transitions` is not reached. */
  readonly capMs: number;
  readonly warmup: number;
}

export interface EngineThroughput {
  readonly transitions: number;
  readonly cases: number;
  readonly elapsedMs: number;
  readonly perSecond: number;
  readonly nsPerTransition: number;
  /** Transitions per second of this process's CPU time: what a loaded machine's wall clock hides. */
  readonly perCpuSecond: number;
  readonly cappedByTime: boolean;
}

const UNIT = 'bench-unit';
/** Monday 2 March 2026, 08:00 WIB; the clock then walks through weekends and the shipped holidays. */
const T0 = Date.parse('2026-03-02T01:00:00Z');
/** Time between two events of a case: not a multiple of a day, so deadlines land all over the week. */
const STEP_MS = 97 * 60_000;
/** Time between two cases, so the round-robin sees different lastAssignedAt and dates vary. */
const CASE_MS = 13 * 60_000;

/** Two active officials for every role that runs a step and for each role above one. */
function directoryFor(sop: SopDefinition): Directory {
  const needed = new Set<string>();
  const addWithChain = (roleId: string | undefined): void => {
    if (!roleId || needed.has(roleId)) return;
    needed.add(roleId);
    addWithChain(sop.roles.find((r) => r.id === roleId)?.superior);
  };
  for (const step of sop.steps) if (step.scope === 'run') addWithChain(step.actor);
  const officials: OfficialEntry[] = [];
  for (const roleId of needed) {
    const superior = sop.roles.find((r) => r.id === roleId)?.superior;
    for (const n of [1, 2]) {
      officials.push({
        id: `${roleId}-${n}`,
        roleId,
        unitId: UNIT,
        superiorId: superior ? `${superior}-1` : null,
        active: true,
        lastAssignedAt: null,
      });
    }
  }
  return { officials, delegations: [] };
}

/**
 * The next act event for a case: its current assignee takes a forward action, picked by `salt`
 * among the step's non-return actions so both branches of a choice get run, with the note and
 * attachments the action asks for.
 */
function nextAct(sop: SopDefinition, state: CaseState, salt: number): ActEvent {
  const open = state.openStep;
  if (!open?.assigneeId) throw new Error(`case ${state.ticket} has no assigned open step`);
  const step = stepOf(sop, open.stepId);
  const forward = step.actions.filter((a) => a.kind !== 'return');
  const action = forward[salt % forward.length] ?? step.actions[0];
  if (!action) throw new Error(`step ${step.id} has no action`);
  return {
    type: 'act',
    instanceId: open.instanceId,
    action: action.id,
    actorId: open.assigneeId,
    note: 'Catatan uji beban',
    attachments: action.requires.map((name, i) => ({ id: `att-${open.seq}-${i}`, name, kelengkapan: name })),
  };
}

/**
 * Pure engine throughput: submit a case, act on it step by step until it closes, repeat. No I/O;
 * the directory and the working calendar (office hours + shipped holidays) are built once.
 */
export function measureEngineThroughput(opts: EngineThroughputOptions): EngineThroughput {
  const { sop } = opts;
  const calendar: WorkingCalendar = createWorkingCalendar({
    timeZone: 'WIB',
    hours: DEFAULT_WORKING_HOURS,
    holidays: loadHolidays(DEFAULT_HOLIDAYS_FILE),
  });
  const ctx: EngineContext = { sop, directory: directoryFor(sop), calendar };

  let caseNo = 0;
  let state: CaseState | null = null;
  let now = T0;
  let sink = 0;

  /** One transition: a submit when no case is open, else an act on the open one. */
  const step = (): void => {
    if (state === null || state.status === 'closed') {
      caseNo++;
      now = T0 + caseNo * CASE_MS;
      const t = apply(
        null,
        {
          type: 'submit',
          caseId: `case-${caseNo}`,
          ticket: `${sop.ticketPrefix}-2026-${String(caseNo).padStart(6, '0')}`,
          unitId: UNIT,
          stakeholderId: sop.intake === 'stakeholder' ? 'stakeholder-1' : null,
          openedBy: sop.intake === 'official' ? 'admin' : null,
        },
        new Date(now),
        ctx,
      );
      state = t.state;
      sink += t.effects.length;
      return;
    }
    now += STEP_MS;
    const t = apply(state, nextAct(sop, state, caseNo + state.stepSeq), new Date(now), ctx);
    state = t.state;
    sink += t.effects.length;
  };

  for (let i = 0; i < opts.warmup; i++) step();

  const casesBefore = caseNo;
  const started = process.hrtime.bigint();
  const cpuAtStart = process.cpuUsage();
  const capNs = BigInt(opts.capMs) * 1_000_000n;
  let done = 0;
  let cappedByTime = false;
  while (done < opts.transitions) {
    // Checking the clock every 1000 transitions keeps its cost out of the figure.
    for (let j = 0; j < 1000 && done < opts.transitions; j++, done++) step();
    if (process.hrtime.bigint() - started > capNs) {
      cappedByTime = done < opts.transitions;
      break;
    }
  }
  const elapsedNs = Number(process.hrtime.bigint() - started);
  const cpu = process.cpuUsage(cpuAtStart);
  if (sink === 0) throw new Error('the engine produced no effects');
  return {
    transitions: done,
    cases: caseNo - casesBefore,
    elapsedMs: elapsedNs / 1e6,
    perSecond: done / (elapsedNs / 1e9),
    nsPerTransition: elapsedNs / done,
    perCpuSecond: done / ((cpu.user + cpu.system) / 1e6),
    cappedByTime,
  };
}
