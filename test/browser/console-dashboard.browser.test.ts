import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { inArray } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { recordAudit } from '../../src/db/audit.js';
import type { Database } from '../../src/db/client.js';
import { addOfficial } from '../../src/db/officials.js';
import { stepInstances, units } from '../../src/db/schema.js';
import { addAdminAccount } from '../../src/web/admin/accounts.js';
import { buildWeb } from '../../src/web/server.js';
import { testApp, testConfig } from '../support/app.js';
import { seriousViolations } from '../support/axe.js';
import { launchChromium } from '../support/browser.js';
import { freshDatabase } from '../support/postgres.js';
import { seedCases } from '../support/seed-cases.js';

const SCREENSHOTS = fileURLToPath(new URL('../../artifacts/screenshots/', import.meta.url));
const PASSWORD = 'kata-sandi-dasbor-123';
const ZONE = 'Asia/Jakarta';

let database: Database;
let app: App;
let web: FastifyInstance;
let browser: Browser;
let base: string;

const now = new Date();
const local = DateTime.fromJSDate(now, { zone: ZONE });
const dayStart = local.startOf('day');
const monthStart = local.startOf('month');
/** Half-way between the start of this month and now: "this month", whenever the test runs. */
const inThisMonth = new Date((monthStart.toMillis() + now.getTime()) / 2);
const inLastMonth = monthStart.minus({ days: 5 }).toJSDate();
const hour = 3_600_000;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  database = await freshDatabase();
  app = await testApp(database, testConfig());
  web = await buildWeb(app);
  await web.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(web.server.address() as AddressInfo).port}`;
  await database.db.insert(units).values({ id: 'humas', name: 'Bagian Hubungan Masyarakat', timeZone: ZONE });
  const staf = await addOfficial(database.db, {
    nip: '198001012005011777',
    name: 'Sri Wahyuni',
    roleId: 'staf-pelaksana',
    unitId: 'ortala',
  });
  const opened = local.minus({ days: 10 }).toJSDate();
  await seedCases(database.db, [
    // Due at the very start of today: due today, and already late.
    { ticket: 'SMS-2026-000101', openedAt: opened, assigneeId: staf, dueAt: dayStart.plus({ seconds: 1 }).toJSDate() },
    // Three days late, held by nobody.
    { ticket: 'SMS-2026-000102', openedAt: opened, assigneeId: null, dueAt: local.minus({ days: 3 }).toJSDate() },
    // Due at the end of today, not yet late, held by nobody.
    { ticket: 'SMS-2026-000103', openedAt: opened, assigneeId: null, dueAt: dayStart.endOf('day').toJSDate() },
    // Due in three days.
    { ticket: 'SMS-2026-000104', openedAt: opened, assigneeId: staf, dueAt: local.plus({ days: 3 }).toJSDate() },
    // Another SOP in another unit, a day late.
    {
      ticket: 'PJ-2026-000201',
      sopId: 'pedoman-juklak',
      unitId: 'humas',
      stepId: '1',
      openedAt: opened,
      assigneeId: staf,
      dueAt: local.minus({ days: 1 }).toJSDate(),
    },
  ]);
  // Steps done: this month 3 of 4 on time, last month 1 of 2.
  const done = await seedCases(
    database.db,
    [
      { at: inThisMonth, onTime: true },
      { at: inThisMonth, onTime: true },
      { at: inThisMonth, onTime: true },
      { at: inThisMonth, onTime: false },
      { at: inLastMonth, onTime: true },
      { at: inLastMonth, onTime: false },
    ].map((d, i) => ({
      ticket: `SMS-2026-00030${i}`,
      unitId: 'humas',
      openedAt: new Date(d.at.getTime() - 48 * hour),
      closedAt: d.at,
      dueAt: new Date(d.at.getTime() + (d.onTime ? hour : -hour)),
    })),
  );
  await database.db
    .update(stepInstances)
    .set({ workingMs: 4 * hour })
    .where(inArray(stepInstances.caseId, done));
  await addAdminAccount(database.db, { username: 'pimpinan', name: 'Kepala Biro', password: PASSWORD, role: 'admin' });
  await addAdminAccount(database.db, { username: 'tamu', name: 'Tamu Biro', password: PASSWORD, role: 'pimpinan' });
  await recordAudit(database.db, {
    actor: `official:${staf}`,
    action: 'console.official_sign_in',
    ip: '10.0.0.7',
  });
  await recordAudit(database.db, {
    actor: 'admin:pimpinan',
    action: 'unit.create',
    target: 'humas',
    details: { name: 'Bagian Hubungan Masyarakat' },
    ip: '10.0.0.8',
  });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await app?.close();
  await database?.close();
});

async function signedIn(username: string, path: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'id-ID' });
  const page = await context.newPage();
  await page.goto(`${base}${path}`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.waitForURL((url) => url.pathname === path);
  return page;
}

/** The cells of the row headed `name` in the table captioned `caption`, as text. */
async function rowOf(page: Page, caption: string, name: string): Promise<string[]> {
  const table = page.locator('table.dashboard', { has: page.locator('caption', { hasText: caption }) });
  const row = table.locator('tbody tr', { has: page.locator('th', { hasText: name }) });
  return (await row.locator('td').allTextContents()).map((s) => s.trim());
}

/** The tickets a tracking page lists. */
async function ticketsListed(page: Page): Promise<string[]> {
  const cells = await page.locator('table.tracking tbody tr td:nth-child(2)').allTextContents();
  return cells.map((s) => s.trim()).sort();
}

describe('the dashboard', () => {
  it('counts open, due today, late and unheld cases per SOP and per unit, and compares on-time shares', async () => {
    const page = await signedIn('pimpinan', '/admin');
    const cards = (await page.locator('ul.cards li').allTextContents()).map((s) => s.replace(/\s+/g, ' ').trim());
    expect(cards).toEqual([
      '5 Berjalan',
      '2 Jatuh tempo hari ini',
      '3 Terlambat',
      '0 Menunggu pelapor',
      '2 Tanpa pemegang',
    ]);

    expect(await rowOf(page, 'Per SOP', 'SIPUT SMS')).toEqual(['4', '2', '2', '0', '2']);
    expect(await rowOf(page, 'Per SOP', 'Pedoman/Petunjuk')).toEqual(['1', '0', '1', '0', '0']);
    expect(await rowOf(page, 'Per SOP', 'Fasilitasi Penyusunan')).toEqual(['0', '0', '0', '0', '0']);
    expect(await rowOf(page, 'Per unit', 'Organisasi dan Tata Laksana')).toEqual(['4', '2', '2', '0', '2']);
    expect(await rowOf(page, 'Per unit', 'Hubungan Masyarakat')).toEqual(['1', '0', '1', '0', '0']);

    const onTime = (await page.locator('section.on-time').textContent())?.replace(/\s+/g, ' ') ?? '';
    expect(onTime).toContain(`${monthStart.setLocale('id-ID').toFormat('LLLL yyyy')} 75% (3 dari 4 langkah)`);
    expect(onTime).toContain(
      `${monthStart.minus({ months: 1 }).setLocale('id-ID').toFormat('LLLL yyyy')} 50% (1 dari 2 langkah)`,
    );
    expect(onTime).toContain('Naik 25 poin dari bulan lalu.');
    expect(await seriousViolations(page)).toBe('');
    await page.screenshot({ path: `${SCREENSHOTS}console-dashboard.png`, fullPage: true });

    // Each count opens the tracking table on exactly its cases.
    const sopRow = page
      .locator('table.dashboard', { has: page.locator('caption', { hasText: 'Per SOP' }) })
      .locator('tbody tr', { has: page.locator('th', { hasText: 'SIPUT SMS' }) });
    await sopRow.locator('td').nth(2).getByRole('link').click();
    await page.waitForURL(/\/admin\/tracking\?sop=siput-sms&overdue=1/);
    expect(await ticketsListed(page)).toEqual(['SMS-2026-000101', 'SMS-2026-000102']);
    await page.goBack();
    await sopRow.locator('td').nth(1).getByRole('link').click();
    await page.waitForURL(/\/admin\/tracking\?sop=siput-sms&due=today/);
    expect(await ticketsListed(page)).toEqual(['SMS-2026-000101', 'SMS-2026-000103']);
    expect(await page.locator('input[name="due"]').isChecked()).toBe(true);
    await page.goBack();
    const unitRow = page
      .locator('table.dashboard', { has: page.locator('caption', { hasText: 'Per unit' }) })
      .locator('tbody tr', { has: page.locator('th', { hasText: 'Hubungan Masyarakat' }) });
    await unitRow.locator('td').nth(0).getByRole('link').click();
    await page.waitForURL(/\/admin\/tracking\?unit=humas&status=open/);
    expect(await ticketsListed(page)).toEqual(['PJ-2026-000201']);
    expect(await seriousViolations(page)).toBe('');
    await page.context().close();
  }, 60_000);

  it('speaks English after the language switch', async () => {
    const page = await signedIn('pimpinan', '/admin');
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(/\/admin$/);
    const cards = (await page.locator('ul.cards li').allTextContents()).map((s) => s.replace(/\s+/g, ' ').trim());
    expect(cards).toEqual(['5 Open', '2 Due today', '3 Late', '0 Waiting on the reporter', '2 No holder']);
    expect(await page.locator('section.on-time').textContent()).toContain('Up 25 points on last month.');
    await page.context().close();
  }, 60_000);
});

describe('the audit log page', () => {
  it('lists who did what and when, in people’s words, filters by action and exports CSV', async () => {
    const page = await signedIn('pimpinan', '/admin/audit');
    const rows = page.locator('table.audit tbody tr');
    const all = (await rows.allTextContents()).join('\n');
    // The sign-in just made, the seeded official's sign-in and the unit added.
    expect(all).toContain('Masuk ke konsol');
    expect(all).toContain('Kepala Biro (pimpinan)');
    expect(all).toContain('Sri Wahyuni');
    expect(all).toContain('Pejabat masuk lewat tautan chat');
    expect(all).toContain('Menambah unit');
    expect(all).toMatch(/\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}\.\d{2} WIB/);
    expect(await seriousViolations(page)).toBe('');

    await page.locator('select[name="action"]').selectOption({ label: 'Menambah unit' });
    await page.getByRole('button', { name: 'Terapkan' }).click();
    await page.waitForURL(/action=unit\.create/);
    const filtered = await rows.allTextContents();
    expect(filtered).toHaveLength(1);
    expect(filtered[0]).toContain('humas');
    expect(filtered[0]).toContain('name: Bagian Hubungan Masyarakat');
    await page.screenshot({ path: `${SCREENSHOTS}console-audit.png`, fullPage: true });

    const download = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Unduh CSV' }).click(),
    ]).then(([d]) => d);
    const csv = await download.createReadStream().then(async (stream) => {
      let text = '';
      for await (const chunk of stream) text += chunk.toString();
      return text;
    });
    const lines = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('Waktu,Siapa,Tindakan,Sasaran,Rincian,Alamat IP');
    expect(lines.slice(1)).toHaveLength(1);
    expect(lines[1]).toContain('Kepala Biro (pimpinan),Menambah unit,humas');
    await page.context().close();
  }, 60_000);

  it('is not open to a pimpinan account, which only reads cases and reports', async () => {
    const page = await signedIn('tamu', '/admin');
    expect(await page.getByRole('link', { name: 'Log audit' }).count()).toBe(0);
    const res = await page.goto(`${base}/admin/audit`);
    expect(res?.status()).toBe(403);
    await page.context().close();
  }, 60_000);
});
