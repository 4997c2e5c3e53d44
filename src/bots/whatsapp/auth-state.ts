import {
  type AuthenticationCreds,
  type AuthenticationState,
  BufferJSON,
  initAuthCreds,
  proto,
  type SignalDataSet,
  type SignalDataTypeMap,
  type SignalKeyStore,
} from '@whiskeysockets/baileys';
import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/index.js';
import { whatsappAuth } from '../../db/index.js';

/** Baileys' auth state kept in Postgres, shared by every machine that may hold the socket. */
export interface StoredAuthState {
  readonly state: AuthenticationState;
  /** Writes the creds as they are now (Baileys changes them in place, then emits creds.update). */
  saveCreds(): Promise<void>;
  /** Forgets the pairing: the next socket starts unpaired and shows a new QR code. */
  clear(): Promise<void>;
}

const CREDS = 'creds';
// Rows per statement: well under Postgres' 65,535 parameters even for a full pre-key upload.
const CHUNK = 500;

const rowKey = (type: string, id: string) => `${type}-${id}`;
const encode = (value: unknown) => JSON.stringify(value, BufferJSON.replacer);
const decode = (text: string): unknown => JSON.parse(text, BufferJSON.reviver);

/**
 * Loads (or starts) the auth state of one WhatsApp session. Each keys.set is written in one
 * transaction, so a crash mid-write cannot leave half of a signal session behind: that tearing is
 * what breaks multi-file states (Baileys PR #2575).
 */
export async function loadAuthState(db: Db, session: string): Promise<StoredAuthState> {
  const [row] = await db
    .select({ value: whatsappAuth.value })
    .from(whatsappAuth)
    .where(and(eq(whatsappAuth.session, session), eq(whatsappAuth.key, CREDS)));
  const creds = row ? (decode(row.value) as AuthenticationCreds) : initAuthCreds();

  const keys: SignalKeyStore = {
    async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      const found: { [id: string]: SignalDataTypeMap[T] } = {};
      for (let i = 0; i < ids.length; i += CHUNK) {
        const chunk = ids.slice(i, i + CHUNK);
        const rows = await db
          .select({ key: whatsappAuth.key, value: whatsappAuth.value })
          .from(whatsappAuth)
          .where(
            and(
              eq(whatsappAuth.session, session),
              inArray(
                whatsappAuth.key,
                chunk.map((id) => rowKey(type, id)),
              ),
            ),
          );
        const byKey = new Map(rows.map((r) => [r.key, r.value]));
        for (const id of chunk) {
          const text = byKey.get(rowKey(type, id));
          if (text === undefined) continue;
          const value = decode(text);
          // Baileys reads this one as a protobuf object, not as plain JSON.
          found[id] = (
            type === 'app-state-sync-key'
              ? proto.Message.AppStateSyncKeyData.fromObject(value as Record<string, unknown>)
              : value
          ) as SignalDataTypeMap[T];
        }
      }
      return found;
    },

    async set(data: SignalDataSet) {
      const written: { session: string; key: string; value: string }[] = [];
      const removed: string[] = [];
      for (const [type, entries] of Object.entries(data)) {
        for (const [id, value] of Object.entries(entries ?? {})) {
          if (value) written.push({ session, key: rowKey(type, id), value: encode(value) });
          else removed.push(rowKey(type, id));
        }
      }
      if (written.length === 0 && removed.length === 0) return;
      await db.transaction(async (tx) => {
        for (let i = 0; i < removed.length; i += CHUNK) {
          await tx
            .delete(whatsappAuth)
            .where(and(eq(whatsappAuth.session, session), inArray(whatsappAuth.key, removed.slice(i, i + CHUNK))));
        }
        for (let i = 0; i < written.length; i += CHUNK) {
          await tx
            .insert(whatsappAuth)
            .values(written.slice(i, i + CHUNK))
            .onConflictDoUpdate({
              target: [whatsappAuth.session, whatsappAuth.key],
              set: { value: sql`excluded.value`, updatedAt: sql`now()` },
            });
        }
      });
    },

    async clear() {
      await db.delete(whatsappAuth).where(and(eq(whatsappAuth.session, session), ne(whatsappAuth.key, CREDS)));
    },
  };

  return {
    state: { creds, keys },
    async saveCreds() {
      await db
        .insert(whatsappAuth)
        .values({ session, key: CREDS, value: encode(creds) })
        .onConflictDoUpdate({
          target: [whatsappAuth.session, whatsappAuth.key],
          set: { value: sql`excluded.value`, updatedAt: sql`now()` },
        });
    },
    async clear() {
      await db.delete(whatsappAuth).where(eq(whatsappAuth.session, session));
    },
  };
}
