import { randomInt } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Db, Tx } from './client.js';
import { linkCodes, officials } from './schema.js';

// No 0/O or 1/I/L: codes are read off a screen and typed on a phone.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const LENGTH = 8;

/** A one-time code an official sends in a chat (DAFTAR CODE, /start CODE) to bind it to themselves. */
export async function createLinkCode(
  db: Db,
  nip: string,
  ttlHours = 72,
  now = new Date(),
): Promise<{ code: string; expiresAt: Date }> {
  const [official] = await db.select({ id: officials.id }).from(officials).where(eq(officials.nip, nip));
  if (!official) throw new Error(`no official with NIP ${nip}`);
  const code = Array.from({ length: LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  const expiresAt = new Date(now.getTime() + ttlHours * 3_600_000);
  await db.insert(linkCodes).values({ code, officialId: official.id, expiresAt });
  return { code, expiresAt };
}

/** Uses a code once: returns the official it belongs to, or null if it is wrong, used or expired. */
export async function redeemLinkCode(tx: Tx, code: string, now: Date): Promise<string | null> {
  const [row] = await tx
    .update(linkCodes)
    .set({ usedAt: now })
    .where(and(eq(linkCodes.code, code.toUpperCase()), isNull(linkCodes.usedAt), gt(linkCodes.expiresAt, now)))
    .returning({ officialId: linkCodes.officialId });
  return row?.officialId ?? null;
}
