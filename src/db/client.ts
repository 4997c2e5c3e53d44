import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePostgres } from 'drizzle-orm/node-postgres';
import { migrate as migratePostgres } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { DatabaseBusyError } from './errors.js';
import * as schema from './schema.js';
import { socketOf } from './socket.js';

export type Schema = typeof schema;
/** The one database type the code uses: node-postgres and PGlite both satisfy it. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction or the database itself: queries run the same on both. */
export type Tx = Db | Parameters<Parameters<Db['transaction']>[0]>[0];

export interface Database {
  readonly db: Db;
  readonly kind: 'postgres' | 'pglite';
  /**
   * Calls `listener` each time the server drops a connection (a restart, a crash, a network cut);
   * the pool replaces it. A COMMIT whose answer was lost with it may have committed: what the caller
   * meant to queue after it was not queued. Returns the unsubscribe. Never called on PGlite.
   */
  onConnectionLost(listener: (err: Error) => void): () => void;
  close(): Promise<void>;
}

const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

export interface DatabaseOptions {
  /** postgres://… ; unset → embedded PGlite. */
  url?: string | undefined;
  /** Folder for the PGlite data; ignored with a url. Undefined keeps PGlite in memory (tests). */
  dataDir?: string | undefined;
  /** Connection pool size; default 10. */
  max?: number;
}

/**
 * How long a query waits for a connection when the pool has none free or the server does not
 * answer: a request fails in seconds during an outage instead of hanging.
 */
const CONNECT_TIMEOUT_MS = 5000;

/** Opens the database and applies pending migrations. */
export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.url) {
    const listeners = new Set<(err: Error) => void>();
    const lost = (err: Error) => {
      for (const listener of listeners) listener(err);
    };
    const pool = serverPool(opts.url, opts.max ?? 10, lost);
    const db = drizzlePostgres(pool, { schema }) as unknown as Db;
    // Two processes starting together must not both migrate: one connection holds an advisory lock.
    const migrator = serverPool(opts.url, 1, lost);
    try {
      await migrator.query('select pg_advisory_lock(727472)');
      await migratePostgres(drizzlePostgres(migrator, { schema }), { migrationsFolder });
    } catch (err) {
      await pool.end();
      throw err;
    } finally {
      await migrator.end();
    }
    return {
      db,
      kind: 'postgres',
      onConnectionLost(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      close: () => pool.end(),
    };
  }
  let dir: string | undefined;
  let unlock = () => {};
  if (opts.dataDir) {
    dir = join(opts.dataDir, 'pglite');
    mkdirSync(dir, { recursive: true });
    unlock = lockFolder(dir);
  }
  try {
    const client = new PGlite(dir);
    const pg = drizzlePglite(client, { schema });
    await migratePglite(pg, { migrationsFolder });
    return {
      db: pg as unknown as Db,
      kind: 'pglite',
      // In the process: no connection to lose.
      onConnectionLost: () => () => {},
      async close() {
        await client.close();
        unlock();
      },
    };
  } catch (err) {
    unlock();
    throw err;
  }
}

/**
 * node-postgres rather than postgres.js: postgres.js 3.4.x throws from a setImmediate callback when
 * a connection closes under load (porsager/postgres #1154, #1208; `Cannot read properties of null
 * (reading 'write')`), which no caller can catch, so a Postgres restart killed the process. pg
 * reports a lost connection as an 'error' event instead, and drops that client from the pool.
 * The event must have a listener on every client, checked out or idle: unheard, an 'error' event
 * is an uncaught exception too. The query in hand rejects on its own.
 */
function serverPool(url: string, max: number, lost: (err: Error) => void): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    keepAlive: true,
    // Queries made while others are unanswered are written at once instead of queued (sendInOrder);
    // one awaited at a time goes as before.
    pipeline: true,
  });
  // The pool re-emits an idle client's error, which the client's own listener already reported.
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    client.on('error', lost);
    prepareByName(client);
    beginWithNext(client);
  });
  return pool;
}

/** Marks a hand-written statement to be kept prepared on each connection, like every INSERT: `sql\`${PREPARED}select …\``. */
export const PREPARED_MARK = '/* prepared */ ';

/** Statements kept prepared on one connection at most; past it they are parsed each time, as before. */
const PREPARED_PER_CONNECTION = 200;

