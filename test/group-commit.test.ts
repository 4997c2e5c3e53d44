import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TicketNumbers } from '../src/cases/ticket.js';
import type { Database, Tx } from '../src/db/client.js';
import { GroupCommit } from '../src/db/group-commit.js';
import { queryRows } from '../src/db/raw.js';
import { freshDatabase } from './support/postgres.js';

let database: Database;

beforeAll(async () => {
  database = await freshDatabase();
  await database.db.execute(sql`create table probe (n int not null, tx text not null)`);
});
afterAll(() => database.close());
beforeEach(() => database.db.execute(sql`truncate probe`));

/** Writes `n` with the id of the transaction writing it. */
async function write(tx: Tx, n: number): Promise<string> {
  const [row] = await queryRows<{ tx: string }>(
    tx,
    sql`insert into probe (n, tx) values (${n}, txid_current()::text) returning tx`,
  );
  return row?.tx ?? '';
}

async function written(): Promise<number[]> {
  const rows = await queryRows<{ n: number }>(database.db, sql`select n from probe order by n`);
  return rows.map((r) => r.n);
}

describe('a group commit', () => {
  it('runs the pieces started in one turn in one transaction, in order, each settled once it is committed', async () => {
    const commits = new GroupCommit(database.db);
    const [a, b] = await Promise.all([
      commits.run((tx) => write(tx, 1)),
      // The second sees the first's row, as a chat's next message sees its last one's.
      commits.run(async (tx) => {
        const [seen] = await queryRows<{ n: number }>(tx, sql`select count(*)::int as n from probe`);
        await write(tx, 10 + (seen?.n ?? 0));
        return write(tx, 2);
      }),
    ]);
    expect(a).toBe(b);
    expect(await written()).toEqual([1, 2, 11]);
  });

  it('runs later pieces in a transaction of their own', async () => {
    const commits = new GroupCommit(database.db);
    const first = await commits.run((tx) => write(tx, 1));
    const second = await commits.run((tx) => write(tx, 2));
    expect(first).not.toBe(second);
  });

  it('fails only the piece that throws; the others are written once', async () => {
    const commits = new GroupCommit(database.db);
    const results = await Promise.allSettled([
      commits.run((tx) => write(tx, 1)),
      commits.run(async (tx) => {
        await write(tx, 2);
        throw new Error('poisoned');
      }),
      commits.run((tx) => write(tx, 3)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('poisoned'));
    expect(await written()).toEqual([1, 3]);
  });

  it('fails only the piece whose statement the database refused, though it aborted the shared transaction', async () => {
    const commits = new GroupCommit(database.db);
    const results = await Promise.allSettled([
      commits.run((tx) => write(tx, 1)),
      commits.run((tx) => tx.execute(sql`select 1 / 0`)),
      commits.run((tx) => write(tx, 3)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await written()).toEqual([1, 3]);
  });

  it('does not take a ticket sequence made in a group that rolled back for one that exists', async () => {
    const commits = new GroupCommit(database.db);
    const tickets = new TicketNumbers();
    // The first makes the year's sequence, the second finds it in the same transaction, the third
    // fails the group: the sequence goes with the rollback, and the first, run again, makes it again.
    const results = await Promise.allSettled([
      commits.run((tx) => tickets.next(tx, 'GRP', 2031)),
      commits.run((tx) => tickets.next(tx, 'GRP', 2031)),
      commits.run(() => Promise.reject(new Error('poisoned'))),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect(results.slice(0, 2).map((r) => (r as PromiseFulfilledResult<string>).value)).toEqual([
      'GRP-2031-000001',
      'GRP-2031-000002',
    ]);
    expect(await commits.run((tx) => tickets.next(tx, 'GRP', 2031))).toBe('GRP-2031-000003');
  });

  it('sends the openings with the BEGIN, except one whose key a piece before it has: that one runs in its turn', async () => {
    const commits = new GroupCommit(database.db);
    const counted = sql`select count(*)::int as n from probe`;
    const seen = (rows: unknown[]) => (rows[0] as { n: number }).n;
    const results = await Promise.all([
      commits.run({
        opening: { key: 'a', statement: counted },
        work: async (tx, rows) => [seen(rows), await write(tx, 1)],
      }),
      commits.run({
        opening: { key: 'a', statement: counted },
        work: async (tx, rows) => [seen(rows), await write(tx, 2)],
      }),
      commits.run({
        opening: { key: 'b', statement: counted },
        work: async (tx, rows) => [seen(rows), await write(tx, 3)],
      }),
    ]);
    // The second piece of key "a" saw the first's row; "b" counted before any piece ran.
    expect(results.map(([n]) => n)).toEqual([0, 1, 0]);
    expect(new Set(results.map(([, tx]) => tx)).size).toBe(1);
    expect(await written()).toEqual([1, 2, 3]);
  });

  it('fails only the piece whose statement sent without waiting was refused, though the COMMIT hid it', async () => {
    const commits = new GroupCommit(database.db);
    const results = await Promise.allSettled([
      commits.run({ work: (_tx, _, later) => later(sql`insert into probe (n, tx) values (1, 'a')`) }),
      commits.run({ work: (_tx, _, later) => later(sql`insert into probe (n, tx) values (1 / 0, 'b')`) }),
      commits.run({ work: (_tx, _, later) => later(sql`insert into probe (n, tx) values (3, 'c')`) }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await written()).toEqual([1, 3]);
  });
});
