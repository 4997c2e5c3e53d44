import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { TimerCommand } from '../src/cases/index.js';
import { queryRows } from '../src/db/raw.js';
import { caseEvents, cases, stepInstances } from '../src/db/schema.js';
import { eventually, testApp, testConfig } from './support/app.js';
import { KILAT_SETTINGS, seedKilatUnit } from './support/kilat.js';
import { freshDatabase } from './support/postgres.js';

/**
 * A timer job Redis hands out twice (a failover loses the record that it ran) can reach two
 * batches at once. The second waits for the first's lock on the case; once it has it, it must
 * see the step as the first left it, and do nothing.
 */

let database: Awaited<ReturnType<typeof freshDatabase>>;
let app: App;

beforeAll(async () => {
  database = await freshDatabase();
  await seedKilatUnit(database.db);
  // No workers: only the test fires the timer.
  app = await testApp(database, testConfig(KILAT_SETTINGS), { workers: false });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await database?.close();
});

async function lockWaiters(): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    database.db,
    sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
  );
  return row?.n ?? 0;
}

describe('one timer fired by two batches at once', () => {
  it('reminds once: the batch that waited for the case sees the step already moved on', async () => {
    const { caseId } = await app.cases.submit({ sopId: 'kilat', unitId: 'kilat', body: 'uji' });
    const [open] = await database.db
      .select({ instanceId: stepInstances.id, rung: stepInstances.nextRung, epoch: stepInstances.clockEpoch })
      .from(cases)
      .innerJoin(stepInstances, eq(stepInstances.id, cases.openInstanceId))
      .where(eq(cases.id, caseId));
    if (!open) throw new Error('the case has no open step');
    const timer: TimerCommand = {
      type: 'timer',
      caseId,
      instanceId: open.instanceId,
      rung: open.rung,
      epoch: open.epoch,
    };

    // Hold the case so both batches start their statement and wait for it.
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => {
      locked = r;
    });
    const holder = database.db.transaction(async (tx) => {
      await tx.select().from(cases).where(eq(cases.id, caseId)).for('update');
      locked();
      await held;
    });
    await isLocked;
    const fired = [app.cases.fireTimers([timer]), app.cases.fireTimers([timer])];
    await eventually('both batches to wait for the case', async () => (await lockWaiters()) >= 2, 10_000);
    release();
    await holder;
    expect(await Promise.all(fired)).toEqual([[null], [null]]);

    const reminded = await database.db
      .select({ id: caseEvents.id })
      .from(caseEvents)
      .where(and(eq(caseEvents.caseId, caseId), eq(caseEvents.kind, 'reminded')));
    expect(reminded).toHaveLength(1);
  });
});
