import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { and, eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { caseEvents, cases, stakeholders, surveyResponses } from '../src/db/schema.js';
import { finalJobId } from '../src/jobs/queues.js';
import { eraseStakeholder } from '../src/privacy/erasure.js';
import { eventually, REDIS_URL, testApp, testConfig } from './support/app.js';
import { Chat, TestChannel, texts } from './support/chat-driver.js';
import { addSmsOfficials, closeWithOutcome, fileComplaint, type SmsRole } from './support/complaints.js';
import { freshDatabase } from './support/postgres.js';

const config = testConfig();
const prefix = `siput-test-${randomUUID()}`;
const channel = new TestChannel();
let database: Database;
let app: App;
let officials: Record<SmsRole, Chat>;
/** The service's clock: the wall clock until a test moves it past a reopening window. */
let clock: Date | null = null;
const start = () =>
  testApp(database, config, { channels: [channel], queuePrefix: prefix, now: () => clock ?? new Date() });

beforeAll(async () => {
  database = await freshDatabase();
  app = await start();
  officials = (await addSmsOfficials(app, channel, '19800101200501300')).chats;
});

afterAll(async () => {
  await app?.close();
  await database?.close();
});

/** Files a complaint and runs it to closing with a tindak lanjut shown to the reporter. */
async function closedCase(name: string): Promise<{ chat: Chat; ticket: string; caseId: string }> {
  const { chat, ticket } = await fileComplaint(app, channel, { name, contact: `${name.split(' ')[0]}@contoh.go.id` });
  await closeWithOutcome(officials, ticket, 'Tautan unduhan sudah diperbaiki.');
  const [row] = await database.db.select().from(cases).where(eq(cases.ticket, ticket));
  expect(row?.status).toBe('closed');
  await eventually('the closing to reach the reporter', async () => {
    await chat.settle();
    return chat.received.some((m) => m.choices.some((c) => c.label === 'Sudah selesai'));
  });
  return { chat, ticket, caseId: row?.id as string };
}

const responseOf = async (caseId: string) =>
  (await database.db.select().from(surveyResponses).where(eq(surveyResponses.caseId, caseId)))[0];

describe('the SKM survey over chat', () => {
  let first: { chat: Chat; ticket: string; caseId: string };

  it('is offered once the reporter answers "Sudah selesai", and takes the nine unsur and a comment', async () => {
    first = await closedCase('Sari Wulandari');
    const { chat, ticket, caseId } = first;
    expect(texts(await chat.press('Sudah selesai'))).toContain(`Tiket ${ticket} ditutup`);
    const offer = await eventually('the survey to be offered', async () => {
      await chat.settle();
      return chat.received.find((m) => m.text.includes('Survei Kepuasan Masyarakat'));
    });
    expect(offer.choices.map((c) => c.label)).toEqual(['Isi survei', 'Lewati']);

    const question = texts(await chat.press('Isi survei'));
    expect(question).toContain('Pertanyaan 1 dari 9 — Persyaratan');
    expect(chat.last().choices.map((c) => c.label)).toEqual([
      '1. Tidak sesuai',
      '2. Kurang sesuai',
      '3. Sesuai',
      '4. Sangat sesuai',
    ]);
    // Something else than a score is asked again; a typed digit counts like its button.
    expect(texts(await chat.send('lumayan'))).toContain('Mohon pilih salah satu jawaban');
    const given = [4, 3, 3, 4, 2, 4, 4, 3, 1];
    for (const [i, score] of given.entries()) {
      const reply = texts(i % 2 === 0 ? await chat.press(`${score}. `) : await chat.send(String(score)));
      if (i < 8) expect(reply).toContain(`Pertanyaan ${i + 2} dari 9`);
      else expect(reply).toContain('saran atau masukan');
    }
    expect(texts(await chat.send('Petugasnya ramah, tetapi situsnya lambat. Salam, Sari Wulandari'))).toContain(
      `penilaian Anda untuk tiket ${ticket} sudah kami terima`,
    );
    const row = await responseOf(caseId);
    expect(row?.scores).toEqual({ u1: 4, u2: 3, u3: 3, u4: 4, u5: 2, u6: 4, u7: 4, u8: 3, u9: 1 });
    expect(row?.comment).toBe('Petugasnya ramah, tetapi situsnya lambat. Salam, Sari Wulandari');
    expect(row?.skipped).toBe(false);
    expect(row?.channel).toBe('test');
    // The survey's row names no reporter: the reports read it anonymously.
    expect(Object.keys(row ?? {})).not.toContain('stakeholderId');
  });

  it('counts a second answer once: the survey is not taken again, nor skipped after it', async () => {
    const { chat, ticket, caseId } = first;
    expect(texts(await chat.press('Isi survei'))).toContain(`Survei tiket ${ticket} sudah diisi`);
    // The offer's own "Lewati", not the comment's.
    const offer = chat.received.find((m) => m.text.includes('Survei Kepuasan Masyarakat'));
    const skip = offer?.choices.find((c) => c.label === 'Lewati');
    await app.flows.handle({ channel: 'test', address: chat.address, key: randomUUID(), choice: skip?.value ?? '' });
    expect(texts(await chat.settle())).toContain(`Survei tiket ${ticket} sudah diisi`);
    const rows = await database.db.select().from(surveyResponses).where(eq(surveyResponses.caseId, caseId));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.skipped).toBe(false);
  });

  it("is not another reporter's to answer", async () => {
    const stranger = new Chat(app, channel);
    await stranger.send('halo');
    const button = first.chat.findChoice('Isi survei');
    await app.flows.handle({ channel: 'test', address: stranger.address, key: randomUUID(), choice: button.value });
    expect(texts(await stranger.settle())).toContain('tidak sah');
  });

  it('keeps the answers when the reporter is erased; the email address goes', async () => {
    const [row] = await database.db.select().from(cases).where(eq(cases.id, first.caseId));
    await eraseStakeholder(database.db, row?.stakeholderId as string, { now: new Date(), dataDir: config.DATA_DIR });
    const [person] = await database.db
      .select()
      .from(stakeholders)
      .where(eq(stakeholders.id, row?.stakeholderId as string));
    expect(person?.email).toBeNull();
    expect(JSON.stringify(person)).not.toContain('sari@contoh.go.id');
    const kept = await responseOf(first.caseId);
    expect(kept?.scores).toEqual({ u1: 4, u2: 3, u3: 3, u4: 4, u5: 2, u6: 4, u7: 4, u8: 3, u9: 1 });
    // The comment stays, without the name it signed with.
    expect(kept?.comment).toBe('Petugasnya ramah, tetapi situsnya lambat. Salam, [dihapus]');
  });
});

