import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { adminAccounts } from '../../db/schema.js';
import { hashPassword, verifyPassword } from './passwords.js';

export type AdminRole = 'admin' | 'pimpinan';

export class AdminAccountError extends Error {
  override readonly name = 'AdminAccountError';
  constructor(
    readonly code: 'duplicate_username' | 'weak_password' | 'bad_username',
    message: string,
  ) {
    super(message);
  }
}

export const MIN_PASSWORD = 10;

/** Creates a console account (from the CLI: `siput admin add`). */
export async function addAdminAccount(
  db: Db,
  input: { username: string; name: string; password: string; role: AdminRole },
): Promise<string> {
  const username = input.username.trim().toLowerCase();
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
  const [row] = await db.select().from(adminAccounts).where(eq(adminAccounts.username, username.trim().toLowerCase()));
  // Hash even for an unknown user, so timing does not tell which usernames exist.
  const ok = await verifyPassword(password, row?.passwordHash ?? DUMMY_HASH);
  if (!row?.active || !ok) return null;
  return { id: row.id, username: row.username, name: row.name, role: row.role };
}

const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
