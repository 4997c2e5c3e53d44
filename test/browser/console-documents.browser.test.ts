import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Database } from '../../src/db/client.js';
import { downloads } from '../../src/db/schema.js';
import { addAdminAccount } from '../../src/web/admin/accounts.js';
import { buildWeb } from '../../src/web/server.js';
import { testApp, testConfig } from '../support/app.js';
import { launchChromium } from '../support/browser.js';
import { PDF } from '../support/files.js';
import { freshDatabase } from '../support/postgres.js';

const SCREENSHOTS = fileURLToPath(new URL('../../artifacts/screenshots/', import.meta.url));
const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 900 };
const PASSWORD = 'kata-sandi-konsol-123';

let database: Database;
let app: App;
let web: FastifyInstance;
let browser: Browser;
let base: string;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  database = await freshDatabase();
  // Download links are built from PUBLIC_URL, so the server's port is chosen before the app starts.
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  app = await testApp(database, testConfig({ PUBLIC_URL: base }));
  web = await buildWeb(app);
  await web.listen({ port, host: '127.0.0.1' });
  await addAdminAccount(database.db, { username: 'biro', name: 'Admin Biro', password: PASSWORD, role: 'admin' });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await app?.close();
  await database?.close();
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}

/** Waits for a message from the service containing `text`; returns its full text. */
async function heard(page: Page, text: string | RegExp): Promise<string> {
  const message = page.locator('.msg-out', { hasText: text }).last();
  try {
    await message.waitFor({ timeout: 15_000 });
  } catch (err) {
    await shot(page, `console-failed-${String(text).replace(/\W+/g, '-').slice(0, 40)}`);
    throw err;
  }
  return (await message.textContent()) ?? '';
}

async function press(page: Page, label: string | RegExp): Promise<void> {
  const button = page.locator('.choices button:not([disabled])', { hasText: label }).last();
  await button.waitFor();
  await button.click();
}

async function say(page: Page, text: string): Promise<void> {
  await page.locator('#text').fill(text);
  await page.keyboard.press('Enter');
}

describe('a document published in the console', () => {
  it('is offered in the web chat, downloads, and the buku tamu gains a row', async () => {
    const admin = await (await browser.newContext({ viewport: DESKTOP, locale: 'id-ID' })).newPage();
    await admin.goto(`${base}/admin/documents`);
    // Not signed in: the console sends the browser to the sign-in page and back.
    await admin.getByLabel('Nama pengguna').fill('biro');
    await admin.getByLabel('Kata sandi').fill(PASSWORD);
    await admin.getByRole('button', { name: 'Masuk' }).click();
    await admin.getByRole('heading', { name: 'Dokumen' }).waitFor();

    await admin.getByRole('link', { name: 'Unggah dokumen baru' }).click();
    await admin.getByLabel('Nomor dokumen').fill('SOP-ORTALA-007');
    await admin.getByLabel('Judul').fill('SOP Pelayanan Pengaduan Masyarakat');
    await admin.getByLabel('Tanggal revisi').fill('2026-01-15');
    await admin.getByLabel('Kategori').fill('SOP');
    await admin.getByLabel('Sinopsis').fill('Tata cara menerima, mencatat dan menindaklanjuti pengaduan masyarakat.');
    await admin
      .getByLabel(/^Berkas/)
      .setInputFiles({ name: 'sop-pengaduan.pdf', mimeType: 'application/pdf', buffer: PDF });
    await shot(admin, 'console-document-upload');
    await admin.getByRole('button', { name: 'Unggah' }).click();
    await admin.getByText('tersimpan, belum terbit').waitFor();
    await admin.getByRole('button', { name: /Terbitkan SOP-ORTALA-007/ }).click();
    await admin.getByText('kini terbit').waitFor();
    expect(await admin.locator('td.ok', { hasText: 'Terbit' }).count()).toBe(1);
    await shot(admin, 'console-document-published');

    const chatContext = await browser.newContext({ viewport: PHONE, locale: 'id-ID', acceptDownloads: true });
    const chat = await chatContext.newPage();
    await chat.goto(`${base}/chat`);
    await chat.locator('#connection[data-state="connected"]').waitFor();
    await say(chat, 'halo');
    await heard(chat, 'Silakan pilih menu');
    await press(chat, 'Dokumen');
    await heard(chat, 'Dokumen tata laksana');
    await press(chat, 'SOP-ORTALA-007');
    await heard(chat, 'Sinopsis: Tata cara menerima');
    await press(chat, 'Unduh');
    // Only what the buku tamu holds is asked (a name, one contact), and why.
    expect(await heard(chat, 'nama lengkap')).toContain('buku tamu');
    await say(chat, 'Siti Rahayu');
    expect(await heard(chat, /email|HP/i)).toContain('untuk buku tamu');
    await say(chat, 'siti@contoh.go.id');
    await heard(chat, 'UU No. 27 Tahun 2022');
    // Declining says why there is no link, and keeps the way back to agreeing.
    await press(chat, 'Tidak setuju');
    expect(await heard(chat, 'tautan unduhan belum dapat kami berikan')).toContain('buku tamu');
    await press(chat, /^Setuju/);
    await heard(chat, 'Silakan unduh');
    const named = 'SOP-ORTALA-007 SOP Pelayanan Pengaduan Masyarakat rev 0.pdf';
    const link = chat.locator('.msg-out a.document', { hasText: named }).last();
    await link.waitFor();
    await shot(chat, 'chat-document-offered');
    const [download] = await Promise.all([chat.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe(named);
    expect(await readFile((await download.path()) ?? '')).toEqual(PDF);

    expect(await database.db.select().from(downloads)).toHaveLength(1);
    await admin.getByRole('link', { name: 'Buku tamu' }).click();
    const row = admin.locator('tbody tr', { hasText: 'Siti Rahayu' });
    await row.waitFor();
    expect(await row.textContent()).toContain('SOP-ORTALA-007');
    expect(await row.textContent()).toContain('web');
    await shot(admin, 'console-guestbook');

    // The same pages at phone width, for the screenshots of the small screen.
    await admin.setViewportSize(PHONE);
    await admin.goto(`${base}/admin/documents`);
    await shot(admin, 'console-documents-phone');
    await Promise.all([admin.context().close(), chatContext.close()]);
  }, 120_000);
});
