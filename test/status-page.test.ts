import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { cases, units } from '../src/db/schema.js';
import { setUnitLogo } from '../src/files/index.js';
import { buildWeb } from '../src/web/server.js';
import { testApp, testConfig } from './support/app.js';
import { TestChannel, texts } from './support/chat-driver.js';
import { act, addSmsOfficials, closeWithOutcome, fileComplaint } from './support/complaints.js';
import { PNG } from './support/files.js';
import { freshDatabase } from './support/postgres.js';

let database: Database;
let app: App;
let web: FastifyInstance;
const channel = new TestChannel();
let officials: Awaited<ReturnType<typeof addSmsOfficials>>;

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, testConfig({ PUBLIC_URL: 'https://siput.contoh.go.id' }), { channels: [channel] });
  web = await buildWeb(app);
  await web.ready();
  officials = await addSmsOfficials(app, channel, '19800101200501700');
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

describe('the public status page', () => {
  it('is linked from the receipt with a per-ticket secret, and shows the stage and the updates without anyone’s personal data', async () => {
    const { ticket, receipt } = await fileComplaint(app, channel, { name: 'Yusuf Maulana' });
    const link = /https:\/\/siput\.contoh\.go\.id(\/status\/[^\s]+)/.exec(receipt)?.[1];
    expect(link, receipt).toBeDefined();
    const [row] = await database.db.select().from(cases).where(eq(cases.ticket, ticket));
    expect(row?.statusSecret).toMatch(/^[\w-]{22}$/);
    expect(link).toBe(`/status/${ticket}?k=${row?.statusSecret}`);

    const page = await web.inject({ method: 'GET', url: link as string });
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.body).toContain(ticket);
    expect(page.body).toContain('Sedang diverifikasi dan dianalisis petugas');
    expect(page.body).toContain('Tiket diterima');
    for (const personal of ['Yusuf', 'budi@contoh.go.id', '+62812', 'Pejabat', 'staf-pelaksana']) {
      expect(page.body).not.toContain(personal);
    }

    const staf = officials.chats['staf-pelaksana'];
    await act(staf, ticket, 'Perlu revisi');
    await staf.sendFile('nota-dinas.pdf');
    await act(officials.chats['kasubag-tl'], ticket, 'nota dinas');
    const later = await web.inject({ method: 'GET', url: `${link}&lang=en` });
    expect(later.body).toContain('— Follow-up recommendation under review by the Head of Division');
    expect(later.body).toContain('Ticket received');
    expect(later.body).not.toContain('Pejabat');
  });

  it('names a closed case’s outcome in the reader’s language', async () => {
    const { ticket } = await fileComplaint(app, channel, { name: 'Sekar Ayu' });
    await database.db
      .update(cases)
      .set({ status: 'closed', outcome: 'tidak-dilengkapi', openInstanceId: null })
      .where(eq(cases.ticket, ticket));
    const [row] = await database.db.select().from(cases).where(eq(cases.ticket, ticket));
    const link = `/status/${ticket}?k=${row?.statusSecret}`;
    expect((await web.inject({ method: 'GET', url: link })).body).toContain(
      'Selesai ditindaklanjuti (tidak dilengkapi)',
    );
    expect((await web.inject({ method: 'GET', url: `${link}&lang=en` })).body).toContain(
      'Completed (not completed: the reporter did not send what was asked)',
    );
  });

  it('reveals nothing without the right secret: an unknown ticket and a wrong secret read the same', async () => {
    const { ticket } = await fileComplaint(app, channel, { name: 'Nur Aini' });
    const [row] = await database.db.select().from(cases).where(eq(cases.ticket, ticket));
    const secret = row?.statusSecret ?? '';
    const wrong = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    const attempts = [
      `/status/${ticket}`,
      `/status/${ticket}?k=`,
      `/status/${ticket}?k=${wrong}`,
      `/status/${ticket}?k=${'x'.repeat(22)}`,
      `/status/SMS-2026-999999?k=${secret}`,
      `/status/${ticket.toLowerCase()}?k=${wrong}`,
      `/status/..%2Fadmin?k=${secret}`,
    ];
    const bodies = new Set<string>();
    for (const url of attempts) {
      const res = await web.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.body).not.toContain(ticket);
      expect(res.body).not.toContain('diverifikasi');
      bodies.add(res.body);
    }
    expect(bodies.size).toBe(1);
    const right = await web.inject({ method: 'GET', url: `/status/${ticket}?k=${secret}` });
    expect(right.statusCode).toBe(200);
  });

  it('carries the unit’s name, logo and contact and a way to the chat, and lists what the chat’s status answer lists', async () => {
    await setUnitLogo(database.db, app.config.DATA_DIR, 'ortala', { name: 'logo.png', bytes: PNG });
    const letterhead = { parent: 'Pemerintah Provinsi Riau', address: 'Jl. Gajah Mada 200, Pekanbaru' };
    const signer = { place: 'Pekanbaru', signerName: 'Budi', signerNip: '1', signerPosition: 'Kepala Bagian' };
    await database.db
      .update(units)
      .set({ letterhead: { ...letterhead, ...signer, contact: 'Telepon (0761) 45505 · ortala@riau.go.id' } })
      .where(eq(units.id, 'ortala'));
    const { chat, ticket, receipt } = await fileComplaint(app, channel, { name: 'Siti Aminah' });
    await closeWithOutcome(officials.chats, ticket, 'Tautan unduhan sudah diperbaiki.');
    const link = /https:\/\/siput\.contoh\.go\.id(\/status\/[^\s]+)/.exec(receipt)?.[1] as string;
    const page = (await web.inject({ method: 'GET', url: link })).body;
    expect(page).toContain('<span class="unit-name">Bagian Organisasi dan Tata Laksana</span>');
    expect(page).toContain(
      'Kontak Bagian Organisasi dan Tata Laksana: Jl. Gajah Mada 200, Pekanbaru · Telepon (0761) 45505 · ortala@riau.go.id',
    );
    expect(page).toContain('<a href="/chat">percakapan SIPUT</a>');
    const logoUrl = /<img src="([^"]+)" alt="Logo Bagian Organisasi dan Tata Laksana"/.exec(page)?.[1] as string;
    const logo = await web.inject({ method: 'GET', url: logoUrl });
    expect(logo.headers['content-type']).toBe('image/png');
    expect(logo.rawPayload.equals(PNG)).toBe(true);

    // The history, entry by entry (date, stage, tindak lanjut) and the documents, as the chat tells them.
    const answer = texts(await chat.send(`STATUS ${ticket}`));
    const fromChat = [...answer.matchAll(/^• ([^:\n]+ WIB): (.+)(?:\n {2}Tindak lanjut: (.+))?$/gm)].map(
      (m) => `${m[1]} | ${m[2]} | ${m[3] ?? ''}`,
    );
    const plain = (text: string) => text.replaceAll('&amp;', '&').replaceAll('&#39;', "'").replaceAll('&quot;', '"');
    const fromPage = [
      ...page.matchAll(
        /<li><time[^>]*>([^<]+)<\/time> — ([^<]+)(?:<br><span class="tl">Tindak lanjut: ([^<]+)<\/span>)?<\/li>/g,
      ),
    ].map((m) => plain(`${m[1]} | ${m[2]} | ${m[3] ?? ''}`));
    expect(fromChat.length).toBeGreaterThanOrEqual(3);
    expect(fromChat.some((e) => e.endsWith('| Tautan unduhan sudah diperbaiki.'))).toBe(true);
    expect(fromPage).toEqual(fromChat);
    const documentsInChat = [...answer.matchAll(/^• ([^:\n]+): https?:\/\/\S+\/berkas\//gm)].map((m) => m[1]);
    const documentsOnPage = [...page.matchAll(/<li><a href="[^"]*\/berkas\/[^"]*">([^<]+)<\/a><\/li>/g)].map(
      (m) => m[1],
    );
    expect(documentsInChat.length).toBeGreaterThan(0);
    expect(documentsOnPage).toEqual(documentsInChat);
  });

  it('needs no console session and is not under /admin', () => {
    const route = web.siputRoutes.find((r) => r.url === '/status/:ticket');
    expect(route).toBeDefined();
  });
});
