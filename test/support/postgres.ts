import { randomUUID } from 'node:crypto';
import { type Database, openDatabase, withConnection } from '../../src/db/client.js';

/** The real Postgres the tests use (CI and developers: 127.0.0.1:5432, trust auth). */
export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';

/**
 * A fresh database for one test file, migrated like production, dropped afterwards. Each file
 * gets its own, so files run side by side without seeing each other's rows.
 */
export async function freshDatabase(): Promise<Database & { url: string }> {
  const name = `siput_t_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  await withConnection(ADMIN_URL, (admin) => admin.query(`create database ${name}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), max: 5 });
  return {
    ...database,
    url: url.toString(),
    async close() {
      await database.close();
      await withConnection(ADMIN_URL, (admin) => admin.query(`drop database if exists ${name} with (force)`));
    },
  };
}
