import { describe, expect, it } from 'vitest';
import { DatabaseLossWatch } from '../src/jobs/database-loss-watch.js';
import { createLogger } from '../src/log.js';
import { eventually } from './support/app.js';

const log = createLogger({ LOG_LEVEL: 'silent', NODE_ENV: 'test' });

/** What the pool tells: connections dropped, one call per connection. */
class Connections {
  readonly #listeners = new Set<(err: Error) => void>();
  onConnectionLost(listener: (err: Error) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  drop(count = 1): void {
    for (let i = 0; i < count; i++) for (const l of this.#listeners) l(new Error('terminating connection'));
  }
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('after a dropped database connection', () => {
  it('checks the queues once for the connections dropped together', async () => {
    const connections = new Connections();
    let runs = 0;
    const watch = new DatabaseLossWatch({ database: connections, log, againMs: 20, restore: async () => ++runs > 0 });
    watch.start();
    connections.drop(10);
    await eventually('the check', async () => runs === 1);
    await settle(100);
    expect(runs).toBe(1);
    watch.stop();
  });

  it('tries again while the database is still away, and stops once a check went through', async () => {
    const connections = new Connections();
    const outcomes = [false, false, true];
    let runs = 0;
    const watch = new DatabaseLossWatch({
      database: connections,
      log,
      againMs: 10,
      restore: async () => outcomes[runs++] ?? true,
    });
    watch.start();
    connections.drop();
    await eventually('the third try', async () => runs === 3);
    await settle(200);
    expect(runs).toBe(3);
    watch.stop();
  });

  it('checks once more when a connection drops while a check runs', async () => {
    const connections = new Connections();
    let runs = 0;
    const watch = new DatabaseLossWatch({
      database: connections,
      log,
      againMs: 10,
      restore: async () => {
        runs++;
        if (runs === 1) connections.drop();
        await settle(20);
        return true;
      },
    });
    watch.start();
    connections.drop();
    await eventually('the second check', async () => runs === 2);
    await settle(150);
    expect(runs).toBe(2);
    watch.stop();
  });

  it('does nothing once stopped', async () => {
    const connections = new Connections();
    let runs = 0;
    const watch = new DatabaseLossWatch({ database: connections, log, againMs: 10, restore: async () => ++runs > 0 });
    watch.start();
    watch.stop();
    connections.drop();
    await settle(100);
    expect(runs).toBe(0);
  });

  it('stops trying when stopped during a check that failed', async () => {
    const connections = new Connections();
    let runs = 0;
    let watch: DatabaseLossWatch | undefined;
    watch = new DatabaseLossWatch({
      database: connections,
      log,
      againMs: 10,
      restore: async () => {
        runs++;
        watch?.stop();
        return false;
      },
    });
    watch.start();
    connections.drop();
    await eventually('the check', async () => runs === 1);
    await settle(150);
    expect(runs).toBe(1);
  });
});
