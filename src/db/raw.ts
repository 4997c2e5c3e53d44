import type { SQL } from 'drizzle-orm';
import type { Tx } from './client.js';

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
