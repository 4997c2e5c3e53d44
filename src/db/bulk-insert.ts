import { type SQL, sql } from 'drizzle-orm';
import type { Shaped } from './shaped.js';

/** A column's Postgres type as its array parameter is cast; jsonb goes as text and is cast per row. */
export type BulkColumnType = 'text' | 'integer' | 'bigint' | 'boolean' | 'timestamptz' | 'jsonb';

/**
 * An insert of many rows with one parameter per column instead of one per value: each column goes
 * as an array that Postgres unnests, in the rows' order. Drizzle builds a VALUES list value by
 * value, which took a quarter of the process's CPU while a burst of reminders was written (issue
 * 17); this statement's text is the same for any number of rows. `tail` follows the SELECT (an ON
 * CONFLICT clause). Table and column names are the code's own, never input. For sendInOrder or a
 * pipelined transaction's `later`; null for no rows.
 */
export function unnestedInsert(
  table: string,
  columns: Readonly<Record<string, BulkColumnType>>,
  rows: ReadonlyArray<Readonly<Record<string, unknown>>>,
  tail?: SQL,
): SQL | Shaped | null {
  if (rows.length === 0) return null;
  const entries = Object.entries(columns);
  const values: Record<string, unknown[]> = {};
  for (const [name, type] of entries) values[name] = rows.map((row) => driverValue(row[name], type));
  const build = (array: (name: string) => SQL) => {
    const arrays = entries.map(([name, type]) => sql`${array(name)}::${sql.raw(type === 'jsonb' ? 'text' : type)}[]`);
    const quoted = entries.map(([name]) => `"${name}"`);
    const selected = entries.map(([name, type]) => (type === 'jsonb' ? `u."${name}"::jsonb` : `u."${name}"`));
    return sql`insert into ${sql.raw(`"${table}" (${quoted.join(', ')})`)}
        select ${sql.raw(selected.join(', '))}
        from unnest(${sql.join(arrays, sql`, `)}) with ordinality as u(${sql.raw(quoted.join(', '))}, "n#")
        order by u."n#" ${tail ?? sql``}`;
  };
  if (tail) return build((name) => sql`${sql.param(values[name])}`);
  // Without a tail the text depends on the table and columns alone: made once (shaped.ts).
  return {
    shape: `insert unnested ${table} ${entries.map(([name, type]) => `${name}:${type}`).join(',')}`,
    build: () => build((name) => sql`${sql.placeholder(name)}`),
    values,
  };
}

function driverValue(value: unknown, type: BulkColumnType): unknown {
  if (value === null || value === undefined) return null;
  if (type === 'jsonb') return JSON.stringify(value);
  if (value instanceof Date) return value.toISOString();
  return value;
}
