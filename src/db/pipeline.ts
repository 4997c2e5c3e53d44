import type { SQL } from 'drizzle-orm';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import type { PgDialect } from 'drizzle-orm/pg-core';
import pg from 'pg';
import type { Tx } from './client.js';
import { isShaped, queryOf, type Shaped, sqlOf } from './shaped.js';
import { socketOf } from './socket.js';

/** What a transaction built by drizzle holds: its dialect and the connection it runs on. */
interface TxInternals {
  readonly dialect?: PgDialect;
  readonly session?: { readonly client?: unknown };
}

/**
 * Runs statements in the given order and returns each one's rows. In a transaction on a Postgres
 * connection (which the pool opens in pipeline mode) all are written at once and answered in one
 * round trip instead of one each: a submission's statements are small, so each round trip's wait
 * was most of its time holding a pooled connection. Elsewhere (PGlite, the pool itself) they run
 * one after the other. Postgres runs them in order either way, so a row may refer to one inserted
 * by an earlier statement; a failed statement aborts the transaction, failing those after it, and
 * the first failure is what this rejects with (as drizzle reports one, the driver's error its
 * cause). Rows come as the driver gives them: read timestamps through dateOf. A Shaped statement
 * has its text made once for its shape (see shaped.ts).
 */
export async function sendInOrder(tx: Tx, statements: ReadonlyArray<SQL | Shaped>): Promise<unknown[][]> {
  const { dialect, session } = tx as unknown as TxInternals;
  if (!dialect) throw new Error('sendInOrder needs a drizzle Postgres database or transaction');
  const queries = statements.map((statement) =>
    isShaped(statement) ? queryOf(dialect, statement) : dialect.sqlToQuery(statement),
  );
  const client = session?.client;
  if (client instanceof pg.Client && client.pipeline) {
    // Each query() call hands its messages to the socket before the next is made, in this order;
    // corked, they leave in one write (a system call each was much of the process's CPU).
    const stream = socketOf(client);
    stream?.cork?.();
    let sent: Array<Promise<pg.QueryResult>>;
    try {
      sent = queries.map((query) =>
        client.query({ text: query.sql }, query.params).catch((err: unknown) => {
          // The error drizzle gives for a statement it runs, so callers meet one shape either way.
          throw new DrizzleQueryError(query.sql, query.params, err as Error);
        }),
      );
    } finally {
      stream?.uncork?.();
    }
    const results = await Promise.all(sent);
    return results.map((r) => r.rows);
  }
  const out: unknown[][] = [];
  for (const query of queries) {
    const result: unknown = await tx.execute(sqlOf(query));
    out.push(Array.isArray(result) ? result : (result as { rows: unknown[] }).rows);
  }
  return out;
}
