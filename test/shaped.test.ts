import { drizzle } from 'drizzle-orm/node-postgres';
import type { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { caseEvents } from '../src/db/schema.js';
import { placeholderRows, queryOf, type Shaped } from '../src/db/shaped.js';

const db = drizzle.mock();
const dialect = (db as unknown as { dialect: PgDialect }).dialect;

type EventRow = typeof caseEvents.$inferInsert;

function insertShaped(rows: EventRow[], shapePrefix = 'test insert'): Shaped {
  const shaped = placeholderRows(rows);
  return {
    shape: `${shapePrefix} ${shaped.keys}`,
    build: () =>
      db
        .insert(caseEvents)
        .values(shaped.placeholders() as never)
        .getSQL(),
    values: {},
    rows,
  };
}

const at = new Date('2026-12-03T04:05:06.007Z');

describe('a multi-row insert made by placeholderRows', () => {
  it('gives the text and parameters drizzle gives for the same rows, each value encoded by its column', () => {
    const rows: EventRow[] = [
      { caseId: 'c1', at, kind: 'submitted', actor: 'system', attachments: [{ id: 'f1', name: 'surat.pdf' }] },
      { caseId: 'c2', at, kind: 'note', actor: 'o1', note: 'catatan', instanceId: undefined },
    ];
    const expected = dialect.sqlToQuery(db.insert(caseEvents).values(rows).getSQL());
    const built = queryOf(dialect, insertShaped(rows));
    expect(built.sql).toBe(expected.sql);
    expect(built.params).toEqual(expected.params);
    expect(built.params).toContain('2026-12-03T04:05:06.007Z');
    expect(built.params).toContain(JSON.stringify([{ id: 'f1', name: 'surat.pdf' }]));
  });

  it('reads each statement’s own rows once its text is made: a second statement of the same shape gets its values', () => {
    const first: EventRow[] = [{ caseId: 'a', at, kind: 'k', actor: 'x' }];
    const second: EventRow[] = [{ caseId: 'b', at, kind: 'k2', actor: 'y' }];
    queryOf(dialect, insertShaped(first, 'same shape'));
    const built = queryOf(dialect, insertShaped(second, 'same shape'));
    expect(built.params).toEqual(dialect.sqlToQuery(db.insert(caseEvents).values(second).getSQL()).params);
  });

  it('names the row and the key when a row lacks a value its shape has', () => {
    const shaped = insertShaped([{ caseId: 'a', at, kind: 'k', actor: 'x', note: 'n' }], 'lacking');
    queryOf(dialect, shaped);
    const without: Shaped = { ...shaped, rows: [{ caseId: 'a', at, kind: 'k', actor: 'x' }] };
    expect(() => queryOf(dialect, without)).toThrow('no value for "note" of row 0 in lacking');
  });
});
