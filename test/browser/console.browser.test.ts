import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Database } from '../../src/db/client.js';
import { addAdminAccount } from '../../src/web/admin/accounts.js';
import { buildWeb } from '../../src/web/server.js';
import { testApp, testConfig } from '../support/app.js';
import { launchChromium } from '../support/browser.js';
import { TestChannel } from '../support/chat-driver.js';
import { act, addSmsOfficials, fileComplaint } from '../support/complaints.js';
import { freshDatabase } from '../support/postgres.js';

const SCREENSHOTS = fileURLToPath(new URL('../../artifacts/screenshots/', import.meta.url));
const PASSWORD = 'kata-sandi-konsol-123';

let database: Database;
let app: App;
let web: FastifyInstance;
let browser: Browser;
let base: string;
const channel = new TestChannel();
let officials: Awaited<ReturnType<typeof addSmsOfficials>>;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  database = await freshDatabase();
  app = await testApp(database, testConfig(), { channels: [channel] });
  web = await buildWeb(app);
  await web.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(web.server.address() as AddressInfo).port}`;
  officials = await addSmsOfficials(app, channel, '19800101200501900');
  await addAdminAccount(database.db, { username: 'biro', name: 'Admin Biro', password: PASSWORD, role: 'admin' });
  browser = await launchChromium();
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

async function signedIn(viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'id-ID' });
  const page = await context.newPage();
  await page.goto(`${base}/admin/tracking`);
  await page.locator('#username').fill('biro');
  await page.locator('#password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.waitForURL(/\/admin\/tracking/);
  return page;
}

/** The text of the table row holding the ticket. */
async function rowText(page: Page, ticket: string): Promise<string> {
  const row = page.locator('table.tracking tbody tr', { hasText: ticket });
  await row.waitFor();
  return (await row.textContent()) ?? '';
}

describe('the console in a browser', () => {
  it('shows a case filed in the chat in the tracking table, and its new stage once an official acts', async () => {
    const { ticket } = await fileComplaint(app, channel, { name: 'Budi Santoso' });
    const page = await signedIn();
    expect(await rowText(page, ticket)).toContain('Sedang diverifikasi dan dianalisis petugas');
    await shot(page, 'console-tracking-filed');

    const staf = officials.chats['staf-pelaksana'];
    await act(staf, ticket, 'Selesai dengan penjelasan');
    await staf.sendFile('ba-konfirmasi.pdf');
    await staf.sendFile('laporan-penyelesaian.docx');

    await page.reload();
    const after = await rowText(page, ticket);
    expect(after).toContain('Laporan penyelesaian menunggu pengesahan');
    expect(after).toContain('Pejabat kasubag-tl');
    await shot(page, 'console-tracking-acted');

    await page.getByRole('link', { name: ticket }).click();
    await page.waitForURL(new RegExp(`/admin/cases/${ticket}`));
    await page.getByRole('heading', { name: 'Perjalanan tiket' }).waitFor();
    expect(await page.locator('table.timeline tbody').textContent()).toContain('ba-konfirmasi.pdf');
    await shot(page, 'console-case-page');

    const phone = await signedIn({ width: 360, height: 740 });
    const phoneRow = await rowText(phone, ticket);
    // Ticket, status, holder and due time, without sideways scrolling; the filters one under another.
    expect(phoneRow).toContain('Laporan penyelesaian menunggu pengesahan');
    expect(phoneRow).toContain('Pejabat kasubag-tl');
    expect(phoneRow).toMatch(/\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}\.\d{2} WIB/);
    const widths = await phone.evaluate(() => {
      const wrap = document.querySelector('table.tracking')?.parentElement as HTMLElement;
      return {
        page: document.documentElement.scrollWidth,
        view: window.innerWidth,
        wrap: wrap.scrollWidth - wrap.clientWidth,
      };
    });
    expect(widths.page).toBeLessThanOrEqual(widths.view);
    expect(widths.wrap).toBe(0);
    const [search, sop] = await Promise.all(
      ['input[name="q"]', 'select[name="sop"]'].map((sel) => phone.locator(sel).boundingBox()),
    );
    expect(sop?.y ?? 0).toBeGreaterThan((search?.y ?? 0) + (search?.height ?? 0) - 1);
    await shot(phone, 'console-tracking-phone');
    await Promise.all([page.context().close(), phone.context().close()]);
  }, 60_000);

  it('draws the report’s charts with the chart library the app serves', async () => {
    const page = await signedIn();
    const now = new Date();
    await page.goto(`${base}/admin/reports?period=year&year=${now.getFullYear()}`);
    for (const id of ['chart-trend', 'chart-category', 'chart-channel', 'chart-on-time']) {
      await page.locator(`#${id}`).waitFor();
    }
    await page.waitForFunction(() => (window as unknown as { Chart?: unknown }).Chart !== undefined);
    // A drawn canvas differs from a blank one of the same size.
    const drawn = await page.evaluate(() =>
      ['chart-trend', 'chart-category', 'chart-channel', 'chart-on-time'].map((id) => {
        const canvas = document.getElementById(id) as HTMLCanvasElement;
        const blank = document.createElement('canvas');
        blank.width = canvas.width;
        blank.height = canvas.height;
        return canvas.width > 0 && canvas.toDataURL() !== blank.toDataURL();
      }),
    );
    expect(drawn).toEqual([true, true, true, true]);
    // Bars carry step names, not "siput-sms 4"; count axes step in whole numbers.
    const charts = await page.evaluate(() => {
      type Chart = { data: { labels: unknown[] }; scales: Record<string, { ticks: { value: number }[] }> };
      const of = (id: string) =>
        (window as unknown as { Chart: { getChart(c: HTMLElement): Chart } }).Chart.getChart(
          document.getElementById(id) as HTMLElement,
        );
      return {
        steps: of('chart-on-time').data.labels.map(String),
        trendTicks: of('chart-trend').scales.y?.ticks.map((t) => t.value) ?? [],
        channelTicks: of('chart-channel').scales.y?.ticks.map((t) => t.value) ?? [],
      };
    });
    expect(charts.steps).toContain('4. Melaksanakan verifikasi, klarifikasi dan…');
    expect(charts.steps.some((label) => /siput-sms/.test(label))).toBe(false);
    expect(charts.trendTicks.length).toBeGreaterThan(1);
    for (const tick of [...charts.trendTicks, ...charts.channelTicks]) expect(Number.isInteger(tick)).toBe(true);
    const scripts = await page.evaluate(() => [...document.scripts].map((s) => s.src).filter(Boolean));
    expect(scripts.every((src) => src.startsWith(base))).toBe(true);
    await shot(page, 'console-reports');

    await page.goto(`${base}/admin/reports/print?year=${now.getFullYear()}&month=${now.getMonth() + 1}`);
    await page.locator('#chart-trend').waitFor();
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header.top').isVisible()).toBe(false);
    await shot(page, 'console-report-print');
    await page.context().close();
  }, 60_000);
});
