import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Database } from '../../src/db/client.js';
import { createLinkCode } from '../../src/db/link-codes.js';
import { createLoginToken } from '../../src/db/official-login-tokens.js';
import { addOfficial } from '../../src/db/officials.js';
import { cases } from '../../src/db/schema.js';
import { addAdminAccount } from '../../src/web/admin/accounts.js';
import { buildWeb } from '../../src/web/server.js';
import { testApp, testConfig } from '../support/app.js';
import { launchChromium } from '../support/browser.js';
import { PASSWORD } from '../support/console.js';
import { PDF } from '../support/files.js';
import { freshDatabase } from '../support/postgres.js';

const SCREENSHOTS = fileURLToPath(new URL('../../artifacts/screenshots/', import.meta.url));
const DESKTOP = { width: 1280, height: 900 };

const config = testConfig();
let database: Database;
let app: App;
let web: FastifyInstance;
let browser: Browser;
let base: string;
let kabagId: string;
let usulan: string;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  database = await freshDatabase();
  app = await testApp(database, config);
  web = await buildWeb(app);
  await web.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(web.server.address() as AddressInfo).port}`;
  browser = await launchChromium();
  await addOfficial(database.db, {
    nip: '197001011995031001',
    name: 'Ibu Karo PO',
    roleId: 'karo-po',
    unitId: 'ortala',
  });
  kabagId = await addOfficial(database.db, {
    nip: '197501012000031002',
    name: 'Bapak Kabag Ortala',
    roleId: 'kabag-ortala',
    unitId: 'ortala',
    superiorNip: '197001011995031001',
  });
  await addAdminAccount(database.db, { username: 'biro', name: 'Admin Biro', password: PASSWORD, role: 'admin' });
  usulan = join(mkdtempSync(join(tmpdir(), 'siput-usulan-')), 'usulan-pedoman.pdf');
  writeFileSync(usulan, PDF);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await app?.close();
  await database?.close();
});

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}

describe('opening a case from the console form', () => {
  it('an official opens a pedoman-juklak case, another acts on it in the web chat, and the tracking table shows it', async () => {
    // The Karo PO has linked the web chat: step 1 is theirs.
    const karo = await (await browser.newContext({ viewport: { width: 390, height: 800 }, locale: 'id-ID' })).newPage();
    await karo.goto(`${base}/chat`);
    await karo.locator('#connection[data-state="connected"]').waitFor();
    const { code } = await createLinkCode(database.db, '197001011995031001');
    await karo.locator('#text').fill(`DAFTAR ${code}`);
    await karo.keyboard.press('Enter');
    await karo.locator('.msg-out', { hasText: 'Akun Anda tertaut' }).waitFor();

    // The Kabag Ortala signs in with the one-time link from their chat and opens the case.
    const kabag = await (await browser.newContext({ viewport: DESKTOP, locale: 'id-ID' })).newPage();
    const { token } = await createLoginToken(database.db, kabagId, new Date());
    await kabag.goto(`${base}/admin/masuk/${token}`);
    await kabag.locator('form button[type="submit"]').first().click();
    await kabag.waitForURL(/\/admin\/tasks/);
    await kabag.getByRole('link', { name: 'Kasus baru' }).click();
    await kabag.getByRole('link', { name: /Pedoman\/Petunjuk Pelaksanaan/ }).click();
    await kabag.getByLabel('Perihal').fill('Pedoman tata naskah dinas elektronik');
    await kabag.getByLabel('Uraian').fill('Usulan Biro Umum untuk pedoman TNDE.');
    await kabag.getByLabel('Berkas: Usulan unit organisasi + program kerja').setInputFiles(usulan);
    await shot(kabag, 'kasus-baru-form');
    await kabag.getByRole('button', { name: 'Buka kasus' }).click();
    const notice = kabag.locator('p.notice', { hasText: 'Kasus dibuka dengan tiket' });
    await notice.waitFor();
    const ticket = /PJK-\d{4}-\d{6}/.exec((await notice.textContent()) ?? '')?.[0] as string;
    expect(ticket).toBeTruthy();
    const [row] = await database.db.select().from(cases).where(eq(cases.ticket, ticket));
    expect(row).toMatchObject({
      initiatorId: kabagId,
      channel: 'console',
      subject: 'Pedoman tata naskah dinas elektronik',
    });

    // The Karo PO gets the step in the web chat and acts on it there.
    await karo.locator('.msg-out', { hasText: `Tugas baru — tiket ${ticket}` }).waitFor({ timeout: 20_000 });
    await karo.locator('.choices button:not([disabled])', { hasText: 'Beri arahan' }).last().click();
    await karo
      .locator('.msg-out', { hasText: `tiket ${ticket}` })
      .last()
      .waitFor();
    await karo.locator('.msg-out', { hasText: 'Tercatat' }).waitFor({ timeout: 20_000 });
    await shot(karo, 'kasus-baru-karo-chat');

    // The tracking table shows the case at its second step, the Kabag's own.
    const admin = await (await browser.newContext({ viewport: DESKTOP, locale: 'id-ID' })).newPage();
    await admin.goto(`${base}/admin/tracking`);
    await admin.locator('#username').fill('biro');
    await admin.locator('#password').fill(PASSWORD);
    await admin.getByRole('button', { name: 'Masuk' }).click();
    await admin.waitForURL(/\/admin\/tracking/);
    const line = admin.locator('table.tracking tbody tr', { hasText: ticket });
    await line.waitFor();
    const text = (await line.textContent()) ?? '';
    expect(text).toContain('Pedoman tata naskah dinas elektronik');
    expect(text).toContain('Koordinasi awal dengan unit terkait');
    expect(text).toContain('Bapak Kabag Ortala');
    await shot(admin, 'kasus-baru-pelacakan');
  }, 120_000);
});
