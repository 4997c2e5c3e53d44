import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Database } from '../../src/db/client.js';
import { createLinkCode } from '../../src/db/link-codes.js';
import { addOfficial } from '../../src/db/officials.js';
import { units } from '../../src/db/schema.js';
import { CHAT_COOKIE } from '../../src/web/chat-session.js';
import { buildWeb } from '../../src/web/server.js';
import { testApp, testConfig } from '../support/app.js';
import { seriousViolations } from '../support/axe.js';
import { launchChromium } from '../support/browser.js';
import { PDF } from '../support/files.js';
import { freshDatabase } from '../support/postgres.js';

const SCREENSHOTS = fileURLToPath(new URL('../../artifacts/screenshots/', import.meta.url));
/** A common small phone: the page must work at this width. */
const PHONE = { width: 360, height: 740 };

const config = testConfig();
let database: Database;
let app: App;
let web: FastifyInstance;
let browser: Browser;
let base: string;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  database = await freshDatabase();
  app = await testApp(database, config);
  web = await buildWeb(app);
  await web.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(web.server.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await app?.close();
  await database?.close();
});

/** A fresh browser (own cookies: own chat) on the chat page, once its live feed and welcome menu are there. */
async function openChat(): Promise<Page> {
  const context = await browser.newContext({ viewport: PHONE, locale: 'id-ID' });
  const page = await context.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(`${base}/chat`);
  await page.locator('#connection[data-state="connected"]').waitFor();
  await heard(page, 'Silakan pilih menu');
  await accessible(page);
  return page;
}

/** axe-core finds nothing serious or critical on the page as it is now. */
async function accessible(page: Page): Promise<void> {
  expect(await seriousViolations(page)).toBe('');
}

async function say(page: Page, text: string): Promise<void> {
  await page.locator('#text').fill(text);
  await page.keyboard.press('Enter');
}

/** Waits for a message from the service containing `text`; returns its full text. */
async function heard(page: Page, text: string | RegExp, timeout = 15_000): Promise<string> {
  const message = page.locator('.msg-out', { hasText: text }).last();
  try {
    await message.waitFor({ timeout });
  } catch (err) {
    // What the page showed instead is the first thing to look at when this fails in CI.
    await shot(page, `failed-waiting-${String(text).replace(/\W+/g, '-').slice(0, 40)}`);
    throw err;
  }
  return (await message.textContent()) ?? '';
}

