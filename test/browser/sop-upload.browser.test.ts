import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import type { App } from '../../src/app.js';
import type { Database } from '../../src/db/client.js';
import { buildWeb } from '../../src/web/server.js';
import { testApp, testConfig } from '../support/app.js';
import { launchChromium } from '../support/browser.js';
import { signIn } from '../support/console.js';
import { freshDatabase } from '../support/postgres.js';

const SCREENSHOTS = fileURLToPath(new URL('../../artifacts/screenshots/', import.meta.url));

let database: Database;
let app: App;
let web: FastifyInstance;
let browser: Browser;
let base: string;
let cookie: string;
const files = mkdtempSync(join(tmpdir(), 'siput-sop-upload-'));

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  database = await freshDatabase();
  app = await testApp(database, testConfig());
  web = await buildWeb(app);
  await web.listen({ port: 0, host: '127.0.0.1' });
  const address = web.server.address();
  if (!address || typeof address === 'string') throw new Error('the console is not listening');
  base = `http://127.0.0.1:${address.port}`;
  // The session an admin gets at sign-in, handed to the browser as its cookie.
  cookie = (await signIn(app, web, 'biro-sop')).cookie.replace(/^siput_admin=/, '');
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

async function uploadFile(page: Page, path: string): Promise<void> {
  await page.locator('#sop-file').setInputFiles(path);
  await page.getByRole('button', { name: 'Periksa dan pratinjau' }).click();
  await page.waitForLoadState('domcontentloaded');
}

describe('authoring an SOP in the console', () => {
  it('takes a template, refuses a broken upload with its problems, previews a good one and activates it', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    await context.addCookies([{ name: 'siput_admin', value: cookie, url: base }]);
    const page = await context.newPage();
    const active = await app.sops.active('siput-sms');
    if (!active) throw new Error('siput-sms is not registered');
    const next = active.version + 1;

    // The template: the active version's YAML, numbered as the next version.
    await page.goto(`${base}/admin/sop/siput-sms/${active.version}`);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'YAML', exact: true }).click(),
    ]);
    const template = parseYaml(readFileSync(await download.path(), 'utf8'));
    expect(template.version).toBe(next);

    const broken = structuredClone(template);
    broken.steps[2].actor = 'kepala-dinas';
    writeFileSync(join(files, 'siput-sms-rusak.yaml'), stringify(broken));
    await page.goto(`${base}/admin/sop`);
    await uploadFile(page, join(files, 'siput-sms-rusak.yaml'));
    const alert = page.locator('#upload-problems');
    await expect(alert.textContent()).resolves.toContain('Tidak ada yang disimpan atau diaktifkan');
    expect(await page.locator('.sop-problems td.where').allTextContents()).toEqual([
      `steps[2] (id ${template.steps[2].id}).actor`,
    ]);
    await shot(page, 'sop-upload-refused');

    template.title = `${template.title} (revisi)`;
    writeFileSync(join(files, 'siput-sms.yaml'), stringify(template));
    await uploadFile(page, join(files, 'siput-sms.yaml'));
    expect(new URL(page.url()).pathname).toBe(`/admin/sop/siput-sms/${next}`);
    await expect(page.locator('.sop-status').getAttribute('data-status')).resolves.toBe('draft');
    const lanes = await page.locator('svg .lane').evaluateAll((els) => els.map((e) => e.getAttribute('data-role')));
    expect(new Set(lanes)).toEqual(new Set(active.roles.map((r) => r.id)));
    expect((await app.sops.active('siput-sms'))?.version).toBe(active.version);
    await shot(page, 'sop-upload-preview');

    await page.getByRole('button', { name: `Aktifkan versi ${next}` }).click();
    await page.waitForLoadState('domcontentloaded');
    await expect(page.getByRole('status').textContent()).resolves.toContain(`Versi ${next} dari siput-sms kini aktif`);
    const activeMark = page.locator(`tr[data-sop="siput-sms"] li[data-version="${next}"] .active`);
    await expect(activeMark.count()).resolves.toBe(1);
    expect((await app.sops.active('siput-sms'))?.title).toBe(template.title);
    await shot(page, 'sop-upload-activated');
    await context.close();
  });
});