describe('a reporter who stays silent after the closing', () => {
  it('has the closing made final when the window ends, across a restart that lost the timer, then may skip the survey', async () => {
    const { chat, ticket, caseId } = await closedCase('Rudi Hartono');
    const [row] = await database.db.select().from(cases).where(eq(cases.id, caseId));
    const until = row?.reopenUntil as Date;
    expect(until.getTime()).toBeGreaterThan(Date.now());
    const jobId = finalJobId(caseId, until);
    expect(await app.queues.timers.getJob(jobId)).toBeDefined();

    // The service stops and its Redis loses the job; the next start puts it back from the row.
    await app.close();
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const timers = new Queue('timers', { connection, prefix });
    await (await timers.getJob(jobId))?.remove();
    expect(await timers.getJob(jobId)).toBeUndefined();
    await timers.close();
    await connection.quit();
    app = await start();
    const job = await eventually('the reconciler to queue the window again', async () =>
      app.queues.timers.getJob(jobId),
    );

    // The window ends: the job runs now, and the reporter's silence makes the closing final.
    clock = new Date(until.getTime() + 1000);
    await job.promote();
    const again = new Chat(app, channel, chat.address);
    const offer = await eventually('the survey to be offered after the window', async () => {
      await again.settle();
      return again.received.find((m) => m.text.includes(`Tiket ${ticket} telah tuntas`));
    });
    expect(offer.choices.map((c) => c.label)).toEqual(['Isi survei', 'Lewati']);
    const [final] = await database.db.select().from(cases).where(eq(cases.id, caseId));
    expect(final?.reopenUntil).toBeNull();
    const counted = await database.db
      .select()
      .from(caseEvents)
      .where(and(eq(caseEvents.caseId, caseId), eq(caseEvents.kind, 'finalized')));
    expect(counted).toHaveLength(1);

    // "Belum" after the window is refused politely; the survey may be skipped, once.
    expect(texts(await again.press('Belum'))).toContain('batas waktu untuk membuka kembali');
    expect(texts(await again.press('Lewati'))).toContain(`survei tiket ${ticket} dilewati`);
    expect(await responseOf(caseId)).toMatchObject({ skipped: true, scores: {} });
    expect(texts(await again.press('Isi survei'))).toContain('sudah diisi');
    clock = null;
  });
});