/**
 * Sends a parameterised INSERT, or a statement marked with PREPARED_MARK, as a named prepared
 * statement: Postgres parses and plans it once per connection instead of at every execution,
 * which was a good part of a submission's server time (its statements run thousands of times
 * an hour with the same text). Only INSERTs and marked statements, whose plan does not depend on
 * the values: a query whose best plan does (a partial index, skewed data) stays unnamed and is
 * planned for its values each time. The name is a hash of the text, so two texts never share one.
 */
function prepareByName(client: pg.PoolClient): void {
  // Looked up at each call, so what wraps the class's query (the bench's statement count) still sees these.
  const query = (...args: unknown[]): unknown =>
    (Object.getPrototypeOf(client) as { query: (...a: unknown[]) => unknown }).query.apply(client, args);
  // Each text's name, hashed once.
  const known = new Map<string, string>();
  client.query = ((config: unknown, ...rest: unknown[]) => {
    if (!isPreparable(config, rest[0])) return query(config, ...rest);
    let name = known.get(config.text);
    if (name === undefined) {
      if (known.size >= PREPARED_PER_CONNECTION) return query(config, ...rest);
      name = `siput_${createHash('sha1').update(config.text).digest('base64url')}`;
      known.set(config.text, name);
    }
    return query({ ...config, name }, ...rest);
  }) as typeof client.query;
}

/**
 * A transaction's BEGIN leaves with its first statements instead of a round trip before them
 * (issue 17: a round trip's write and wake-up were most of a submission's cost). Drizzle awaits
 * BEGIN before it runs the transaction's body, so BEGIN is answered at once and sent corked: the
 * body's first statements, made in the same turn of the event loop, join it in one write, and the
 * connection's pipeline keeps them after it. BEGIN fails only with its connection, which fails
 * the statements after it too, and those the body awaits.
 */
function beginWithNext(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => Promise<pg.QueryResult>;
  const stream = socketOf(client);
  if (!stream?.cork || !stream.uncork) return;
  client.query = ((config: unknown, ...rest: unknown[]) => {
    const plain = rest.every((r) => typeof r !== 'function');
    // A BEGIN already in a corked batch (pipelinedTransaction's) leaves with it as it is.
    if ((config as { text?: unknown } | null)?.text !== 'begin' || !plain || stream.writableCorked) {
      return query(config, ...rest);
    }
    stream.cork?.();
    const sent = query(config, ...rest);
    setImmediate(() => stream.uncork?.());
    sent.catch(() => {});
    return Promise.resolve({ command: 'BEGIN', rowCount: null, oid: 0, rows: [], fields: [] });
  }) as typeof client.query;
}

function isPreparable(config: unknown, values: unknown): config is { text: string; name?: string; values?: unknown[] } {
  if (typeof config !== 'object' || config === null) return false;
  const { text, name, values: own } = config as { text?: unknown; name?: unknown; values?: unknown };
  if (typeof text !== 'string' || name !== undefined) return false;
  // Without values the statement goes by the simple protocol, which may carry several commands.
  const given = Array.isArray(values) ? values : Array.isArray(own) ? own : [];
  if (given.length === 0) return false;
  return text.startsWith('insert ') || text.startsWith(PREPARED_MARK);
}

/**
 * PGlite is one process's database: two processes on one folder would corrupt it. A lock file
 * with the owner's pid keeps a second one out; a lock left by a process that died is taken over.
 */
function lockFolder(dir: string): () => void {
  const file = join(dir, 'siput.lock');
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
  } catch {
    const owner = Number(readFileSync(file, 'utf8'));
    if (owner && owner !== process.pid && isAlive(owner)) {
      throw new DatabaseBusyError(
        `Another SIPUT process (pid ${owner}) is using the embedded database in ${dir}. Stop it first, or set DATABASE_URL so several processes can share a PostgreSQL server.`,
      );
    }
    writeFileSync(file, String(process.pid));
  }
  return () => rmSync(file, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function ping(db: Db): Promise<void> {
  await db.execute(sql`select 1`);
}

/**
 * One plain connection for administrative statements (create or drop a database, seed in bulk),
 * ended afterwards. Statements without parameters may hold several commands separated by `;`.
 */
export async function withConnection<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  client.on('error', () => {});
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}
