import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/index.js';
import { EMAIL_CHANNEL, forwardByEmail, messages, stakeholders } from '../src/db/index.js';
import { freshDatabase } from './support/postgres.js';

describe('forwarding a message by email', () => {
  let database: Database & { url: string };
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('writes the copy once however often it is asked, each message its own copy', async () => {
    await database.db.insert(stakeholders).values({ id: 'warga', name: 'Warga', email: 'warga@contoh.go.id' });
    const original = (id: string) => ({
      id,
      caseId: 'kasus',
      recipientKind: 'stakeholder',
      recipientId: 'warga',
      channel: 'web',
      address: 'halaman',
      template: 'case.received',
      params: {},
      status: 'dead' as const,
    });
    await database.db.insert(messages).values([original('pesan-1'), original('pesan-2')]);
    const forward = (id: string) => database.db.transaction((tx) => forwardByEmail(tx, id));

    expect((await forward('pesan-1'))?.channel).toBe(EMAIL_CHANNEL);
    expect(await forward('pesan-1')).toBeNull();
    expect((await forward('pesan-2'))?.channel).toBe(EMAIL_CHANNEL);
    const copies = await database.db.select().from(messages).where(eq(messages.channel, EMAIL_CHANNEL));
    expect(copies.map((c) => c.forwardedFrom).sort()).toEqual(['pesan-1', 'pesan-2']);
  });
});
