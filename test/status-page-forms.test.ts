import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { caseEvents, cases, stepInstances, surveyResponses } from '../src/db/schema.js';
import { buildWeb } from '../src/web/server.js';
import { eventually, testApp, testConfig } from './support/app.js';
import { type Chat, TestChannel, texts } from './support/chat-driver.js';
import { addSmsOfficials, closeWithOutcome, fileComplaint, type SmsRole } from './support/complaints.js';
import { freshDatabase } from './support/postgres.js';

const channel = new TestChannel();
let database: Database;
let app: App;
let web: FastifyInstance;
let officials: Record<SmsRole, Chat>;
/** The service's clock: the wall clock until a test moves it past a reopening window. */
let clock: Date | null = null;
const now = () => clock ?? new Date();

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, testConfig(), { channels: [channel], queuePrefix: `siput-test-${randomUUID()}`, now });
  web = await buildWeb(app, { now });
  await web.ready();
  officials = (await addSmsOfficials(app, channel, '19800101200501900')).chats;
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

interface Closed {
  readonly chat: Chat;
  readonly ticket: string;
  readonly caseId: string;
  /** The status page's address, from the receipt. */
  readonly link: string;
}

async function closedCase(name: string): Promise<Closed> {
  const { chat, ticket, receipt } = await fileComplaint(app, channel, { name });
  await closeWithOutcome(officials, ticket, 'Tautan unduhan sudah diperbaiki.');
  const [row] = await database.db.select().from(cases).where(eq(cases.ticket, ticket));
  expect(row?.status).toBe('closed');
  const link = /(\/status\/[^\s]+)/.exec(receipt)?.[1] as string;
  return { chat, ticket, caseId: row?.id as string, link };
}

const page = async (url: string) => {
  const res = await web.inject({ method: 'GET', url });
  expect(res.statusCode, url).toBe(200);
  return res.body;
};

/** A form of the page as a browser would send it: its address and hidden token, and the fields given. */
function formOf(body: string, form: 'konfirmasi' | 'survei', index = 0) {
  const found = [
    ...body.matchAll(
      new RegExp(
        `<form method="post" action="([^"]+/${form}\\?[^"]+)"[^>]*>\\s*<input type="hidden" name="token" value="([^"]+)">`,
        'g',
      ),
    ),
  ][index];
  if (!found) throw new Error(`no ${form} form #${index} on the page`);
  return { action: (found[1] as string).replaceAll('&amp;', '&'), token: found[2] as string };
}

