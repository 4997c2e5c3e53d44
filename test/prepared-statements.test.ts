import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Tx } from '../src/db/index.js';
import { insertMessages, linkChannel, prepared, processedEvents, queryRows, stakeholders } from '../src/db/index.js';
import { freshDatabase } from './support/postgres.js';

/** The statements this connection keeps prepared, as Postgres lists them. */
async function preparedHere(tx: Tx): Promise<string[]> {
  const rows = await queryRows<{ statement: string }>(
    tx,
    sql`select statement from pg_prepared_statements where name like 'siput_%'`,
  );
  return rows.map((r) => r.statement);
}

describe('statements kept prepared on a Postgres connection', () => {
  let database: Database & { url: string };
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('prepares an INSERT and a marked statement once, and leaves other queries unnamed', async () => {
    await database.db.transaction(async (tx) => {
      for (const key of ['a', 'b', 'c']) await tx.insert(processedEvents).values({ key, caseId: null });
      for (const n of [1, 2]) {
        const [row] = await queryRows<{ n: number }>(tx, sql`${prepared}select ${n}::int + 1 as n`);
        expect(row?.n).toBe(n + 1);
      }
      const found = await tx.select().from(processedEvents).where(eq(processedEvents.key, 'b'));
      expect(found.map((r) => r.key)).toEqual(['b']);

      const statements = await preparedHere(tx);
      expect(statements.filter((s) => s.startsWith('insert into "processed_events"'))).toHaveLength(1);
      expect(statements.filter((s) => s.includes('::int + 1 as n'))).toHaveLength(1);
      expect(statements.some((s) => s.startsWith('select'))).toBe(false);
    });
  });

  it("keeps a submission's lookup of its recipients' chats prepared, a text for any ids", async () => {
    await database.db.insert(stakeholders).values([
      { id: 'warga-1', name: 'Warga 1' },
      { id: 'warga-2', name: 'Warga 2' },
    ]);
    await linkChannel(database.db, { kind: 'stakeholder', id: 'warga-1' }, 'log', 'chat-1');
    await linkChannel(database.db, { kind: 'stakeholder', id: 'warga-2' }, 'log', 'chat-2');
    await database.db.transaction(async (tx) => {
      for (const id of ['warga-1', 'warga-2']) {
        const queued = await insertMessages(tx, [
          { to: { kind: 'stakeholder', id }, message: { caseId: null, instanceId: null, template: 't', params: {} } },
        ]);
        expect(queued.map((q) => q.channel)).toEqual(['log']);
      }
      const lookups = (await preparedHere(tx)).filter((s) => s.includes('from "channel_links"'));
      expect(lookups).toHaveLength(1);
    });
  });

  it('keeps working after a prepared statement failed in a transaction that rolled back', async () => {
    const insert = (tx: Tx, key: string) => tx.insert(processedEvents).values({ key, caseId: null });
    await expect(
      database.db.transaction(async (tx) => {
        await insert(tx, 'dup');
        await insert(tx, 'dup');
      }),
    ).rejects.toThrow();
    await database.db.transaction(async (tx) => {
      await insert(tx, 'dup');
      await insert(tx, 'after');
    });
    const keys = await database.db.select({ key: processedEvents.key }).from(processedEvents);
    expect(keys.map((k) => k.key)).toEqual(expect.arrayContaining(['dup', 'after']));
  });
});
