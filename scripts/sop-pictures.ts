/**
 * Writes docs/sop/<id>-<page>.png: the first page of each shipped SOP's document as the PDF
 * download draws it (the same layout, rendered from its SVG by Debian's Chromium), and the first
 * page of SIPUT SMS's procedure table, for the README. Run: npx tsx scripts/sop-pictures.ts
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadSopFolder } from '../src/sop/catalog.js';
import { layoutSopDocument, pageToSvg } from '../src/sop-document/index.js';
import { launchChromium } from '../test/support/browser.js';

const out = fileURLToPath(new URL('../docs/sop/', import.meta.url));
mkdirSync(out, { recursive: true });
const browser = await launchChromium();
const tab = await browser.newPage({ viewport: { width: 1123, height: 794 }, deviceScaleFactor: 1 });
for (const sop of loadSopFolder(fileURLToPath(new URL('../sops/', import.meta.url)))) {
  const document = layoutSopDocument(sop);
  const pages = sop.id === 'siput-sms' ? [0, 1] : [0];
  for (const index of pages) {
    const page = document.pages[index];
    if (!page) continue;
    await tab.setContent(`<!doctype html><body style="margin:0">${pageToSvg(page, sop.title)}</body>`);
    await tab.screenshot({ path: `${out}${sop.id}-${index + 1}.png` });
  }
}
await browser.close();
