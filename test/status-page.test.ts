import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { cases } from '../src/db/schema.js';
import { buildWeb } from '../src/web/server.js';
import { testApp, testConfig } from './support/app.js';
import { TestChannel } from './support/chat-driver.js';
import { act, addSmsOfficials, fileComplaint } from './support/complaints.js';
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

  it('needs no console session and is not under /admin', () => {
    const route = web.siputRoutes.find((r) => r.url === '/status/:ticket');
    expect(route).toBeDefined();
  });
});
