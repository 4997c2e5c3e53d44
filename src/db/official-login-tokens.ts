import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, lt } from 'drizzle-orm';
import type { Tx } from './client.js';
import { officialLoginTokens } from './schema.js';

/** How long a sign-in link from the chat works: long enough to open it, short enough to be useless later. */
export const LOGIN_TOKEN_TTL_MS = 15 * 60_000;

const hash = (token: string) => createHash('sha256').update(token).digest('hex');
/** 32 random bytes in base64url; anything else is not one of ours and is not looked up. */
const SHAPE = /^[\w-]{43}$/;

/**
 * A one-time sign-in token for an official (`/masuk` in their chat). Only its hash is stored, so
 * the table cannot be read back into working links.
 */
export async function createLoginToken(
  tx: Tx,
  officialId: string,
  now: Date,
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + LOGIN_TOKEN_TTL_MS);
  await tx.delete(officialLoginTokens).where(lt(officialLoginTokens.expiresAt, now));
  await tx.insert(officialLoginTokens).values({ tokenHash: hash(token), officialId, expiresAt });
  return { token, expiresAt };
}

/** Whether the token would still sign in, without using it (a link preview must not spend it). */
export async function loginTokenUsable(tx: Tx, token: string, now: Date): Promise<boolean> {
  if (!SHAPE.test(token)) return false;
  const [row] = await tx
    .select({ officialId: officialLoginTokens.officialId })
    .from(officialLoginTokens)
    .where(live(token, now));
  return row !== undefined;
}

/** Uses the token once: the official it was made for, or null when it is wrong, used or expired. */
export async function redeemLoginToken(tx: Tx, token: string, now: Date): Promise<string | null> {
  if (!SHAPE.test(token)) return null;
  const [row] = await tx
    .update(officialLoginTokens)
    .set({ usedAt: now })
    .where(live(token, now))
    .returning({ officialId: officialLoginTokens.officialId });
  return row?.officialId ?? null;
}

const live = (token: string, now: Date) =>
  and(
    eq(officialLoginTokens.tokenHash, hash(token)),
    isNull(officialLoginTokens.usedAt),
    gt(officialLoginTokens.expiresAt, now),
  );
