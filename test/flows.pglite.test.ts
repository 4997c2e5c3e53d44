import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { openDatabase } from '../src/db/client.js';
import { createLinkCode } from '../src/db/link-codes.js';
import { addOfficial } from '../src/db/officials.js';
import { downloads } from '../src/db/schema.js';
import { testApp, testConfig } from './support/app.js';
import { Chat, TestChannel, texts } from './support/chat-driver.js';

/**
 * The smoke set on PGlite, what a newcomer runs on: one connection, so anything that queries
 * beside an open transaction would hang here first.
 */
let app: App;
const channel = new TestChannel();

beforeAll(async () => {
  const database = await openDatabase({});
  app = await testApp(database, testConfig(), { channels: [channel] });
  await addOfficial(database.db, { nip: '1', name: 'Staf', roleId: 'staf-pelaksana', unitId: 'ortala' });
});

afterAll(async () => {
  await app?.close();
  await app?.database.close();
});

describe('on the embedded database', () => {
  it('files a complaint from the chat and lets the official act on it', async () => {
    const staf = new Chat(app, channel, 'staf');
    const { code } = await createLinkCode(app.database.db, '1');
    expect(texts(await staf.send(`DAFTAR ${code}`))).toContain('Akun Anda tertaut');

    const chat = new Chat(app, channel);
    await chat.send('halo');
    await chat.press('Saran/Keluhan/Masukan');
    await chat.press('Saran');
    await chat.press('Lewati');
    await chat.send('Mohon jam layanan diperpanjang.');
    await chat.press('Lewati');
    await chat.send('Ani');
    await chat.send('ani@contoh.go.id');
    await chat.press('Setuju');
    await chat.press('Tidak perlu');
    const receipt = texts(await chat.press('Kirim'));
    expect(receipt).toMatch(/SMS-\d{4}-000001/);

    await staf.settle();
    await staf.press('Perlu revisi');
    expect(texts(await staf.sendFile('nota.docx'))).toContain('Tercatat');
  });

  it('offers a published document and records its download in the buku tamu', async () => {
    const doc = await app.documents.add({
      number: 'SOP-46',
      title: 'SIPUT SMS',
      synopsis: 'Publikasi tata laksana dan saran masukan.',
      fileName: 'sop-46.pdf',
      bytes: new TextEncoder().encode('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'),
    });
    await app.documents.publish(doc.id);
    const chat = new Chat(app, channel);
    await chat.send('halo');
    await chat.press('Dokumen');
    await chat.press('SOP-46');
    expect(chat.last().text).toContain('Publikasi tata laksana');
    await chat.press('Unduh');
    await chat.send('Ani');
    await chat.send('ani@contoh.go.id');
    await chat.press('Setuju');
    const link = chat.received.find((m) => m.document);
    expect(link?.document?.url).toMatch(/\/unduh\//);
    const rows = await app.database.db.select().from(downloads);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.channel).toBe('test');
  });
});
