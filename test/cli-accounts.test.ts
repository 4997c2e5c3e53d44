import { Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/cli/run.js';
import { adminAccounts, linkCodes, officials } from '../src/db/schema.js';
import { checkCredentials } from '../src/web/admin/accounts.js';
import { freshDatabase } from './support/postgres.js';

let database: Awaited<ReturnType<typeof freshDatabase>>;

beforeAll(async () => {
  database = await freshDatabase();
  await database.db.execute("insert into units (id, name) values ('ortala', 'Ortala')");
});

afterAll(async () => {
  await database.close();
});

async function siput(argv: string[], stdin = '') {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { DATABASE_URL: database.url },
    stdin: Readable.from([stdin]),
  });
  return { code, stdout, stderr };
}

describe('siput admin add', () => {
  it('creates an account whose password, read from standard input, signs in', async () => {
    const out = await siput(
      ['admin', 'add', '--username', 'Rina', '--name', 'Rina Kusuma', '--role', 'pimpinan', '--password-stdin'],
      'kata-sandi-panjang\n',
    );
    expect(out.code).toBe(0);
    const [row] = await database.db.select().from(adminAccounts).where(eq(adminAccounts.username, 'rina'));
    expect(row?.role).toBe('pimpinan');
    expect(row?.passwordHash).not.toContain('kata-sandi');
    expect(await checkCredentials(database.db, 'rina', 'kata-sandi-panjang')).toMatchObject({ role: 'pimpinan' });
    expect(await checkCredentials(database.db, 'rina', 'salah')).toBeNull();
  });

  it('refuses a short password and a taken username with one line', async () => {
    const short = await siput(['admin', 'add', '--username', 'budi', '--password-stdin'], 'pendek\n');
    expect(short.code).toBe(1);
    expect(short.stderr).toBe('a password needs at least 10 characters\n');
    const taken = await siput(['admin', 'add', '--username', 'rina', '--password-stdin'], 'kata-sandi-lain-panjang\n');
    expect(taken.stderr).toContain('taken');
  });
});

describe('siput official link-code', () => {
  it('prints a one-time code for an official and how to use it', async () => {
    expect(
      (
        await siput([
          'official',
          'add',
          '--nip',
          '1987',
          '--name',
          'Staf',
          '--role',
          'staf-pelaksana',
          '--unit',
          'ortala',
        ])
      ).code,
    ).toBe(0);
    const out = await siput(['official', 'link-code', '1987', '--hours', '24']);
    expect(out.code).toBe(0);
    const [code, howTo] = out.stdout.trim().split('\n');
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
    expect(howTo).toContain(`DAFTAR ${code}`);
    const [row] = await database.db
      .select()
      .from(linkCodes)
      .where(eq(linkCodes.code, code ?? ''));
    expect(row?.usedAt).toBeNull();
    expect((row?.expiresAt.getTime() ?? 0) - Date.now()).toBeGreaterThan(23 * 3600_000);
  });

  it('refuses an unknown NIP', async () => {
    const out = await siput(['official', 'link-code', '0000']);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('no official with NIP 0000');
  });
});

describe('siput official alerts', () => {
  it('turns the admins’ alerts on and off for an official', async () => {
    expect((await siput(['official', 'alerts', '1987', 'on'])).code).toBe(0);
    const [row] = await database.db.select().from(officials).where(eq(officials.nip, '1987'));
    expect(row?.receivesAlerts).toBe(true);
    expect((await siput(['official', 'alerts', '1987', 'off'])).code).toBe(0);
    const [after] = await database.db.select().from(officials).where(eq(officials.nip, '1987'));
    expect(after?.receivesAlerts).toBe(false);
    expect((await siput(['official', 'alerts', '1987', 'maybe'])).stderr).toContain(
      'usage: official alerts NIP on|off',
    );
  });
});
