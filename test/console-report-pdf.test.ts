import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { addOfficial } from '../src/db/officials.js';
import { auditLog, units } from '../src/db/schema.js';
import { buildWeb } from '../src/web/server.js';
import { testApp, testConfig } from './support/app.js';
import { signIn } from './support/console.js';
import { PNG, TEXT } from './support/files.js';
import { multipartForm } from './support/multipart.js';
import { pdfPages } from './support/pdf-text.js';
import { freshDatabase } from './support/postgres.js';
import { seedCases } from './support/seed-cases.js';

const ZONE = 'Asia/Jakarta';
const wib = (local: string) => DateTime.fromISO(local, { zone: ZONE }).toJSDate();

let database: Database;
let app: App;
let web: FastifyInstance;
let admin: { cookie: string; csrf: string };

const LETTERHEAD = {
  parent: 'Kementerian Contoh Republik Indonesia',
  address: 'Jalan Medan Merdeka Barat No. 7, Jakarta Pusat 10110',
  contact: 'Telepon (021) 3456789 · ortala@contoh.go.id',
  place: 'Jakarta',
  signerName: 'Dra. Sri Wahyuni, M.Si.',
  signerNip: '19700203 199503 2 001',
  signerPosition: 'Kepala Bagian Organisasi dan Tata Laksana',
};
const OFFICIALS = 45;

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, testConfig(), { workers: false });
  web = await buildWeb(app);
  await web.ready();
  admin = await signIn(app, web, 'kop');
  // Enough officials holding August's cases that the report runs over several pages.
  const holders: string[] = [];
  for (let i = 1; i <= OFFICIALS; i++) {
    holders.push(
      await addOfficial(database.db, {
        nip: `19800101200501${String(1000 + i)}`,
        name: `Pelaksana Nomor ${i}`,
        roleId: 'staf-pelaksana',
        unitId: 'ortala',
      }),
    );
  }
  await seedCases(
    database.db,
    holders.map((assigneeId, i) => ({
      ticket: `SMS-2026-${String(i + 1).padStart(6, '0')}`,
      openedAt: wib(`2026-08-${String((i % 20) + 1).padStart(2, '0')}T09:00`),
      assigneeId,
      stepId: '4',
    })),
  );
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

const LETTERHEAD_URL = '/admin/people/units/ortala/letterhead';

function saveLetterhead(fields: Record<string, string>, logo?: { name: string; bytes: Buffer; type?: string }) {
  const form = multipartForm({ _csrf: admin.csrf, ...fields }, logo ? { ...logo, field: 'logo' } : undefined);
  return web.inject({
    method: 'POST',
    url: LETTERHEAD_URL,
    headers: { ...form.headers, cookie: admin.cookie },
    payload: form.payload,
  });
}

const unitRow = async () => (await database.db.select().from(units).where(eq(units.id, 'ortala')))[0];

describe('the unit’s letterhead, set in the console', () => {
  it('is linked from the unit’s page', async () => {
    const res = await web.inject({
      method: 'GET',
      url: '/admin/people/units/ortala',
      headers: { cookie: admin.cookie },
    });
    expect(res.body).toContain(`href="${LETTERHEAD_URL}"`);
  });

  it('refuses a NIP that is not 18 digits, and a logo that is not a picture, keeping what was typed', async () => {
    const nip = await saveLetterhead({ ...LETTERHEAD, signerNip: '12345' });
    expect(nip.statusCode).toBe(400);
    expect(nip.body).toContain('NIP terdiri atas 18 angka.');
    expect(nip.body).toContain('value="Dra. Sri Wahyuni, M.Si."');
    const logo = await saveLetterhead(LETTERHEAD, { name: 'logo.png', bytes: TEXT, type: 'image/png' });
    expect(logo.statusCode).toBe(415);
    expect(logo.body).toContain('Jenis berkas ini tidak diterima');
    expect((await unitRow())?.letterhead).toBeNull();
  });

  it('refuses an upload without the form’s CSRF token', async () => {
    const form = multipartForm(LETTERHEAD, { name: 'logo.png', bytes: PNG, field: 'logo' });
    const res = await web.inject({
      method: 'POST',
      url: LETTERHEAD_URL,
      headers: { ...form.headers, cookie: admin.cookie },
      payload: form.payload,
    });
    expect(res.statusCode).toBe(403);
    expect((await unitRow())?.logo).toBeNull();
  });

  it('stores the kop, the signing official and the logo, audited; the logo is served by its version', async () => {
    const res = await saveLetterhead(LETTERHEAD, { name: 'logo-kementerian.png', bytes: PNG, type: 'image/png' });
    expect(res.statusCode).toBe(303);
    const row = await unitRow();
    expect(row?.letterhead).toMatchObject({ ...LETTERHEAD, signerNip: '197002031995032001' });
    expect(row?.logo?.mime).toBe('image/png');
    const [entry] = await database.db.select().from(auditLog).where(eq(auditLog.action, 'unit.letterhead'));
    expect(entry?.actor).toBe('admin:kop');
    const log = await web.inject({
      method: 'GET',
      url: '/admin/audit?action=unit.letterhead',
      headers: { cookie: admin.cookie },
    });
    expect(log.body).toContain('Mengubah kop surat dan penandatangan unit');
    const page = await web.inject({ method: 'GET', url: LETTERHEAD_URL, headers: { cookie: admin.cookie } });
    const src = /<img class="unit-logo" src="([^"]+)"/.exec(page.body)?.[1]?.replace(/&amp;/g, '&');
    expect(src).toMatch(/^\/logo\/ortala\?v=[0-9a-f]{16}$/);
    const logo = await web.inject({ method: 'GET', url: src ?? '' });
    expect(logo.statusCode).toBe(200);
    expect(logo.headers['content-type']).toBe('image/png');
    expect(logo.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(logo.rawPayload.equals(PNG)).toBe(true);
  });

  it('is for admins only: a pimpinan may not read or change it', async () => {
    const pimpinan = await signIn(app, web, 'pimpinan-kop', 'pimpinan');
    const res = await web.inject({ method: 'GET', url: LETTERHEAD_URL, headers: { cookie: pimpinan.cookie } });
    expect(res.statusCode).toBe(403);
  });
});

