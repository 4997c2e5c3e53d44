import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/index.js';
import { adminAccounts } from '../../db/index.js';
import { AdminAccountError } from './errors.js';
import { hashPassword, verifyPassword } from './passwords.js';

export type AdminRole = 'admin' | 'pimpinan';

export const MIN_PASSWORD = 10;

/** A username as accounts are keyed: what people type around it (spaces, tabs, case, full-width letters) does not count. */
export function normalizeUsername(username: string): string {
  return username.normalize('NFKC').trim().toLowerCase();
}

/** Creates a console account (from the CLI: `siput admin add`). */
export async function addAdminAccount(
  db: Db,
  input: { username: string; name: string; password: string; role: AdminRole },
): Promise<string> {
  const username = normalizeUsername(input.username);
  if (!/^[a-z0-9._-]{3,40}$/.test(username)) {
    throw new AdminAccountError('bad_username', 'a username has 3–40 letters, digits, ".", "_" or "-"');
  }
  if (input.password.length < MIN_PASSWORD) {
    throw new AdminAccountError('weak_password', `a password needs at least ${MIN_PASSWORD} characters`);
  }
  const [existing] = await db
    .select({ id: adminAccounts.id })
    .from(adminAccounts)
    .where(eq(adminAccounts.username, username));
  if (existing) throw new AdminAccountError('duplicate_username', `the username ${username} is taken`);
  const id = randomUUID();
  await db.insert(adminAccounts).values({
    id,
    username,
    name: input.name.trim() || username,
    passwordHash: await hashPassword(input.password),
    role: input.role,
  });
  return id;
}

export interface AdminAccount {
  readonly id: string;
  readonly username: string;
  readonly name: string;
  readonly role: AdminRole;
}

/** The account if the password is right; null otherwise (and for unknown or inactive accounts, alike). */
export async function checkCredentials(db: Db, username: string, password: string): Promise<AdminAccount | null> {
  const [row] = await db
    .select()
    .from(adminAccounts)
    .where(eq(adminAccounts.username, normalizeUsername(username)));
  // Hash even for an unknown user, so timing does not tell which usernames exist.
  const ok = await verifyPassword(password, row?.passwordHash ?? DUMMY_HASH);
  if (!row?.active || !ok) return null;
  return { id: row.id, username: row.username, name: row.name, role: row.role };
}

/**
 * What failed sign-ins are counted under: the account the name signs in to, or, for a name with no
 * account, the name as it would be looked up. Every spelling that reaches an account shares its count.
 */
export async function loginSubject(db: Db, username: string): Promise<string> {
  const name = normalizeUsername(username);
  const [row] = await db.select({ id: adminAccounts.id }).from(adminAccounts).where(eq(adminAccounts.username, name));
  return row ? `account:${row.id}` : `name:${name}`;
}

const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
