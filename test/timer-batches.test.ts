import { describe, expect, it } from 'vitest';
import type { TimerCommand } from '../src/cases/case-service.js';
import { TimerBatches } from '../src/jobs/timer-worker.js';

const timer = (caseId: string, rung = 0): TimerCommand => ({ type: 'timer', caseId, instanceId: `${caseId}_1`, rung });

describe('timers due together', () => {
  it('go in batches, one timer per case in each, and each is settled once', async () => {
    const batches: string[][] = [];
    const batcher = new TimerBatches(
      async (timers) => {
        batches.push(timers.map((t) => `${t.caseId}/${t.rung}`));
        await new Promise((r) => setTimeout(r, 5));
        return timers.map(() => null);
      },
      10,
      2,
    );
    const all = [...Array.from({ length: 40 }, (_, i) => timer(`c${i}`)), timer('c1', 1), timer('c1', 2)];
    await Promise.all(all.map((t) => batcher.add(t)));
    const fired = batches.flat();
    expect(fired.sort()).toEqual(all.map((t) => `${t.caseId}/${t.rung}`).sort());
    expect(batches.length).toBeLessThan(all.length);
    for (const batch of batches) {
      expect(batch.length).toBeLessThanOrEqual(10);
      const cases = batch.map((b) => b.split('/')[0]);
      expect(new Set(cases).size).toBe(cases.length);
    }
  });

  it('fail alone: a refused timer fails its own job, and a failed batch is tried one by one', async () => {
    const batcher = new TimerBatches(
      async (timers) => {
        // A batch holding the broken case fails as a whole, as a transaction would.
        if (timers.length > 1 && timers.some((t) => t.caseId === 'broken')) throw new Error('deadlock');
        if (timers.some((t) => t.caseId === 'broken')) throw new Error('broken case');
        return timers.map((t) => (t.caseId === 'refused' ? new Error('refused') : null));
      },
      50,
      1,
    );
    // The first goes alone at once; the rest gather into one batch behind it.
    const ids = ['first', 'a', 'broken', 'b', 'refused', 'c'];
    const outcomes = await Promise.allSettled(ids.map((id) => batcher.add(timer(id))));
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
  });
});