describe('the report as a PDF', () => {
  it('is an official document: kop, title, period, every page numbered, and the signature block', async () => {
    const res = await web.inject({
      method: 'GET',
      url: '/admin/reports/export.pdf?period=month&year=2026&month=8',
      headers: { cookie: admin.cookie },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="laporan-period-month-year-2026-month-8.pdf"',
    );
    const pages = await pdfPages(res.rawPayload);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    const [first] = pages;
    // The kop: the logo, the parent body, the unit's name, the address and contact.
    expect(first?.images).toBe(1);
    expect(first?.text).toContain('KEMENTERIAN CONTOH REPUBLIK INDONESIA');
    expect(first?.text).toContain('BAGIAN ORGANISASI DAN TATA LAKSANA');
    expect(first?.text).toContain('Jalan Medan Merdeka Barat No. 7, Jakarta Pusat 10110');
    expect(first?.text).toContain('ortala@contoh.go.id');
    // The title and the period.
    expect(first?.text).toContain('LAPORAN BULANAN PENANGANAN TIKET');
    expect(first?.text).toContain('Periode Agustus 2026 (1 Agu 2026 s.d. 31 Agu 2026)');
    // The figures: every official holding a case, over the pages.
    const all = pages.map((p) => p.text).join('\n');
    for (const n of [1, 23, OFFICIALS]) expect(all).toContain(`Pelaksana Nomor ${n}`);
    // Every page says which of how many it is.
    pages.forEach((page, i) => {
      expect(page.text).toContain(`Halaman ${i + 1} dari ${pages.length}`);
    });
    // The signature block closes the last page: place and date, jabatan, name, NIP.
    const last = pages.at(-1)?.text ?? '';
    expect(last).toMatch(/Jakarta, \d{1,2} [A-Z][a-z]{2} \d{4}/);
    expect(last).toContain('Kepala Bagian Organisasi dan Tata Laksana');
    expect(last).toContain('Dra. Sri Wahyuni, M.Si.');
    expect(last).toContain('NIP 197002031995032001');
    expect(last.indexOf('Jakarta,')).toBeLessThan(last.indexOf('NIP 197002031995032001'));
  });

  it('follows the chosen period and language', async () => {
    const res = await web.inject({
      method: 'GET',
      url: '/admin/reports/export.pdf?period=semester&year=2026&semester=2',
      headers: { cookie: `${admin.cookie}; siput_lang=en` },
    });
    const pages = await pdfPages(res.rawPayload);
    expect(pages[0]?.text).toContain('SEMESTER TICKET HANDLING REPORT');
    expect(pages[0]?.text).toContain('Period Semester II 2026 (1 Jul 2026 to 31 Dec 2026)');
    pages.forEach((page, i) => {
      expect(page.text).toContain(`Page ${i + 1} of ${pages.length}`);
    });
  });

  it('leaves lines to sign by hand when the unit has no signing official yet, and no logo', async () => {
    await web.inject({
      method: 'POST',
      url: `${LETTERHEAD_URL}/logo/remove`,
      headers: { cookie: admin.cookie },
      payload: { _csrf: admin.csrf },
    });
    await saveLetterhead({ parent: LETTERHEAD.parent });
    const res = await web.inject({
      method: 'GET',
      url: '/admin/reports/export.pdf?period=year&year=2026',
      headers: { cookie: admin.cookie },
    });
    const pages = await pdfPages(res.rawPayload);
    expect(pages[0]?.images).toBe(0);
    expect(pages[0]?.text).toContain('LAPORAN TAHUNAN PENANGANAN TIKET');
    expect(pages.at(-1)?.text).toMatch(/NIP \.{10,}/);
    const logo = await web.inject({ method: 'GET', url: '/logo/ortala' });
    expect(logo.statusCode).toBe(404);
  });

  it('is linked from the reports page', async () => {
    const res = await web.inject({
      method: 'GET',
      url: '/admin/reports?period=month&year=2026&month=8',
      headers: { cookie: admin.cookie },
    });
    expect(res.body).toContain('href="/admin/reports/export.pdf?period=month&amp;year=2026&amp;month=8"');
  });
});
