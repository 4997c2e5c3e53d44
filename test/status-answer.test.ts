import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { addOfficial } from '../src/db/officials.js';
import { attachments, caseEvents, stakeholders, stepInstances } from '../src/db/schema.js';
import { buildWeb } from '../src/web/server.js';
import { eventually, testApp, testConfig } from './support/app.js';
import { PDF, TEXT } from './support/files.js';
import { multipartForm } from './support/multipart.js';
import { freshDatabase } from './support/postgres.js';
import { freePort, TestSmtp } from './support/smtp.js';

const PUBLIC_URL = 'https://siput.example.go.id';

let database: Database;
let app: App;
let web: FastifyInstance;
let smtp: TestSmtp;
let staf: string;

beforeAll(async () => {
  smtp = new TestSmtp(await freePort());
  await smtp.start();
  database = await freshDatabase();
  const config = testConfig({ SMTP_URL: smtp.url, MAIL_FROM: 'SIPUT <siput@ortala.example.go.id>', PUBLIC_URL });
  app = await testApp(database, config, { retryDelayMs: 100 });
  web = await buildWeb(app);
  await web.ready();
  staf = await addOfficial(database.db, {
    nip: '199001012020011101',
    name: 'Staf',
    roleId: 'staf-pelaksana',
    unitId: 'ortala',
  });
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
  await smtp?.stop();
});

/** A case of a reporter no chat reaches, only their email; the official asks them for `note`. */
async function askedByEmail(email: string, note: string): Promise<{ caseId: string; ticket: string; page: string }> {
  const stakeholderId = randomUUID();
  await database.db.insert(stakeholders).values({ id: stakeholderId, name: 'Dewi', email, language: 'id' });
  const { caseId, ticket } = await app.cases.submit({ sopId: 'siput-sms', unitId: 'ortala', stakeholderId });
  await app.cases.dispatch(caseId, { type: 'askReporter', instanceId: `${caseId}_1`, actorId: staf, note });
  const mail = await eventually('the request by email', async () =>
    smtp.mails.find((m) => m.to.includes(email) && m.decoded.includes(note)),
  );
  const link = new RegExp(`${PUBLIC_URL}(/status/${ticket}/jawab\\?k=[\\w-]+)`).exec(mail.decoded)?.[1];
  if (!link) throw new Error(`no answer link in ${mail.decoded}`);
  return { caseId, ticket, page: link };
}

const stepOf = async (caseId: string) =>
  (
    await database.db
      .select()
      .from(stepInstances)
      .where(eq(stepInstances.id, `${caseId}_1`))
  )[0];

describe('a reporter asked by email', () => {
  it('answers on the page the email links, with a text and a file, and the step’s clock runs again', async () => {
    const { caseId, ticket, page } = await askedByEmail('dewi@contoh.go.id', 'Mohon kirim surat kuasa.');
    // The status page the same secret opens says what is asked and links to the answer.
    const statusPage = page.replace('/jawab?', '?');
    const status = await web.inject({ method: 'GET', url: statusPage });
    expect(status.body).toContain('Menunggu jawaban Anda');
    expect(status.body).toContain('waktu tahap ini berhenti sampai jawaban Anda kami terima');
    expect(status.body).toContain('Mohon kirim surat kuasa.');
    expect(status.body).toContain(`href="${page}"`);
    const form = await web.inject({ method: 'GET', url: page });
    expect(form.statusCode).toBe(200);
    expect(form.headers['cache-control']).toBe('no-store');
    expect(form.body).toContain('Mohon kirim surat kuasa.');
    expect(form.body).toContain('enctype="multipart/form-data"');

    const { payload, headers } = multipartForm({ jawaban: 'Surat kuasa terlampir.' }, [
      { field: 'berkas', name: 'surat-kuasa.pdf', bytes: PDF, type: 'application/pdf' },
    ]);
    const sent = await web.inject({ method: 'POST', url: page, payload, headers });
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe(`${page}&hasil=terkirim`);
    expect((await web.inject({ method: 'GET', url: sent.headers.location as string })).body).toContain(
      'telah kami teruskan ke petugas',
    );

    const step = await stepOf(caseId);
    expect(step?.pausedAt).toBeNull();
    const [resumed] = await database.db
      .select()
      .from(caseEvents)
      .where(and(eq(caseEvents.caseId, caseId), eq(caseEvents.kind, 'resumed')));
    expect(resumed?.actor).toBe('stakeholder');
    expect(resumed?.note).toBe('Surat kuasa terlampir.');
    expect(resumed?.attachments.map((a) => a.name)).toEqual(['surat-kuasa.pdf']);
    const [file] = await database.db.select().from(attachments).where(eq(attachments.caseId, caseId));
    expect(file?.name).toBe('surat-kuasa.pdf');

    const resumedPage = (await web.inject({ method: 'GET', url: statusPage })).body;
    expect(resumedPage).not.toContain('Menunggu jawaban Anda');
    expect(resumedPage).toContain('Tahap ini dijadwalkan selesai paling lambat');
    expect(resumedPage).not.toContain('waktu tahap ini berhenti');
    // Answered once: the page now says so, and a second answer moves nothing.
    expect((await web.inject({ method: 'GET', url: page })).body).toContain('tidak sedang menunggu jawaban Anda');
    const again = multipartForm({ jawaban: 'Sekali lagi.' });
    const second = await web.inject({ method: 'POST', url: page, ...again });
    expect(second.headers.location).toBe(`${page}&hasil=tidak_menunggu`);
    expect(ticket).toMatch(/^SMS-/);
  });

  it('asks again for an empty answer or a file it does not take, and leaves the clock stopped', async () => {
    const { caseId, page } = await askedByEmail('eko@contoh.go.id', 'Mohon kirim foto lokasi.');
    const empty = multipartForm({ jawaban: '  ' });
    const blank = await web.inject({ method: 'POST', url: page, ...empty });
    expect(blank.headers.location).toBe(`${page}&hasil=kosong`);
    expect((await web.inject({ method: 'GET', url: blank.headers.location as string })).body).toContain(
      'Mohon tulis jawaban atau pilih berkas.',
    );
    const wrong = multipartForm({ jawaban: '' }, [{ field: 'berkas', name: 'foto.pdf', bytes: TEXT }]);
    const refused = await web.inject({ method: 'POST', url: page, ...wrong });
    expect(refused.headers.location).toBe(`${page}&hasil=berkas`);
    expect((await stepOf(caseId))?.pausedAt).not.toBeNull();
  });

  it('answers 404 to a wrong secret, on the page and its form, as for an unknown ticket', async () => {
    const { caseId, ticket, page } = await askedByEmail('fajar@contoh.go.id', 'Mohon kirim KTP.');
    const forged = `/status/${ticket}/jawab?k=${'A'.repeat(22)}`;
    expect((await web.inject({ method: 'GET', url: forged })).statusCode).toBe(404);
    const body = multipartForm({ jawaban: 'Palsu.' });
    expect((await web.inject({ method: 'POST', url: forged, ...body })).statusCode).toBe(404);
    expect(
      (await web.inject({ method: 'GET', url: `/status/SMS-2026-999999/jawab?k=${page.split('k=')[1]}` })).statusCode,
    ).toBe(404);
    expect((await stepOf(caseId))?.pausedAt).not.toBeNull();
  });
});
