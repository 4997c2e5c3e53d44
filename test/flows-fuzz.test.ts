import { randomUUID } from 'node:crypto';
import { and, count, eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { attachments, conversations, messages } from '../src/db/schema.js';
import type { Inbound } from '../src/flows/inbound.js';
import { FLOWS } from '../src/flows/index.js';
import { testApp, testConfig } from './support/app.js';
import { freshDatabase } from './support/postgres.js';

let database: Database;
let app: App;

beforeAll(async () => {
  database = await freshDatabase();
  // No workers: the replies stay in the outbox, where the test counts them.
  app = await testApp(database, testConfig({ ROLE: 'web' }), { workers: false });
  await database.db
    .insert(attachments)
    .values({ id: 'fuzz-file', name: 'foto.jpg', mime: 'image/jpeg', size: 1, sha256: 'x' });
});

afterAll(async () => {
  await app?.close();
  await database?.close();
});

/** What people actually send: words, numbers, commands, button values real and forged, files, emoji, huge texts. */
const input: fc.Arbitrary<Omit<Inbound, 'channel' | 'address' | 'key'>> = fc.oneof(
  fc.string({ maxLength: 40 }).map((text) => ({ text })),
  fc
    .constantFrom('1', '2', '3', '4', '5', '6', '9', '0', '-1', 'Lewati', 'Setuju', 'Kirim', 'ya', 'tidak')
    .map((text) => ({ text })),
  fc
    .constantFrom(
      'menu',
      '/menu',
      'batal',
      '/start',
      '/start XXXX',
      'DAFTAR ABCD1234',
      'STATUS SMS-2026-000001',
      '/lang en',
      'bahasa id',
      'tugas',
      'dokumen',
      '/bantuan',
    )
    .map((text) => ({ text })),
  fc
    .constantFrom(
      'menu:aspirasi',
      'menu:status',
      'menu:dokumen',
      'category:saran',
      'skip',
      'send',
      'edit:text',
      'consent:yes',
      'doc:nope',
      'a.AAAAAAAAAAAAAAAAAAAAAA_1.0.AAAAAAAAAA',
      'ticket:SMS-2026-000001',
    )
    .map((choice) => ({ choice })),
  fc.string({ minLength: 1500, maxLength: 2600 }).map((text) => ({ text })),
  fc.string({ unit: 'binary', maxLength: 30 }).map((text) => ({ text })),
  fc.constant({ attachment: { id: 'fuzz-file', name: 'foto.jpg', mime: 'image/jpeg' } }),
  fc.constant({ text: '' }),
);

async function repliesTo(address: string): Promise<number> {
  const [row] = await database.db.select({ n: count() }).from(messages).where(eq(messages.address, address));
  return row?.n ?? 0;
}

describe('random input into every flow', () => {
  it('never crashes, always answers, and always leaves the chat at a known step', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(input, { minLength: 1, maxLength: 30 }), async (inputs) => {
        const address = `fuzz-${randomUUID()}`;
        for (const message of inputs) {
          const before = await repliesTo(address);
          await app.flows.handle({ channel: 'fuzz', address, key: randomUUID(), ...message });
          expect(await repliesTo(address)).toBeGreaterThan(before);
          const [state] = await database.db
            .select()
            .from(conversations)
            .where(and(eq(conversations.channel, 'fuzz'), eq(conversations.address, address)));
          expect(FLOWS[state?.flow ?? '']?.[state?.step ?? '']).toBeDefined();
        }
      }),
      { numRuns: 120 },
    );
  });

  it('keeps a complaint draft through any amount of noise that is not a command', async () => {
    // Commands and the one choice offered at that point ("1", "Lewati") do move the conversation on.
    const command =
      /^\s*\/|^\s*(menu|batal|cancel|start|daftar|bahasa|lang|language|status|cek|tugas|tasks|dokumen|documents|bantuan|help)\b/i;
    const offered = /^\s*(1|lewati)\s*$/i;
    const noise = fc.array(
      fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !command.test(s) && !offered.test(s)),
      { maxLength: 20 },
    );
    await fc.assert(
      fc.asyncProperty(noise, async (words) => {
        const address = `draft-${randomUUID()}`;
        const send = (m: Omit<Inbound, 'channel' | 'address' | 'key'>) =>
          app.flows.handle({ channel: 'fuzz', address, key: randomUUID(), ...m });
        await send({ text: 'halo' });
        await send({ choice: 'menu:aspirasi' });
        await send({ choice: 'category:saran' });
        await send({ choice: 'skip' });
        await send({ text: 'Saran yang harus tetap tersimpan.' });
        for (const text of words) await send({ text });
        const [state] = await database.db.select().from(conversations).where(eq(conversations.address, address));
        expect(state?.flow).toBe('complaint');
        expect(state?.data.text).toBe('Saran yang harus tetap tersimpan.');
        expect(state?.data.category).toBe('saran');
      }),
      { numRuns: 60 },
    );
  });
});
