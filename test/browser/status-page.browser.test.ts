import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Database } from '../../src/db/client.js';
import { cases, surveyResponses } from '../../src/db/schema.js';
import { buildWeb } from '../../src/web/server.js';
import { eventually, testApp, testConfig } from '../support/app.js';
import { seriousViolations } from '../support/axe.js';
import { launchChromium } from '../support/browser.js';
import { type Chat, TestChannel } from '../support/chat-driver.js';
import { addSmsOfficials, closeWithOutcome, fileComplaint, type SmsRole } from '../support/complaints.js';
import { freshDatabase } from '../support/postgres.js';

const SCREENSHOTS = fileURLToPath(new URL('../../artifacts/screenshots/', import.meta.url));
const PHONE = { width: 360, height: 740 };

const channel = new TestChannel();
let database: Database;
let app: App;
let web: FastifyInstance;
let browser: Browser;
let base: string;
let officials: Record<SmsRole, Chat>;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  database = await freshDatabase();
  app = await testApp(database, testConfig(), { channels: [channel], queuePrefix: `siput-test-${randomUUID()}` });
  web = await buildWeb(app);
  await web.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(web.server.address() as AddressInfo).port}`;
  browser = await launchChromium();
  officials = (await addSmsOfficials(app, channel, '19800101200501800')).chats;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await app?.close();
  await database?.close();
});

/** A closed case and its status link, as the receipt gave it. */
async function closedCase(name: string): Promise<{ ticket: string; caseId: string; link: string }> {
  const { ticket, receipt } = await fileComplaint(app, channel, { name });
  await closeWithOutcome(officials, ticket, 'Tautan unduhan sudah diperbaiki.');
  const [row] = await database.db.select().from(cases).where(eq(cases.ticket, ticket));
  return { ticket, caseId: row?.id as string, link: /(\/status\/[^\s]+)/.exec(receipt)?.[1] as string };
}

/** A phone's browser with JavaScript off: the forms must work as plain HTML. */
async function openWithoutScripts(url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: PHONE, locale: 'id-ID', javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${base}${url}`);
  return page;
}

describe('the status page’s forms in a browser without JavaScript', () => {
  it('confirm the closing and take the survey, refusing a survey with a question left out', async () => {
    const { ticket, caseId, link } = await closedCase('Hendra Gunawan');
    const page = await openWithoutScripts(`${link}#konfirmasi`);
    await page.getByRole('button', { name: 'Sudah selesai' }).click();
    await page.getByText(`Terima kasih atas konfirmasinya. Tiket ${ticket} ditutup.`).waitFor();
    expect(page.url()).toMatch(/hasil=sudah#konfirmasi$/);

    const survey = page.locator('#survei');
    await survey.getByText('Pertanyaan 1 dari 9 — Persyaratan').waitFor();
    const scores = [4, 3, 3, 4, 2, 4, 4, 3];
    for (const [i, score] of scores.entries()) {
      await survey.locator(`input[name="u${i + 1}"][value="${score}"]`).check();
    }
    // The ninth is left out: the browser itself holds the form back, no script needed.
    const before = page.url();
    await survey.getByRole('button', { name: 'Kirim penilaian' }).click();
    expect(page.url()).toBe(before);
    expect(await database.db.select().from(surveyResponses).where(eq(surveyResponses.caseId, caseId))).toHaveLength(0);

    await survey.locator('input[name="u9"][value="1"]').check();
    await survey.getByLabel('Saran atau masukan').fill('Petugas ramah.');
    await page.screenshot({ path: `${SCREENSHOTS}status-page-survey.png`, fullPage: true });
    await survey.getByRole('button', { name: 'Kirim penilaian' }).click();
    await page.getByText(`penilaian Anda untuk tiket ${ticket} sudah kami terima`).waitFor();
    expect(await page.locator('input[type="radio"]').count()).toBe(0);
    const [row] = await database.db.select().from(surveyResponses).where(eq(surveyResponses.caseId, caseId));
    expect(row).toMatchObject({
      scores: { u1: 4, u2: 3, u3: 3, u4: 4, u5: 2, u6: 4, u7: 4, u8: 3, u9: 1 },
      comment: 'Petugas ramah.',
      channel: 'status',
    });
  });

  it('reopen the case on "Belum" only with a reason', async () => {
    const { ticket, caseId, link } = await closedCase('Yanti Marlina');
    const page = await openWithoutScripts(`${link}&lang=en`);
    const reopen = page.getByRole('button', { name: 'Not yet, reopen the ticket' });
    await reopen.click();
    const [still] = await database.db.select().from(cases).where(eq(cases.id, caseId));
    expect(still?.status).toBe('closed');

    await page.getByLabel('Not yet? Write what is not solved').fill('The link still fails on my phone.');
    await reopen.click();
    await page.getByText(`Ticket ${ticket} is reopened.`).waitFor();
    await eventually('the case to be open again', async () => {
      const [row] = await database.db.select().from(cases).where(eq(cases.id, caseId));
      return row?.status === 'open';
    });
  });

  it('have no serious accessibility problems', async () => {
    const { link } = await closedCase('Putri Ayu');
    const context = await browser.newContext({ viewport: PHONE, locale: 'id-ID' });
    const page = await context.newPage();
    await page.goto(`${base}${link}`);
    await page.getByRole('button', { name: 'Sudah selesai' }).click();
    await page.locator('#survei').waitFor();
    expect(await seriousViolations(page)).toBe('');
  });
});
