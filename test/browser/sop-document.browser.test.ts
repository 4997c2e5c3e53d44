import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSopFolder } from '../../src/sop/catalog.js';
import { layoutSopDocument, pageToSvg } from '../../src/sop-document/index.js';
import { launchChromium } from '../support/browser.js';

const SCREENSHOTS = fileURLToPath(new URL('../../artifacts/screenshots/', import.meta.url));
const sms = loadSopFolder(fileURLToPath(new URL('../../sops/', import.meta.url))).find((s) => s.id === 'siput-sms');

let browser: Browser;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

describe('an SOP document in the browser', () => {
  it('shows the procedure table of SIPUT SMS with its lanes and symbols, and is kept as a screenshot', async () => {
    if (!sms) throw new Error('siput-sms is not shipped');
    const document = layoutSopDocument(sms);
    const page = await browser.newPage({ viewport: { width: 1123, height: 794 }, deviceScaleFactor: 1.5 });
    const table = document.pages[1];
    if (!table) throw new Error('no procedure page');
    await page.setContent(`<!doctype html><body style="margin:0">${pageToSvg(table, sms.title)}</body>`);
    const lanes = await page.locator('svg .lane').evaluateAll((els) => els.map((e) => e.getAttribute('data-role')));
    expect(lanes).toEqual(sms.roles.map((r) => r.id));
    // The browser lays the drawing out: every symbol has a size, inside the page.
    const boxes = await page
      .locator('svg .symbol')
      .evaluateAll((els) =>
        els.map((e) => (e as SVGGraphicsElement).getBBox()).map((b) => ({ w: b.width, h: b.height })),
      );
    expect(boxes.length).toBeGreaterThan(3);
    expect(boxes.every((b) => b.w > 10 && b.h > 10)).toBe(true);
    await page.screenshot({ path: `${SCREENSHOTS}sop-document-siput-sms.png` });
    await page.close();
  });
});