/** Presses the enabled button containing `label` on the latest message offering it. */
async function press(page: Page, label: string | RegExp): Promise<void> {
  const button = page.locator('.choices button:not([disabled])', { hasText: label }).last();
  await button.waitFor();
  await button.click();
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png` });
}

async function addressOf(page: Page): Promise<string> {
  const cookie = (await page.context().cookies()).find((c) => c.name === CHAT_COOKIE);
  return cookie?.value.split('.')[0] ?? '';
}

describe('the web chat page', () => {
  it('opens with the unit’s name, its logo and the menu as buttons, before anything is typed', async () => {
    const [unit] = await database.db.select({ name: units.name }).from(units).where(eq(units.id, config.DEFAULT_UNIT));
    const page = await openChat();
    expect(await page.locator('h1').textContent()).toBe(unit?.name);
    expect(await page.title()).toContain(unit?.name ?? '-');
    const logo = page.locator('header img.logo');
    expect(await logo.isVisible()).toBe(true);
    expect(await logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    for (const item of ['Dokumen', 'Saran/Keluhan/Masukan', 'Cek Status', 'Bantuan']) {
      expect(await page.getByRole('button', { name: item, exact: true }).isVisible()).toBe(true);
    }
    // Nothing was typed: the menu came with the page, and a reload does not greet twice.
    expect(await page.locator('.msg-in').count()).toBe(0);
    await page.reload();
    await page.locator('#connection[data-state="connected"]').waitFor();
    await heard(page, 'Silakan pilih menu');
    await page.waitForTimeout(300);
    expect(await page.locator('.msg-out').count()).toBe(1);
    await shot(page, 'chat-first-screen');
    await page.context().close();
  });

  it('shows what is typed, answers live, and closes a keyboard once a button is pressed', async () => {
    const page = await openChat();
    await say(page, 'halo');
    await page.locator('.msg-in', { hasText: 'halo' }).waitFor();
    // The menu is already there: a greeting is answered with the welcome and its menu again.
    await page.locator('.msg-out', { hasText: 'Selamat datang di SIPUT' }).nth(1).waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('text');

    const keyboard = page.locator('.msg-out .choices').last();
    const status = keyboard.locator('button', { hasText: 'Cek Status' });
    await status.click();
    await page.locator('.msg-in', { hasText: 'Cek Status' }).waitFor();
    expect(await status.getAttribute('aria-pressed')).toBe('true');
    for (const button of await keyboard.locator('button').all()) expect(await button.isDisabled()).toBe(true);
    await heard(page, /nomor tiket/i);
    await accessible(page);
    await shot(page, 'chat-menu-and-choice');
    await page.context().close();
  });

  it('shows a message the web channel sends to this chat at once, and not in another chat', async () => {
    const [mine, other] = [await openChat(), await openChat()];
    await app.channels.get('web')?.send({
      id: 'live-1',
      address: await addressOf(mine),
      text: 'Pesan langsung\nbaris kedua: https://contoh.go.id/a.',
      choices: [],
      document: { url: `${base}/unduh/x?e=1&s=y`, name: 'sop.pdf' },
    });
    const text = await heard(mine, 'Pesan langsung');
    expect(text).toContain('baris kedua');
    expect(await mine.locator('.msg-out a[href="https://contoh.go.id/a"]').count()).toBe(1);
    expect(await mine.locator('.msg-out a.document', { hasText: 'sop.pdf' }).count()).toBe(1);
    await other.waitForTimeout(300);
    expect(await other.locator('.msg-out', { hasText: 'Pesan langsung' }).count()).toBe(0);
    await shot(mine, 'chat-live-message');
    await Promise.all([mine.context().close(), other.context().close()]);
  });

  it('labels its own controls in English once the conversation switches to English', async () => {
    const page = await openChat();
    await say(page, 'halo');
    await press(page, 'English');
    await page.locator('#send', { hasText: 'Send' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.getAttribute('#text', 'placeholder')).toBe('Write a message…');
    await accessible(page);
    await shot(page, 'chat-english');
    await page.context().close();
  });

  it('keeps the conversation across a reload', async () => {
    const page = await openChat();
    await say(page, 'menu');
    await heard(page, 'Silakan pilih menu');
    await page.reload();
    await page.locator('#connection[data-state="connected"]').waitFor();
    await page.locator('.msg-in', { hasText: 'menu' }).waitFor();
    await heard(page, 'Silakan pilih menu');
    await page.context().close();
  });
});

describe('a complaint across three browsers', () => {
  it('is filed by a stakeholder, acted on by two officials, and the stakeholder sees the update', async () => {
    const roles = ['karo-pok', 'kabag-ortala', 'kasubag-tl', 'staf-pelaksana'] as const;
    const nips: Record<string, string> = {};
    let superior: string | undefined;
    for (const [i, role] of roles.entries()) {
      const nip = `19800101200501200${i}`;
      await addOfficial(database.db, {
        nip,
        name: `Pejabat ${role}`,
        roleId: role,
        unitId: 'ortala',
        superiorNip: superior,
      });
      nips[role] = nip;
      superior = nip;
    }
    const officials: Record<string, Page> = {};
    for (const role of roles) {
      const page = await openChat();
      const { code } = await createLinkCode(database.db, nips[role] ?? '');
      await say(page, `DAFTAR ${code}`);
      await heard(page, 'Akun Anda tertaut');
      officials[role] = page;
    }
    const staf = officials['staf-pelaksana'] as Page;
    const kasubag = officials['kasubag-tl'] as Page;
    await shot(staf, 'official-linked');

    const citizen = await openChat();
    await say(citizen, 'halo');
    await heard(citizen, 'Silakan pilih menu');
    await say(citizen, '2');
    await heard(citizen, 'Apa yang ingin Anda sampaikan');
    await press(citizen, 'Keluhan');
    await heard(citizen, 'Tentang dokumen atau layanan apa');
    await say(citizen, 'Lewati');
    await heard(citizen, 'Silakan tuliskan keluhan Anda');
    await say(citizen, 'Dokumen SOP pelayanan tidak dapat diunduh dari situs.\nSudah dicoba dua kali.');
    await press(citizen, 'Lewati');
    await heard(citizen, 'nama lengkap');
    await say(citizen, 'Budi Santoso');
    await heard(citizen, /email|telepon/i);
    await say(citizen, '0812 3456 7890, budi@contoh.go.id');
    await heard(citizen, 'UU No. 27 Tahun 2022');
    await press(citizen, /^Setuju/);
    await heard(citizen, 'dirahasiakan');
    await press(citizen, 'Tidak perlu');
    await heard(citizen, 'Jenis: Keluhan');
    // One "Kirim" on the screen: the summary's; the composer's send button is an icon.
    expect(await citizen.getByText('Kirim', { exact: true }).filter({ visible: true }).count()).toBe(1);
    await accessible(citizen);
    await shot(citizen, 'stakeholder-summary');
    await press(citizen, 'Kirim');
    const receipt = await heard(citizen, /SMS-\d{4}-\d{6}/);
    const ticket = /SMS-\d{4}-\d{6}/.exec(receipt)?.[0] ?? '';
    // The ticket stands out and stays on one line, even at phone width.
    const marked = citizen.locator('.msg-out .ticket', { hasText: ticket }).last();
    expect(await marked.evaluate((el) => getComputedStyle(el).whiteSpace)).toBe('nowrap');
    expect(await marked.evaluate((el) => getComputedStyle(el).fontWeight)).toBe('700');
    expect(await marked.evaluate((el) => el.getClientRects().length)).toBe(1);
    await accessible(citizen);
    await shot(citizen, 'stakeholder-receipt');

    const task = await heard(staf, ticket, 20_000);
    expect(task).toContain('Dokumen SOP pelayanan tidak dapat diunduh');
    await accessible(staf);
    await press(staf, 'Perlu revisi');
    await heard(staf, /lampiran/i);
    await staf.locator('#file').setInputFiles({ name: 'nota-dinas.pdf', mimeType: 'application/pdf', buffer: PDF });
    // Enter at once: a message sent while its file is still uploading waits for the upload.
    await staf.keyboard.press('Enter');
    await staf.locator('.msg-in', { hasText: 'nota-dinas.pdf' }).waitFor();
    await heard(staf, 'Tercatat');
    await shot(staf, 'official-acted');

    await heard(kasubag, ticket, 20_000);
    await press(kasubag, 'nota dinas');
    await shot(kasubag, 'official-forwarded');

    // Step 6 is one the SOP tells the stakeholder about.
    const update = await heard(citizen, new RegExp(`${ticket}.*Kepala Bagian`), 20_000);
    expect(update).toContain(ticket);
    await shot(citizen, 'stakeholder-update');

    // "Percakapan baru" clears the screen but not who the reporter is: the ticket is still theirs.
    await citizen.locator('#reset').click();
    await citizen.locator('.msg-out', { hasText: ticket }).first().waitFor({ state: 'detached' });
    await heard(citizen, 'Silakan pilih menu');
    await press(citizen, 'Cek Status');
    await press(citizen, ticket);
    expect(await heard(citizen, `Tiket ${ticket}`)).toContain('Riwayat');
    await accessible(citizen);
    for (const page of [citizen, ...Object.values(officials)]) await page.context().close();
  }, 240_000);
});