async function post(url: string, fields: Record<string, string>) {
  return web.inject({
    method: 'POST',
    url,
    payload: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}

/** Sends a form and follows the redirect, as a browser without JavaScript does. */
async function submit(url: string, fields: Record<string, string>) {
  const res = await post(url, fields);
  expect(res.statusCode, res.body).toBe(303);
  const location = res.headers.location as string;
  return { location, body: await page(location.replace(/#.*$/, '')) };
}

const eventsOf = async (caseId: string, kind: 'reopened' | 'confirmed') =>
  database.db
    .select()
    .from(caseEvents)
    .where(and(eq(caseEvents.caseId, caseId), eq(caseEvents.kind, kind)));

const NINE = { u1: '4', u2: '3', u3: '3', u4: '4', u5: '2', u6: '4', u7: '4', u8: '3', u9: '1' };

describe('the status page after the closing', () => {
  it('asks "Sudah selesai" / "Belum", and a "Belum" with a reason reopens at the SOP’s step, once however often sent', async () => {
    const { ticket, caseId, link } = await closedCase('Lestari Handayani');
    const body = await page(link);
    expect(body).toContain('id="konfirmasi"');
    expect(body).toContain('Apakah masalah Anda sudah terselesaikan?');
    expect(body).toContain('Sudah selesai');
    expect(body).toMatch(/<textarea id="alasan" name="alasan"[^>]*required/);
    // No survey while the reporter may still reopen.
    expect(body).not.toContain('id="survei"');

    const belum = formOf(body, 'konfirmasi', 1);
    const fields = { token: belum.token, jawaban: 'belum', alasan: 'Tautan di halaman layanan masih rusak.' };
    const { location, body: after } = await submit(belum.action, fields);
    expect(location).toMatch(/hasil=dibuka#konfirmasi$/);
    expect(after).toContain(`Tiket ${ticket} dibuka kembali`);
    expect(after).not.toContain('name="alasan"');

    const [row] = await database.db.select().from(cases).where(eq(cases.id, caseId));
    expect(row?.status).toBe('open');
    const [open] = await database.db
      .select({ stepId: stepInstances.stepId })
      .from(stepInstances)
      .where(eq(stepInstances.id, row?.openInstanceId as string));
    expect(open?.stepId).toBe('4');
    // The reason is in front of the official who held the step, as from the chat.
    await eventually('the staff to be given the reason', async () => {
      await officials['staf-pelaksana'].settle();
      return officials['staf-pelaksana'].received.some(
        (m) => m.text.includes(ticket) && m.text.includes('Tautan di halaman layanan masih rusak.'),
      );
    });
    // The same form sent again (a double click, a reload) is one answer.
    await post(belum.action, fields);
    expect(await eventsOf(caseId, 'reopened')).toHaveLength(1);
  });

  it('takes "Sudah selesai", then the survey: nine scores and a comment, stored once, and the chat’s survey is then closed', async () => {
    const { chat, ticket, caseId, link } = await closedCase('Agus Salim');
    const sudah = formOf(await page(`${link}&lang=en`), 'konfirmasi', 0);
    expect(sudah.action).toContain('lang=en');
    const done = await submit(sudah.action, { token: sudah.token, jawaban: 'sudah' });
    expect(done.location).toMatch(/hasil=sudah#konfirmasi$/);
    expect(done.body).toContain(`Thank you for confirming. Ticket ${ticket} is closed.`);
    expect(await eventsOf(caseId, 'confirmed')).toHaveLength(1);

    // The survey, in the page's language, with the unit's nine unsur each scored 1 to 4.
    expect(done.body).toContain('id="survei"');
    expect(done.body).toContain('Question 1 of 9');
    expect(done.body.match(/<input type="radio" name="u\d" value="[1-4]" required>/g)).toHaveLength(36);
    const survey = formOf(done.body, 'survei', 0);
    const answered = await submit(survey.action, { token: survey.token, ...NINE, komentar: 'Terima kasih, cepat.' });
    expect(answered.location).toMatch(/hasil=terima#survei$/);
    expect(answered.body).toContain(`your rating for ticket ${ticket} has been received`);
    expect(answered.body).not.toContain('name="u1"');
    const rows = await database.db.select().from(surveyResponses).where(eq(surveyResponses.caseId, caseId));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      scores: { u1: 4, u2: 3, u3: 3, u4: 4, u5: 2, u6: 4, u7: 4, u8: 3, u9: 1 },
      comment: 'Terima kasih, cepat.',
      skipped: false,
      channel: 'status',
    });

    // Once per case: the page's form again, its skip, and the chat's offer are all told it is done.
    const again = await submit(survey.action, { token: survey.token, ...NINE });
    expect(again.location).toMatch(/hasil=tertutup#survei$/);
    const skip = formOf(done.body, 'survei', 1);
    expect((await submit(skip.action, { token: skip.token, lewati: '1' })).location).toMatch(/hasil=tertutup/);
    await eventually('the survey to be offered in the chat too', async () => {
      await chat.settle();
      return chat.received.some((m) => m.choices.some((c) => c.label === 'Isi survei'));
    });
    expect(texts(await chat.press('Isi survei'))).toContain(`Survei tiket ${ticket} sudah diisi`);
    expect(await database.db.select().from(surveyResponses).where(eq(surveyResponses.caseId, caseId))).toHaveLength(1);
  });

  it('asks again for a survey with a missing score, and takes a skip', async () => {
    const { caseId, link } = await closedCase('Wahyu Pratama');
    const sudah = formOf(await page(link), 'konfirmasi', 0);
    const { body } = await submit(sudah.action, { token: sudah.token, jawaban: 'sudah' });
    const survey = formOf(body, 'survei', 0);
    const { u9: _missing, ...eight } = NINE;
    const short = await submit(survey.action, { token: survey.token, ...eight, u1: '5' });
    expect(short.location).toMatch(/hasil=kurang#survei$/);
    expect(short.body).toContain('Mohon beri nilai pada kesembilan pertanyaan');
    expect(await database.db.select().from(surveyResponses).where(eq(surveyResponses.caseId, caseId))).toHaveLength(0);

    const skip = formOf(short.body, 'survei', 1);
    const skipped = await submit(skip.action, { token: skip.token, lewati: '1' });
    expect(skipped.body).toContain('dilewati');
    const [row] = await database.db.select().from(surveyResponses).where(eq(surveyResponses.caseId, caseId));
    expect(row).toMatchObject({ skipped: true, scores: {}, channel: 'status' });
  });

  it('refuses a "Belum" after the SOP’s window politely, and leaves the case closed', async () => {
    const { ticket, caseId, link } = await closedCase('Dewi Kartika');
    const belum = formOf(await page(link), 'konfirmasi', 1);
    const [row] = await database.db.select().from(cases).where(eq(cases.id, caseId));
    clock = new Date(Number(row?.reopenUntil?.getTime()) + 60_000);
    try {
      expect(await page(link)).not.toContain('name="alasan"');
      const late = await submit(belum.action, { token: belum.token, jawaban: 'belum', alasan: 'Masih rusak.' });
      expect(late.location).toMatch(/hasil=lewat#konfirmasi$/);
      expect(late.body).toContain(`batas waktu untuk membuka kembali tiket ${ticket} sudah lewat`);
    } finally {
      clock = null;
    }
    const [after] = await database.db.select().from(cases).where(eq(cases.id, caseId));
    expect(after?.status).toBe('closed');
    expect(await eventsOf(caseId, 'reopened')).toHaveLength(0);
  });

  it('refuses a forged form: no token, another case’s, another form’s, or a wrong link secret', async () => {
    const mine = await closedCase('Rina Susanti');
    const other = await closedCase('Bambang Sutrisno');
    const otherForm = formOf(await page(other.link), 'konfirmasi', 0);
    const myBody = await page(mine.link);
    const myForm = formOf(myBody, 'konfirmasi', 0);
    const attempts: Array<Record<string, string>> = [
      { jawaban: 'sudah' },
      { token: 'x', jawaban: 'sudah' },
      { token: otherForm.token, jawaban: 'sudah' },
      { token: `${myForm.token.slice(0, -1)}${myForm.token.endsWith('A') ? 'B' : 'A'}`, jawaban: 'sudah' },
      { token: myForm.token, jawaban: 'mungkin' },
    ];
    for (const fields of attempts) {
      const res = await submit(myForm.action, fields);
      expect(res.location, JSON.stringify(fields)).toMatch(/hasil=tidak-sah#konfirmasi$/);
      expect(res.body).toContain('Formulir ini tidak sah');
    }
    // The confirmation's token does not answer the survey.
    const surveyUrl = myForm.action.replace('/konfirmasi?', '/survei?');
    expect((await submit(surveyUrl, { token: myForm.token, ...NINE })).location).toMatch(/hasil=tidak-sah/);
    const wrongSecret = myForm.action.replace(/k=[^&]+/, 'k=AAAAAAAAAAAAAAAAAAAAAA');
    expect((await post(wrongSecret, { token: myForm.token, jawaban: 'sudah' })).statusCode).toBe(404);
    const [row] = await database.db.select().from(cases).where(eq(cases.id, mine.caseId));
    expect(row?.reopenUntil).not.toBeNull();
    expect(await eventsOf(mine.caseId, 'confirmed')).toHaveLength(0);
  });
});
