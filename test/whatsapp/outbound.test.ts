import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { numberedText } from '../../src/bots/whatsapp/outbound.js';
import type { Database } from '../../src/db/client.js';
import { insertChatMessage } from '../../src/db/outbox.js';
import { messages } from '../../src/db/schema.js';
import { eventually } from '../support/app.js';
import { freshDatabase } from '../support/postgres.js';
import { FakeWhatsApp, type Sent, textOf } from './support/fake-whatsapp.js';
import { WhatsAppPerson, whatsappApp, whatsappConfig } from './support/whatsapp-app.js';

const TYPING_MS = 150;
const GAP_MS = 500;
const config = whatsappConfig({ WHATSAPP_TYPING_MS: String(TYPING_MS), WHATSAPP_CHAT_INTERVAL_MS: String(GAP_MS) });
const wa = new FakeWhatsApp();
let database: Database;
let app: App;

beforeAll(async () => {
  database = await freshDatabase();
  ({ app } = await whatsappApp(database, config, wa));
});

afterAll(async () => {
  await app?.close();
  await database?.close();
});

/** Puts a message for `address` in the outbox, as the flows do, and returns its row id. */
async function queue(address: string, params: Record<string, string>, choices: string[] = []): Promise<string> {
  const queued = await insertChatMessage(database.db, 'whatsapp', address, {
    caseId: null,
    instanceId: null,
    template: 'flow.text',
    params,
    choices: choices.map((label, i) => ({ action: `pick:${i}`, label: { id: label } })),
  });
  await app.queues.addMessage(queued.id, 'whatsapp');
  return queued.id;
}

const rowOf = async (id: string) => (await database.db.select().from(messages).where(eq(messages.id, id)))[0];

describe('a message with choices', () => {
  it('is a numbered list under the text', () => {
    const text = numberedText({
      text: 'Silakan pilih menu:',
      choices: [
        { value: 'menu:dokumen', label: 'Dokumen' },
        { value: 'menu:aspirasi', label: 'Saran/Keluhan/Masukan' },
      ],
    });
    expect(text).toBe('Silakan pilih menu:\n\n1. Dokumen\n2. Saran/Keluhan/Masukan');
    expect(numberedText({ text: 'Tercatat.', choices: [] })).toBe('Tercatat.');
  });
});

describe('sending', () => {
  it('shows typing before each message and keeps a chat to one message per interval', async () => {
    const ani = new WhatsAppPerson(app, wa, '6281800000001@s.whatsapp.net');
    await ani.say('halo');
    // BATAL answers with two messages: "cancelled" and the menu.
    await ani.say('BATAL');
    const sent = wa.sentTo(ani.jid);
    const [cancelled, menu] = sent.slice(-2) as [Sent, Sent];
    expect(textOf(cancelled)).toContain('Dibatalkan');

    const presence = wa.current.presence.filter((p) => p.jid === ani.jid);
    const typingBefore = (message: Sent) =>
      presence.filter((p) => p.type === 'composing' && p.at <= message.at).at(-1)?.at ?? 0;
    for (const message of sent) expect(message.at - typingBefore(message)).toBeGreaterThanOrEqual(TYPING_MS - 5);
    expect(presence.filter((p) => p.type === 'paused')).toHaveLength(sent.length);
    // The outbox spaces the starts of two sends to a chat; "typing…" begins each one.
    expect(typingBefore(menu) - typingBefore(cancelled)).toBeGreaterThanOrEqual(GAP_MS - 150);
  });

  it('refuses an address that never wrote first, and says why', async () => {
    const id = await queue('6281800000099@s.whatsapp.net', { text: 'Pengumuman' });
    const row = await eventually('the message to be refused', async () => {
      const r = await rowOf(id);
      return r?.status === 'dead' ? r : undefined;
    });
    expect(row.lastError).toContain('never wrote to the service');
    expect(wa.sentTo('6281800000099@s.whatsapp.net')).toHaveLength(0);
  });

  it('sends a document as a file with the text as its caption, or as the link when the file cannot be fetched', async () => {
    const budi = new WhatsAppPerson(app, wa, '6281800000002@s.whatsapp.net');
    await budi.say('halo');
    const url = 'http://localhost:3000/unduh/doc-1?e=1&s=x';
    await queue(budi.jid, { text: `SOP Pengaduan: ${url}`, documentUrl: url, documentName: 'SOP-001.pdf' }, [
      'Kembali',
    ]);
    await budi.delivered();
    expect(wa.sentTo(budi.jid).at(-1)?.content).toEqual({
      document: { url },
      fileName: 'SOP-001.pdf',
      mimetype: 'application/pdf',
      caption: `SOP Pengaduan: ${url}\n\n1. Kembali`,
    });

    wa.documentsFail = true;
    await queue(budi.jid, { text: `SOP Pengaduan: ${url}`, documentUrl: url, documentName: 'SOP-001.pdf' });
    await budi.delivered();
    wa.documentsFail = false;
    expect(wa.sentTo(budi.jid).at(-1)?.content).toEqual({ text: `SOP Pengaduan: ${url}` });
  });
});
