import { Socket } from 'node:net';
import { sql } from 'drizzle-orm';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/index.js';
import { pipelinedTransaction, prepared, processedEvents, queryRows, sendInOrder } from '../src/db/index.js';
import { freshDatabase } from './support/postgres.js';

describe('statements sent together in a transaction on Postgres', () => {
  let database: Database & { url: string };
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('writes them all before the first answer, and Postgres runs them in the given order', async () => {
    // Query.submit writes a query to the connection; the promise query() returns settles on its answer.
    const client = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
    const query = pg.Query.prototype as unknown as { submit: (...args: unknown[]) => unknown };
    const [originalQuery, originalSubmit] = [client.query, query.submit];
    const events: string[] = [];
    const rows = await database.db.transaction(async (tx) => {
      query.submit = function (this: unknown, ...args: unknown[]) {
        events.push('written');
        return originalSubmit.apply(this, args);
      };
      client.query = function (this: unknown, ...args: unknown[]) {
        const answer = originalQuery.apply(this, args) as Promise<unknown>;
        void answer.then(() => events.push('answered'));
        return answer;
      };
      try {
        return await sendInOrder(tx, [
          tx.insert(processedEvents).values({ key: 'first', caseId: null }).getSQL(),
          // Sees the row the statement before it inserted.
          sql`${prepared}select count(*)::int as n from processed_events where key = ${'first'}`,
          tx.insert(processedEvents).values({ key: 'second', caseId: null }).getSQL(),
        ]);
      } finally {
        client.query = originalQuery;
        query.submit = originalSubmit;
      }
    });
    expect(events).toEqual(['written', 'written', 'written', 'answered', 'answered', 'answered']);
    expect(rows[1]).toEqual([{ n: 1 }]);
    const keys = await database.db.select({ key: processedEvents.key }).from(processedEvents);
    expect(keys.map((k) => k.key).sort()).toEqual(['first', 'second']);
  });

  it('rejects with the failing statement’s error, and the transaction writes nothing', async () => {
    const failure = await database.db
      .transaction((tx) =>
        sendInOrder(tx, [
          tx.insert(processedEvents).values({ key: 'kept-out', caseId: null }).getSQL(),
          sql`select 1 / ${0}::int`,
          tx.insert(processedEvents).values({ key: 'after-failure', caseId: null }).getSQL(),
        ]),
      )
      .then(
        () => null,
        (err: unknown) => err,
      );
    expect(failure).toBeInstanceOf(DrizzleQueryError);
    expect(((failure as Error).cause as Error).message).toMatch(/division by zero/);
    const found = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from processed_events where key in ('kept-out', 'after-failure')`,
    );
    expect(found[0]?.n).toBe(0);
    // The connection it failed on serves the next transaction.
    const again = await database.db.transaction((tx) => sendInOrder(tx, [sql`select 2 as n`]));
    expect(again).toEqual([[{ n: 2 }]]);
  });

  it('sends a transaction’s BEGIN in the same write as its first statements, which stay inside it', async () => {
    let seenOutside: number | undefined;
    const writes = await socketWritesOf(() =>
      database.db.transaction(async (tx) => {
        await sendInOrder(tx, [
          tx.insert(processedEvents).values({ key: 'in-begun', caseId: null }).getSQL(),
          sql`select 1`,
        ]);
        const [outside] = await queryRows<{ n: number }>(
          database.db,
          sql`select count(*)::int as n from processed_events where key = 'in-begun'`,
        );
        seenOutside = outside?.n;
      }),
    );
    // BEGIN with the statements, the look from another connection, COMMIT.
    expect(writes).toBe(3);
    expect(seenOutside).toBe(0);
    const [after] = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from processed_events where key = 'in-begun'`,
    );
    expect(after?.n).toBe(1);
  });
  it('sends a pipelined transaction’s BEGIN with its body’s first statements, and what `later` sent with its COMMIT', async () => {
    const writes = await socketWritesOf(() =>
      pipelinedTransaction(database.db, [], async (tx, _opened, later) => {
        await sendInOrder(tx, [sql`${prepared}select count(*)::int as n from processed_events where key = ${'x'}`]);
        await later(tx.insert(processedEvents).values({ key: 'sent-later', caseId: null }).getSQL());
      }),
    );
    // BEGIN with the select; the insert with the COMMIT.
    expect(writes).toBe(2);
    const [after] = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from processed_events where key = 'sent-later'`,
    );
    expect(after?.n).toBe(1);
  });

  it('fails a pipelined transaction whose statement sent with `later` fails, and writes nothing of it', async () => {
    const failure = await pipelinedTransaction(database.db, [], async (tx, _opened, later) => {
      await sendInOrder(tx, [tx.insert(processedEvents).values({ key: 'before-later', caseId: null }).getSQL()]);
      await later(sql`select 1 / ${0}::int`);
      return 'committed';
    }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(DrizzleQueryError);
    const [found] = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from processed_events where key = 'before-later'`,
    );
    expect(found?.n).toBe(0);
  });

  /**
   * The writes to Postgres sockets while `run` runs. Two connections are opened first, so that
   * opening one, which writes too, is not counted.
   */
  async function socketWritesOf(run: () => Promise<unknown>): Promise<number> {
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`select 1`);
      await database.db.execute(sql`select 1`);
    });
    const socket = Socket.prototype as unknown as Record<'_write' | '_writev', (...args: unknown[]) => unknown>;
    const originals = { _write: socket._write, _writev: socket._writev };
    let writes = 0;
    for (const method of ['_write', '_writev'] as const) {
      socket[method] = function (this: unknown, ...args: unknown[]) {
        writes++;
        return originals[method].apply(this, args);
      };
    }
    try {
      await run();
    } finally {
      Object.assign(socket, originals);
    }
    return writes;
  }
});
