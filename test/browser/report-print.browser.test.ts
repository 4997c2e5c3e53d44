import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Database } from '../../src/db/client.js';
import { addOfficial } from '../../src/db/officials.js';
import { units } from '../../src/db/schema.js';
import { setUnitLogo } from '../../src/files/index.js';
import { addAdminAccount } from '../../src/web/admin/accounts.js';
import { buildWeb } from '../../src/web/server.js';
import { testApp, testConfig } from '../support/app.js';
import { seriousViolations } from '../support/axe.js';
import { launchChromium } from '../support/browser.js';
import { PNG } from '../support/files.js';
import { pdfPages } from '../support/pdf-text.js';
import { freshDatabase } from '../support/postgres.js';
import { seedCases } from '../support/seed-cases.js';

const SCREENSHOTS = fileURLToPath(new URL('../../artifacts/screenshots/', import.meta.url));
const PASSWORD = 'kata-sandi-cetak-123';
const ZONE = 'Asia/Jakarta';

let database: Database;
let app: App;
let web: FastifyInstance;
let browser: Browser;
let base: string;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  database = await freshDatabase();
  app = await testApp(database, testConfig());
  web = await buildWeb(app);
  await web.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(web.server.address() as AddressInfo).port}`;
  await addAdminAccount(database.db, { username: 'cetak', name: 'Admin Cetak', password: PASSWORD, role: 'admin' });
  await database.db
    .update(units)
    .set({
      letterhead: {
        parent: 'Kementerian Contoh Republik Indonesia',
        address: 'Jalan Medan Merdeka Barat No. 7, Jakarta Pusat 10110',
        contact: 'Telepon (021) 3456789',
        place: 'Jakarta',
        signerName: 'Dra. Sri Wahyuni, M.Si.',
        signerNip: '197002032995032001',
        signerPosition: 'Kepala Bagian Organisasi dan Tata Laksana',
      },
    })
    .where(eq(units.id, 'ortala'));
  await setUnitLogo(database.db, app.config.DATA_DIR, 'ortala', { name: 'logo.png', bytes: PNG });
  // Enough officials holding August's cases that the printed month runs over several pages.
  const holders: string[] = [];
  for (let i = 1; i <= 60; i++) {
    holders.push(
      await addOfficial(database.db, {
        nip: `19800101200501${String(2000 + i)}`,
        name: `Pelaksana Cetak ${i}`,
        roleId: 'staf-pelaksana',
        unitId: 'ortala',
      }),
    );
  }
  await seedCases(
    database.db,
    holders.map((assigneeId, i) => ({
      ticket: `SMS-2026-${String(i + 1).padStart(6, '0')}`,
      openedAt: DateTime.fromISO(`2026-08-${String((i % 25) + 1).padStart(2, '0')}T09:00`, { zone: ZONE }).toJSDate(),
      assigneeId,
    })),
  );
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await app?.close();
  await database?.close();
});

async function signedIn(path: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'id-ID' });
  const page = await context.newPage();
  await page.goto(`${base}${path}`);
  await page.locator('#username').fill('cetak');
  await page.locator('#password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.waitForURL(/\/admin\/reports\/print/);
  return page;
}

describe('the printable monthly report', () => {
  it('prints as an official document: kop, title, period, numbered pages and the signature block', async () => {
    const page = await signedIn('/admin/reports/print?year=2026&month=8');
    expect(await page.locator('.kop img').isVisible()).toBe(true);
    expect(await page.locator('.kop img').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(1);
    expect(await seriousViolations(page)).toBe('');
    await page.screenshot({ path: `${SCREENSHOTS}report-print.png`, fullPage: true });
    // What the browser's "Print" makes of it, read back as a reader would.
    const pages = await pdfPages(await page.pdf({ preferCSSPageSize: true }));
    expect(pages.length).toBeGreaterThanOrEqual(2);
    const first = pages[0]?.text ?? '';
    expect(first).toContain('KEMENTERIAN CONTOH REPUBLIK INDONESIA');
    expect(first).toContain('BAGIAN ORGANISASI DAN TATA LAKSANA');
    expect(first).toContain('LAPORAN BULANAN PENANGANAN TIKET');
    expect(first).toContain('Periode Agustus 2026 (1 Agu 2026 s.d. 31 Agu 2026)');
    // The console's menu and buttons stay off paper.
    expect(first).not.toContain('Keluar');
    expect(first).not.toContain('Cetak');
    pages.forEach((p, i) => {
      expect(p.text).toContain(`Halaman ${i + 1} dari ${pages.length}`);
    });
    const last = pages.at(-1)?.text ?? '';
    expect(last).toMatch(/Jakarta, \d{1,2} [A-Z][a-z]{2} \d{4}/);
    expect(last).toContain('Dra. Sri Wahyuni, M.Si.');
    expect(last).toContain('NIP 197002032995032001');
  });
});
