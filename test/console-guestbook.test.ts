import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { auditLog, downloads, stakeholders } from '../src/db/schema.js';
import { buildWeb } from '../src/web/server.js';
import { testApp, testConfig } from './support/app.js';
import { signIn } from './support/console.js';
import { PDF } from './support/files.js';
import { freshDatabase } from './support/postgres.js';

let database: Database;
let app: App;
let web: FastifyInstance;
let cookie: string;
let pedoman: string;
let juklak: string;

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, testConfig());
  web = await buildWeb(app);
  await web.ready();
  ({ cookie } = await signIn(app, web, 'bukutamu'));
  const add = async (number: string, title: string) =>
    (await app.documents.add({ number, title, synopsis: 'Uji', fileName: `${number}.pdf`, bytes: PDF })).id;
  pedoman = await add('SOP-001', 'Pedoman Penyusunan');
  juklak = await add('SOP-002', 'Juklak Pengaduan');
  await database.db.insert(stakeholders).values([
    { id: 's-budi', name: 'Budi Santoso', email: 'budi@contoh.go.id', phone: '+6281234567890' },
    { id: 's-formula', name: '=HYPERLINK("http://jahat.example","klik")', email: null, phone: null },
  ]);
  await database.db.insert(downloads).values([
    { documentId: pedoman, stakeholderId: 's-budi', channel: 'web', at: new Date('2026-01-05T03:00:00Z') },
    { documentId: pedoman, stakeholderId: 's-formula', channel: 'telegram', at: new Date('2026-01-20T03:00:00Z') },
    { documentId: juklak, stakeholderId: 's-budi', channel: 'whatsapp', at: new Date('2026-02-01T16:30:00Z') },
    { documentId: juklak, stakeholderId: null, channel: 'web', at: new Date('2026-02-03T03:00:00Z') },
  ]);
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

const page = (query: string) => web.inject({ method: 'GET', url: `/admin/guestbook?${query}`, headers: { cookie } });
const rowsOf = (body: string) => (body.match(/<tr><td>/g) ?? []).length;

describe('the buku tamu', () => {
  it('lists every download with who took it, newest first', async () => {
    const res = await page('');
    expect(res.statusCode).toBe(200);
    expect(rowsOf(res.body)).toBe(4);
    expect(res.body).toContain('Budi Santoso');
    expect(res.body).toContain('budi@contoh.go.id');
    expect(res.body).toContain('Belum mengisi identitas');
    expect(res.body.indexOf('Juklak')).toBeLessThan(res.body.indexOf('Pedoman Penyusunan</td>'));
  });

  it('filters by document, channel and a date range read in WIB', async () => {
    expect(rowsOf((await page(`document=${juklak}`)).body)).toBe(2);
    expect(rowsOf((await page('channel=telegram')).body)).toBe(1);
    // 2026-02-01T16:30Z is 1 February 23:30 WIB: still 1 February, whatever UTC says.
    const first = await page('from=2026-01-21&to=2026-02-01');
    expect(rowsOf(first.body)).toBe(1);
    expect(first.body).toContain('whatsapp');
    expect(rowsOf((await page('from=2026-02-02')).body)).toBe(1);
    expect(rowsOf((await page('from=2026-01-01&to=2026-01-05')).body)).toBe(1);
  });

  it('exports the filtered rows as a CSV stream, a formula typed as a name kept as text, and audits it', async () => {
    const res = await web.inject({
      method: 'GET',
      url: `/admin/guestbook.csv?document=${pedoman}`,
      headers: { cookie },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="buku-tamu-\d{8}-\d{4}\.csv"$/);
    const lines = res.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('Waktu,Nomor dokumen,Revisi,Judul,Kanal,Nama,Email,HP');
    expect(lines[1]).toBe(
      `2026-01-05T10:00:00+07:00,SOP-001,0,Pedoman Penyusunan,web,Budi Santoso,budi@contoh.go.id,"'+6281234567890"`,
    );
    expect(lines[2]).toContain(`"'=HYPERLINK(""http://jahat.example"",""klik"")"`);
    const [logged] = await database.db.select().from(auditLog).where(eq(auditLog.action, 'guestbook.export'));
    expect(logged?.details).toMatchObject({ document: pedoman });
  });
});
