import { randomUUID } from 'node:crypto';
import { max } from 'drizzle-orm';
import type { Db } from '../../src/db/client.js';
import { caseEvents, cases, sopDefinitions, stepInstances } from '../../src/db/schema.js';

/** A case written straight into the tables, as the engine would have left it. */
export interface SeedCase {
  readonly ticket: string;
  readonly sopId?: string;
  readonly unitId?: string;
  readonly category?: string;
  readonly subject?: string | null;
  readonly body?: string;
  readonly channel?: string;
  readonly openedAt: Date;
  /** Set: the case is closed then. Unset: it is open at `stepId`, held by `assigneeId`, due at `dueAt`. */
  readonly closedAt?: Date;
  readonly stepId?: string;
  readonly assigneeId?: string | null;
  readonly dueAt?: Date;
  /** How many times it was returned for rework, the last one at `openedAt` + 1 h. */
  readonly returns?: number;
  /** The step waits on the reporter since then (open), or closed while it waited (tidak dilengkapi). */
  readonly pausedAt?: Date;
  /** Working time of waits on the reporter already over. */
  readonly pausedMs?: number;
  /** The left step's working time as the engine stored it; unset leaves it for the reports to compute. */
  readonly workingMs?: number;
}

/** Inserts the cases with their open step; returns their ids in the same order. */
export async function seedCases(db: Db, list: readonly SeedCase[]): Promise<string[]> {
  const ids = list.map(() => randomUUID());
  const versions = await registeredVersions(db);
  await db.insert(cases).values(
    list.map((c, i) => {
      const id = ids[i] as string;
      return {
        id,
        ticket: c.ticket,
        sopId: c.sopId ?? 'siput-sms',
        sopVersion: versionOf(versions, c.sopId ?? 'siput-sms'),
        unitId: c.unitId ?? 'ortala',
        category: c.category ?? 'keluhan',
        subject: c.subject ?? null,
        body: c.body ?? 'Isi keluhan',
        channel: c.channel ?? 'web',
        status: c.closedAt ? ('closed' as const) : ('open' as const),
        outcome: c.closedAt ? 'selesai' : null,
        openedAt: c.openedAt,
        closedAt: c.closedAt ?? null,
        stepSeq: 1,
        path: [c.stepId ?? '4'],
        openInstanceId: c.closedAt ? null : `${id}_1`,
      };
    }),
  );
  await db.insert(stepInstances).values(
    list.map((c, i) => ({
      id: `${ids[i]}_1`,
      caseId: ids[i] as string,
      seq: 1,
      stepId: c.stepId ?? '4',
      assigneeId: c.assigneeId ?? null,
      enteredAt: c.openedAt,
      dueAt: c.dueAt ?? new Date(c.openedAt.getTime() + 3 * 86_400_000),
      leftAt: c.closedAt ?? null,
      outcome: c.closedAt ? 'selesai' : null,
      pausedAt: c.pausedAt ?? null,
      pausedMs: c.pausedMs ?? 0,
      workingMs: c.workingMs ?? null,
    })),
  );
  const returns = list.flatMap((c, i) =>
    Array.from({ length: c.returns ?? 0 }, () => ({
      caseId: ids[i] as string,
      at: new Date(c.openedAt.getTime() + 3_600_000),
      kind: 'returned',
      actor: 'system',
    })),
  );
  if (returns.length > 0) await db.insert(caseEvents).values(returns);
  return ids;
}

/** The newest version of each SOP the app registered, so seeded cases read as new ones would. */
async function registeredVersions(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .select({ sopId: sopDefinitions.sopId, version: max(sopDefinitions.version) })
    .from(sopDefinitions)
    .groupBy(sopDefinitions.sopId);
  return new Map(rows.map((r) => [r.sopId, r.version ?? 1]));
}

function versionOf(versions: Map<string, number>, sopId: string): number {
  const version = versions.get(sopId);
  if (version === undefined) throw new Error(`seedCases: SOP ${sopId} is not registered; start the app first`);
  return version;
}
