import { type SQL, sql } from 'drizzle-orm';
import { NodePgSession, NodePgTransaction } from 'drizzle-orm/node-postgres';
import type { PgDialect } from 'drizzle-orm/pg-core';
import pg from 'pg';
import type { Db, Tx } from './client.js';
import { sendInOrder } from './pipeline.js';
import type { Shaped } from './shaped.js';
import { socketOf } from './socket.js';

/**
 * Sends a statement whose result nobody waits for. It resolves at once on a pipelined connection:
 * the statement is on its way, in order with what follows, and its failure fails the commit. Else
 * it resolves once the statement ran. Its rows come with `rows`, on a pipelined connection when
 * its answer arrives, which is before the COMMIT's: read them after the commit, not before it
 * (that would wait a round trip). `rows` rejects quietly: a failure is the commit's to report.
 */
export type SendLater = (statement: SQL | Shaped) => Promise<LaterAnswer>;

export interface LaterAnswer {
  readonly rows: Promise<unknown[]>;
}

/** The promise, with its rejection left to whoever awaits it rather than reported as unhandled. */
export function quietly<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/** What a drizzle node-postgres database holds, to open a transaction as its own transaction() would. */
interface SessionInternals {
  readonly session?: {
    readonly client?: unknown;
    readonly dialect: PgDialect;
    readonly schema: ConstructorParameters<typeof NodePgSession>[2];
    readonly options: ConstructorParameters<typeof NodePgSession>[3];
  };
}

/**
 * A transaction whose BEGIN leaves in one write with its opening statements, and whose COMMIT
 * follows the statements sent with `later` without waiting for them: two round trips and two
 * writes for what takes a piece of work that reads one answer and writes one change, instead of
 * four of each (a write to the socket was the service's largest CPU cost, and each round trip a
 * reply's wait). `opened` has the opening statements' rows, in order. With no opening statements
 * the BEGIN is not waited for either: it leaves with the body's first statements (client.ts,
 * beginWithNext). On any failure the transaction rolls back and the error is thrown, as drizzle's
 * transaction() does.
 *
 * On a database that is not a pipelined node-postgres pool (PGlite) it is drizzle's transaction
 * with the same statements run one after another.
 */
export async function pipelinedTransaction<T>(
  db: Db,
  opening: ReadonlyArray<SQL | Shaped>,
  run: (tx: Tx, opened: unknown[][], later: SendLater) => Promise<T>,
): Promise<T> {
  const { session } = db as unknown as SessionInternals;
  const pool = session?.client;
  if (!session || !(pool instanceof pg.Pool) || !pool.options.pipeline) {
    return db.transaction(async (tx) => {
      const opened = opening.length > 0 ? await sendInOrder(tx, opening) : [];
      return run(tx, opened, async (statement) => {
        const [rows = []] = await sendInOrder(tx, [statement]);
        return { rows: Promise.resolve(rows) };
      });
    });
  }
  const client = await pool.connect();
  const tx = transactionOn(client, session);
  const inFlight: Promise<unknown>[] = [];
  const holdWrites = writeHolder(client);
  try {
    let opened: unknown[][] = [];
    if (opening.length > 0) [, ...opened] = await sendInOrder(tx, [BEGIN, ...opening]);
    // Straight to the connection: drizzle's execute wraps each call in a prepared query and a span.
    else await client.query({ text: 'begin' });
    const result = await run(tx, opened, async (statement) => {
      holdWrites();
      // Looked at before the commit is trusted; a rejection meanwhile is not unhandled.
      const sent = quietly(sendInOrder(tx, [statement]));
      inFlight.push(sent);
      return { rows: quietly(sent.then(([rows = []]) => rows)) };
    });
    holdWrites();
    // A statement that failed made the COMMIT a ROLLBACK, which Postgres answers without an error.
    const settled = await Promise.allSettled([...inFlight, sendInOrder(tx, [COMMIT])]);
    const failure = settled.find((s) => s.status === 'rejected');
    if (failure) throw failure.reason;
    client.release();
    return result;
  } catch (err) {
    await Promise.allSettled(inFlight);
    try {
      // Outside a transaction (the COMMIT ended it) a ROLLBACK only warns.
      await sendInOrder(tx, [ROLLBACK]);
      client.release();
    } catch (rollbackErr) {
      client.release(rollbackErr as Error);
    }
    throw err;
  }
}

// Made once: drizzle turns even a constant statement into text at every call.
const BEGIN: Shaped = { shape: 'begin', build: () => sql`begin`, values: {} };
const COMMIT: Shaped = { shape: 'commit', build: () => sql`commit`, values: {} };
const ROLLBACK: Shaped = { shape: 'rollback', build: () => sql`rollback`, values: {} };

type Session = NonNullable<SessionInternals['session']>;

/**
 * Each pooled connection's drizzle transaction, made once: building one sets up a query builder
 * for every table in the schema, which was a percent of a submission's CPU (issue 17). It holds
 * nothing of a transaction but its connection, so the next transaction on it can use it again.
 */
const transactions = new WeakMap<pg.PoolClient, Tx>();

function transactionOn(client: pg.PoolClient, session: Session): Tx {
  let tx = transactions.get(client);
  if (!tx) {
    tx = new NodePgTransaction(
      session.dialect,
      new NodePgSession(client, session.dialect, session.schema, session.options),
      session.schema,
    ) as unknown as Tx;
    transactions.set(client, tx);
  }
  return tx;
}

/**
 * Holds what is written to the connection until the work in hand waits for something (the next
 * tick, which comes once the promise jobs ran out), so that the statements sent with `later` by
 * pieces one after another, and the COMMIT behind them, leave in one write instead of one each.
 */
function writeHolder(client: pg.PoolClient): () => void {
  const stream = socketOf(client);
  let holding = false;
  return () => {
    if (holding || !stream?.cork || !stream.uncork) return;
    holding = true;
    stream.cork();
    process.nextTick(() => {
      holding = false;
      stream.uncork?.();
    });
  };
}
