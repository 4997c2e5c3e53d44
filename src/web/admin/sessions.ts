import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, lt } from 'drizzle-orm';
import type { Db } from '../../db/index.js';
import { adminAccounts, adminSessions, officials } from '../../db/index.js';
import type { AdminRole } from './accounts.js';

export const SESSION_COOKIE = 'siput_admin';
const LIFETIME_MS = 8 * 3600_000;

/** Who is signed in to the console: an admin or pimpinan account, or an official seeing their own tasks. */
export type ConsoleUser =
  | {
      readonly kind: 'account';
      readonly id: string;
      readonly name: string;
      readonly role: AdminRole;
      readonly csrf: string;
    }
  | {
      readonly kind: 'official';
      readonly id: string;
      readonly name: string;
      readonly role: 'official';
      readonly csrf: string;
    };

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Sessions live in the database; the cookie carries only a random token whose hash is the key,
 * so a leaked table does not hand out sessions. Each session has its own CSRF token.
 */
export class ConsoleSessions {
  constructor(private readonly db: Db) {}

  async open(
    owner: { accountId: string } | { officialId: string },
    now = new Date(),
  ): Promise<{ token: string; expiresAt: Date }> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + LIFETIME_MS);
    await this.db.insert(adminSessions).values({
      idHash: hash(token),
      accountId: 'accountId' in owner ? owner.accountId : null,
      officialId: 'officialId' in owner ? owner.officialId : null,
      csrfToken: randomBytes(24).toString('base64url'),
      expiresAt,
    });
    await this.db.delete(adminSessions).where(lt(adminSessions.expiresAt, now));
    return { token, expiresAt };
  }

  async find(token: string | undefined, now = new Date()): Promise<ConsoleUser | null> {
    if (!token || token.length > 100) return null;
    const [session] = await this.db
      .select()
      .from(adminSessions)
      .where(and(eq(adminSessions.idHash, hash(token)), gt(adminSessions.expiresAt, now)));
    if (!session) return null;
    if (session.accountId) {
      const [account] = await this.db.select().from(adminAccounts).where(eq(adminAccounts.id, session.accountId));
      if (!account?.active) return null;
      return { kind: 'account', id: account.id, name: account.name, role: account.role, csrf: session.csrfToken };
    }
    if (session.officialId) {
      const [official] = await this.db.select().from(officials).where(eq(officials.id, session.officialId));
      if (!official?.active) return null;
      return { kind: 'official', id: official.id, name: official.name, role: 'official', csrf: session.csrfToken };
    }
    return null;
  }

  async close(token: string | undefined): Promise<void> {
    if (token) await this.db.delete(adminSessions).where(eq(adminSessions.idHash, hash(token)));
  }
}
