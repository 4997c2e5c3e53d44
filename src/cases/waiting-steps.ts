import { and, asc, count, eq, isNull } from 'drizzle-orm';
import type { Db, Tx } from '../db/index.js';
import { cases, stepInstances } from '../db/index.js';
import type { CaseService } from './case-service.js';
import type { SavedTransition } from './case-store.js';

/** At most this many waiting steps are looked at per sweep; the next sweep takes the rest. */
const SWEEP = 500;

/** Open steps that entered when nobody held their role, and still wait for a holder. */
export async function countUnheldSteps(db: Tx): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(stepInstances)
    .innerJoin(cases, eq(cases.openInstanceId, stepInstances.id))
    .where(and(isNull(stepInstances.leftAt), isNull(stepInstances.assigneeId)));
  return Number(row?.n ?? 0);
}

async function unheldSteps(tx: Tx): Promise<{ caseId: string; instanceId: string }[]> {
  return tx
    .select({ caseId: stepInstances.caseId, instanceId: stepInstances.id })
    .from(stepInstances)
    .innerJoin(cases, eq(cases.openInstanceId, stepInstances.id))
    .where(and(isNull(stepInstances.leftAt), isNull(stepInstances.assigneeId)))
    .orderBy(asc(stepInstances.enteredAt))
    .limit(SWEEP);
}

/**
 * Gives each waiting step to a holder of its role, if one exists now, inside the caller's
 * transaction (e.g. the one that linked an official's chat). The engine does nothing for a step
 * that has a holder already, so two sweeps at once announce a step once. The caller schedules
 * the returned transitions after its commit.
 */
export async function assignWaitingStepsIn(
  cases: CaseService,
  tx: Tx,
  now: Date,
): Promise<{ caseId: string; saved: SavedTransition }[]> {
  const out: { caseId: string; saved: SavedTransition }[] = [];
  for (const step of await unheldSteps(tx)) {
    const result = await cases.dispatchIn(
      tx,
      step.caseId,
      { type: 'assignWaiting', instanceId: step.instanceId },
      undefined,
      now,
    );
    if (result.saved) out.push({ caseId: step.caseId, saved: result.saved });
  }
  return out;
}

/**
 * The same, one transaction per case, for callers outside a transaction: the console after an
 * official is added or changed or a Plh/Plt ended, the CLI, and the periodic sweep that catches a
 * delegation running out on its own. Returns how many steps found a holder.
 */
export async function assignWaitingSteps(cases: CaseService, db: Db): Promise<number> {
  let assigned = 0;
  for (const step of await unheldSteps(db)) {
    const result = await cases.dispatch(step.caseId, { type: 'assignWaiting', instanceId: step.instanceId });
    if (result.transition && result.transition.effects.length > 0) assigned++;
  }
  return assigned;
}
