import { and, asc, eq, gt, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { Tx } from './client.js';
import { cases, delegations, stepInstances, units } from './schema.js';

export interface OpenTask {
  readonly instanceId: string;
  readonly caseId: string;
  readonly ticket: string;
  readonly sopId: string;
  readonly sopVersion: number;
  readonly category: string | null;
  readonly subject: string | null;
  readonly stepId: string;
  /** Who the step is given to: someone else when the official acts for them (delegate, Plh/Plt). */
  readonly assigneeId: string | null;
  readonly enteredAt: Date;
  readonly dueAt: Date;
  /** The step waits on the reporter since then (its clock stopped), or null. */
  readonly pausedAt: Date | null;
  /** The case has someone to ask for kelengkapan: a stakeholder, or the official who opened it. */
  readonly hasReporter: boolean;
  readonly zone: string;
}

/**
 * The open steps an official may act on, soonest due first: those given to them, those given to a
 * delegate on their behalf, and those of every official they stand in for at `now` (Plh/Plt). The
 * chat's task list and the console's read this one query, so both show what the chat lets them act on.
 */
export async function openTasksOf(tx: Tx, officialId: string, now: Date, limit: number): Promise<OpenTask[]> {
  const standingInFor = await tx
    .select({ id: delegations.officialId })
    .from(delegations)
    .where(and(eq(delegations.delegateId, officialId), lte(delegations.startsAt, now), gt(delegations.endsAt, now)));
  const owners = [officialId, ...standingInFor.map((d) => d.id)];
  return tx
    .select({
      instanceId: stepInstances.id,
      caseId: stepInstances.caseId,
      ticket: cases.ticket,
      sopId: cases.sopId,
      sopVersion: cases.sopVersion,
      category: cases.category,
      subject: cases.subject,
      stepId: stepInstances.stepId,
      assigneeId: stepInstances.assigneeId,
      enteredAt: stepInstances.enteredAt,
      dueAt: stepInstances.dueAt,
      pausedAt: stepInstances.pausedAt,
      hasReporter: sql<boolean>`(${cases.stakeholderId} is not null or ${cases.initiatorId} is not null)`,
      zone: units.timeZone,
    })
    .from(stepInstances)
    .innerJoin(cases, eq(cases.id, stepInstances.caseId))
    .innerJoin(units, eq(units.id, cases.unitId))
    .where(
      and(
        isNull(stepInstances.leftAt),
        or(inArray(stepInstances.assigneeId, owners), eq(stepInstances.onBehalfOf, officialId)),
      ),
    )
    .orderBy(asc(stepInstances.dueAt))
    .limit(limit);
}
