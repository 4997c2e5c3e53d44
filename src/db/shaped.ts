import { is, Param, Placeholder, type SQL, sql } from 'drizzle-orm';
import type { PgDialect } from 'drizzle-orm/pg-core';

/**
 * A statement that runs on every submission, written with drizzle's builders but turned into its
 * text once per shape instead of at every call: drizzle walks a statement's chunks value by value
 * to make its text, and for a submission's statements that walk was a tenth of the process's CPU
 * (issue 17). `build` writes the statement with `sql.placeholder(name)` where each of `values`
 * goes; statements of the same `shape` have the same text, so the shape names everything the text
 * depends on (which values are given, how many rows). Each value is then encoded as drizzle
 * encodes it in place (its column's mapping: a timestamp's ISO text, jsonb's JSON).
 */
export interface Shaped {
  readonly shape: string;
  readonly build: () => SQL;
  readonly values: Readonly<Record<string, unknown>>;
  /** The rows of a multi-row statement, whose placeholders placeholderRows made: each reads its row's value. */
  readonly rows?: ReadonlyArray<Readonly<Record<string, unknown>>>;
}

/** A statement as the driver takes it. */
export interface BuiltQuery {
  readonly sql: string;
  readonly params: unknown[];
}

interface Template {
  readonly sql: string;
  /** Each parameter: a placeholder's name and its column's encoding, or a value written in the statement. */
  readonly slots: ReadonlyArray<
    | { readonly name: string; readonly encode: Encode }
    | { readonly row: number; readonly key: string; readonly encode: Encode }
    | { readonly constant: unknown }
  >;
}

type Encode = ((value: unknown) => unknown) | undefined;

const templates = new Map<string, Template>();

export function isShaped(statement: SQL | Shaped): statement is Shaped {
  return 'shape' in statement && 'build' in statement;
}

/** The statement's text and parameters, its text made by drizzle the first time its shape is seen. */
export function queryOf(dialect: PgDialect, statement: Shaped): BuiltQuery {
  let template = templates.get(statement.shape);
  if (!template) {
    template = templateOf(dialect.sqlToQuery(statement.build()));
    templates.set(statement.shape, template);
  }
  const { values, rows } = statement;
  return {
    sql: template.sql,
    params: template.slots.map((slot) => {
      if ('constant' in slot) return slot.constant;
      let value: unknown;
      if ('row' in slot) {
        const row = rows?.[slot.row];
        if (!row || !(slot.key in row))
          throw new Error(`no value for "${slot.key}" of row ${slot.row} in ${statement.shape}`);
        value = row[slot.key];
      } else {
        if (!(slot.name in values)) throw new Error(`no value for "${slot.name}" in ${statement.shape}`);
        value = values[slot.name];
      }
      // Drizzle leaves null as null, unencoded; an absent value has no placeholder at all.
      return value === null || value === undefined || !slot.encode ? (value ?? null) : slot.encode(value);
    }),
  };
}

/** A built query as drizzle SQL, for a database that runs statements one by one (PGlite). */
export function sqlOf(query: BuiltQuery): SQL {
  const parts = query.sql.split(/\$(\d+)/);
  const chunks = parts.map((part, i) => (i % 2 === 0 ? sql.raw(part) : sql.param(query.params[Number(part) - 1])));
  return sql.join(chunks);
}

function templateOf(query: { sql: string; params: unknown[] }): Template {
  return {
    sql: query.sql,
    slots: query.params.map((param) => {
      if (is(param, Param) && is(param.value, Placeholder)) {
        const encoder = param.encoder as { mapToDriverValue?: (value: unknown) => unknown } | undefined;
        return slotOf(param.value.name, encoder?.mapToDriverValue?.bind(encoder));
      }
      if (is(param, Placeholder)) return slotOf(param.name, undefined);
      return { constant: param };
    }),
  };
}

/**
 * A row's given values under the names `prefix` + key, and `placeholders()` that stand for them
 * in `build`: for `build` and `values` of an insert. Undefined values are left out, as drizzle
 * leaves them to the column's default; `keys` lists the ones given, for the shape. The
 * placeholders are made only when called, since `build` runs once per shape.
 */
export function placeholdersOf(
  row: Readonly<Record<string, unknown>>,
  prefix = '',
): {
  placeholders: () => Record<string, Placeholder<string>>;
  values: Readonly<Record<string, unknown>>;
  keys: string;
} {
  const given: string[] = [];
  for (const key in row) if (row[key] !== undefined) given.push(key);
  // Without a prefix the row is its own values: a template only asks for the keys it was made with.
  let values = row;
  if (prefix !== '') {
    const renamed: Record<string, unknown> = {};
    for (const key of given) renamed[`${prefix}${key}`] = row[key];
    values = renamed;
  }
  return {
    placeholders: () => Object.fromEntries(given.map((key) => [key, sql.placeholder(`${prefix}${key}`)])),
    values,
    keys: given.join(','),
  };
}

/**
 * placeholdersOf for the rows of a multi-row insert: `placeholders()` has each row's, and a
 * statement's `rows` gives their values, read by row and key. Copied into one object under a
 * name made for each row's each value instead, making and looking up those names was a tenth of
 * a grouped submission's CPU (issue 17). `keys` lists each row's given keys, for the shape.
 */
export function placeholderRows(rows: ReadonlyArray<Readonly<Record<string, unknown>>>): {
  placeholders: () => Array<Record<string, Placeholder<string>>>;
  keys: string;
} {
  const given = rows.map((row) => {
    const keys: string[] = [];
    for (const key in row) if (row[key] !== undefined) keys.push(key);
    return keys;
  });
  return {
    placeholders: () =>
      given.map((keys, i) => Object.fromEntries(keys.map((key) => [key, sql.placeholder(`${ROW_SLOT}${i}.${key}`)]))),
    keys: given.map((keys) => keys.join(',')).join(' | '),
  };
}

/** How a placeholder of placeholderRows is named: this, the row's index, a dot and the key. */
const ROW_SLOT = 'rows#';

function slotOf(name: string, encode: Encode): Template['slots'][number] {
  if (!name.startsWith(ROW_SLOT)) return { name, encode };
  const dot = name.indexOf('.');
  return { row: Number(name.slice(ROW_SLOT.length, dot)), key: name.slice(dot + 1), encode };
}
