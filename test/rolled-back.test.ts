import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withConnection } from '../src/db/client.js';
import { type Database, stepInstances, surelyRolledBack } from '../src/db/index.js';
import { ADMIN_URL, freshDatabase } from './support/postgres.js';

let database: Database & { url: string };

beforeAll(async () => {
  database = await freshDatabase();
});

afterAll(async () => {
  await database?.close();
});

const failureOf = async (work: () => Promise<unknown>): Promise<unknown> =>
  work().then(
    () => expect.fail('expected the work to fail'),
    (err: unknown) => err,
  );

describe('whether a failed COMMIT surely left nothing behind', () => {
  it('is sure when Postgres refused a statement', async () => {
    const err = await failureOf(() =>
      database.db.transaction((tx) =>
        tx.insert(stepInstances).values({
          id: 'tiada_1',
          caseId: 'tiada',
          seq: 1,
          stepId: '1',
          enteredAt: new Date(),
          dueAt: new Date(),
        }),
      ),
    );
    expect(surelyRolledBack(err)).toBe(true);
  });

  it('is not sure when the connection was lost, nor of an error that says nothing', async () => {
    const client = new pg.Client({ connectionString: database.url });
    client.on('error', () => {});
    await client.connect();
    const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
    await client.query('begin');
    await withConnection(ADMIN_URL, (admin) => admin.query('select pg_terminate_backend($1)', [rows[0]?.pid]));
    const lost = await failureOf(() => client.query('commit'));
    await client.end().catch(() => {});
    expect(surelyRolledBack(lost)).toBe(false);
    expect(surelyRolledBack(new Error('no ticket number drawn'))).toBe(false);
  });
});
