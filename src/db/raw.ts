import { type SQL, sql } from 'drizzle-orm';
import { PREPARED_MARK, type Tx } from './client.js';

/**
 * Put first in a hand-written statement that runs on every submission or event and whose plan
 * does not depend on its values: Postgres keeps it prepared on each connection (see client.ts).
 */
export const prepared = sql.raw(PREPARED_MARK);

/**
 * Rows of a hand-written query. node-postgres and PGlite answer with `{ rows }` (an array is still
 * read, for drivers that answer with one); drizzle leaves timestamps as text and node-postgres
 * leaves bigint as text, so callers read values through `dateOf` and `Number`.
 */
export async function queryRows<T>(db: Tx, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as T[];
}

/** A timestamp as the drivers return it in raw rows (text, or a Date); null stays null. */
export function dateOf(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  const date = new Date(String(value));
  if (Number.isNaN(date.getTime())) throw new Error(`not a timestamp: ${String(value)}`);
  return date;
}
