import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/client.js';
import { insertChatMessage } from '../src/db/outbox.js';
import { messages } from '../src/db/schema.js';
import { Signer } from '../src/signing.js';
import { chatHistory } from '../src/web/chat-history.js';
import { freshDatabase } from './support/postgres.js';

let database: Database;

beforeAll(async () => {
  database = await freshDatabase();
});

afterAll(async () => {
  await database.close();
});

describe('a web chat’s history', () => {
  it('lists a turn’s replies marked sent in the same millisecond in the order they were written', async () => {
    const address = 'history-tie';
    const ids = await database.db.transaction(async (tx) => {
      const written: string[] = [];
      for (const text of ['Terima kasih.', 'Apakah identitas Anda perlu dirahasiakan?']) {
        const { id } = await insertChatMessage(tx, 'web', address, {
          caseId: null,
          instanceId: null,
          template: 'flow.text',
          params: { text },
        });
        written.push(id);
      }
      return written;
    });
    const sentAt = new Date('2026-12-03T05:00:00.123Z');
    // Marked newest first, as two sends finishing together may be: the rows' order on disk then
    // differs from the order written.
    for (const id of [...ids].reverse()) {
      await database.db.update(messages).set({ status: 'sent', sentAt }).where(eq(messages.id, id));
    }

    const items = await chatHistory(database.db, new Signer('history-test-secret-0123456789'), address, 'Asia/Jakarta');
    const texts = items.flatMap((i) => (i.kind === 'out' ? [i.text] : []));
    expect(texts).toEqual(['Terima kasih.', 'Apakah identitas Anda perlu dirahasiakan?']);
  });
});
