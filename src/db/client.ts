import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import * as schema from './schema.js';

export type Schema = typeof schema;
/** The one database type the code uses: postgres.js and PGlite both satisfy it. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction or the database itself: queries run the same on both. */
export type Tx = Db | Parameters<Parameters<Db['transaction']>[0]>[0];

export interface Database {
  readonly db: Db;
  readonly kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

export interface DatabaseOptions {
  /** postgres://… ; unset → embedded PGlite. */
  url?: string | undefined;
  /** Folder for the PGlite data; ignored with a url. Undefined keeps PGlite in memory (tests). */
  dataDir?: string | undefined;
  /** postgres.js pool size; default 10. */
  max?: number;
}

/** Opens the database and applies pending migrations. */
export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.url) {
    const client = postgres(opts.url, { max: opts.max ?? 10, onnotice: () => {} });
    const db = drizzlePostgres(client, { schema }) as unknown as Db;
    // Two processes starting together must not both migrate: one connection holds an advisory lock.
    const migrator = postgres(opts.url, { max: 1, onnotice: () => {} });
    try {
      await migrator`select pg_advisory_lock(727472)`;
      await migratePostgres(drizzlePostgres(migrator, { schema }), { migrationsFolder });
    } finally {
      await migrator.end({ timeout: 5 });
    }
    return { db, kind: 'postgres', close: () => client.end({ timeout: 5 }) };
  }
  let dir: string | undefined;
  if (opts.dataDir) {
    dir = join(opts.dataDir, 'pglite');
    mkdirSync(dir, { recursive: true });
  }
  const client = new PGlite(dir);
  const pg = drizzlePglite(client, { schema });
  await migratePglite(pg, { migrationsFolder });
  return { db: pg as unknown as Db, kind: 'pglite', close: () => client.close() };
}

export async function ping(db: Db): Promise<void> {
  await db.execute(sql`select 1`);
}
