import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { webPresenceKey } from '../src/bots/web-channel.js';
import type { Database } from '../src/db/client.js';
import { addOfficial, linkChannel } from '../src/db/officials.js';
import { messages, stakeholders } from '../src/db/schema.js';
import { eraseStakeholder } from '../src/privacy/erasure.js';
import { buildWeb } from '../src/web/server.js';
import { eventually, testApp, testConfig } from './support/app.js';
import { signIn } from './support/console.js';
import { freshDatabase } from './support/postgres.js';
import { freePort, TestSmtp } from './support/smtp.js';

const PUBLIC_URL = 'https://siput.example.go.id';
let database: Database;
let app: App;
let web: FastifyInstance;
let smtp: TestSmtp;
let staf: string;
let kasubag: string;

beforeAll(async () => {
  smtp = new TestSmtp(await freePort());
  await smtp.start();
  database = await freshDatabase();
  const config = testConfig({ SMTP_URL: smtp.url, MAIL_FROM: 'SIPUT Ortala <siput@ortala.example.go.id>', PUBLIC_URL });
  app = await testApp(database, config, { retryDelayMs: 100 });
  web = await buildWeb(app);
  await web.ready();
  staf = await addOfficial(database.db, {
    nip: '199001012020011001',
    name: 'Staf',
    roleId: 'staf-pelaksana',
    unitId: 'ortala',
  });
  kasubag = await addOfficial(database.db, {
    nip: '199001012020011002',
    name: 'Kasubag',
    roleId: 'kasubag-tl',
    unitId: 'ortala',
  });
  await addOfficial(database.db, {
    nip: '199001012020011003',
    name: 'Kabag',
    roleId: 'kabag-ortala',
    unitId: 'ortala',
  });
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
  await smtp?.stop();
});

/** A stakeholder who filed in the web chat with this email, and whose page is closed. */
async function webReporter(email: string): Promise<{ id: string; address: string }> {
  const id = randomUUID();
  const address = randomUUID();
  await database.db.insert(stakeholders).values({ id, name: 'Sari Wulandari', email, language: 'id' });
  await linkChannel(database.db, { kind: 'stakeholder', id }, 'web', address);
  return { id, address };
}

async function file(stakeholderId: string): Promise<{ caseId: string; ticket: string }> {
  const { caseId, ticket } = await app.cases.submit({
    sopId: 'siput-sms',
    unitId: 'ortala',
    stakeholderId,
    channel: 'web',
  });
  return { caseId, ticket };
}

/** Moves the case from step 4 to step 6, which the stakeholder is told of. */
async function toStepSix(caseId: string): Promise<void> {
  const at4 = await app.cases.dispatch(caseId, {
    type: 'act',
    instanceId: `${caseId}_1`,
    action: 'perlu-revisi',
    actorId: staf,
    attachments: [
      { id: randomUUID(), name: 'nota-dinas.pdf', kelengkapan: 'draf Nota Dinas Rekomendasi Tahapan Tindak Lanjut' },
    ],
  });
  expect(at4.state.openStep?.stepId).toBe('5b');
  await app.cases.dispatch(caseId, {
    type: 'act',
    instanceId: `${caseId}_2`,
    action: 'tandatangani-nota-dinas',
    actorId: kasubag,
  });
}

const mailsTo = (email: string) => smtp.mails.filter((m) => m.to.includes(email));

/**
 * The web chat's row was sent and what follows its send (whether it goes by email instead) is done:
 * no job of the web chat's is left (its own job, or the handover of a send made at once, is
 * removed after that).
 */
async function webRowDone(caseId: string, template: string): Promise<string> {
  return eventually(`the web chat's ${template} to be handled`, async () => {
    const [row] = await database.db
      .select()
      .from(messages)
      .where(and(eq(messages.caseId, caseId), eq(messages.channel, 'web'), eq(messages.template, template)));
    if (row?.status !== 'sent') return null;
    const left = await app.queues.outbox('web').getJobCounts('waiting', 'delayed', 'active');
    return Object.values(left).every((n) => n === 0) ? row.id : null;
  });
}

describe('a web chat reporter with an email and no page open', () => {
  it('gets each update by SMTP, in plain text and HTML, with the status link and one List-Unsubscribe', async () => {
    const reporter = await webReporter('sari@contoh.go.id');
    const { caseId, ticket } = await file(reporter.id);
    const receipt = await eventually('the receipt by email', async () => mailsTo('sari@contoh.go.id')[0]);
    expect(receipt.header('subject')).toBe(`SIPUT: kabar tiket ${ticket}`);
    expect(receipt.header('from')).toContain('siput@ortala.example.go.id');
    expect(receipt.decoded).toContain(`Tiket Anda ${ticket} telah kami terima`);
    expect(receipt.decoded).toContain(`${PUBLIC_URL}/status/${ticket}?k=`);
    expect(receipt.raw).toMatch(/Content-Type: text\/plain/i);
    expect(receipt.raw).toMatch(/Content-Type: text\/html/i);
    expect(receipt.decoded).toContain(`<a href="${PUBLIC_URL}/status/${ticket}?k=`);
    expect(receipt.raw.match(/^List-Unsubscribe:/gim)).toHaveLength(1);
    expect(receipt.header('list-unsubscribe')).toMatch(
      new RegExp(`^<${PUBLIC_URL}/email/berhenti/${reporter.id}\\?s=`),
    );
    expect(receipt.header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    // The web chat has it too, in the history the page loads when opened again.
    const [webRow] = await database.db
      .select()
      .from(messages)
      .where(and(eq(messages.caseId, caseId), eq(messages.channel, 'web')));
    expect(webRow?.status).toBe('sent');

    await toStepSix(caseId);
    const update = await eventually('the update by email', async () =>
      mailsTo('sari@contoh.go.id').find((m) => m.decoded.includes(`Kabar tiket ${ticket}`)),
    );
    expect(update.decoded).toContain('sedang dipertimbangkan Kepala Bagian');
  });

  it('is not emailed while a page of the chat is open', async () => {
    const reporter = await webReporter('buka@contoh.go.id');
    await app.connection.zadd(webPresenceKey(app.prefix, reporter.address), Date.now() + 60_000, 'halaman');
    const { caseId } = await file(reporter.id);
    await webRowDone(caseId, 'case.received');
    const forwarded = await database.db
      .select()
      .from(messages)
      .where(and(eq(messages.caseId, caseId), eq(messages.channel, 'email')));
    expect(forwarded).toHaveLength(0);
  });

  it('stops getting emails after the link in the email, and the status page offers the same', async () => {
    const reporter = await webReporter('berhenti@contoh.go.id');
    const { caseId, ticket } = await file(reporter.id);
    const receipt = await eventually('the receipt by email', async () => mailsTo('berhenti@contoh.go.id')[0]);
    const stop = receipt.header('list-unsubscribe')?.slice(1, -1) ?? '';
    const path = stop.slice(PUBLIC_URL.length);
    const asked = await web.inject({ method: 'GET', url: path });
    expect(asked.statusCode).toBe(200);
    expect(asked.body).toContain('Berhenti menerima email');
    const forged = await web.inject({ method: 'POST', url: path.replace(/s=[^&]+/, 's=AAAAAAAAAAAAAAAAAAAAAA') });
    expect(forged.statusCode).toBe(404);
    // What a mail client's one-click unsubscribe sends.
    const done = await web.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(done.statusCode).toBe(200);
    const [person] = await database.db.select().from(stakeholders).where(eq(stakeholders.id, reporter.id));
    expect(person?.emailStoppedAt).toBeInstanceOf(Date);

    await toStepSix(caseId);
    await webRowDone(caseId, 'case.update');
    expect(mailsTo('berhenti@contoh.go.id')).toHaveLength(1);

    // The status page: a button while emails go out, gone once stopped.
    const other = await webReporter('status@contoh.go.id');
    const second = await file(other.id);
    const secret = /\/status\/[^?]+\?k=([\w-]+)/.exec(
      (await eventually('the receipt', async () => mailsTo('status@contoh.go.id')[0])).decoded,
    )?.[1];
    const statusUrl = `/status/${second.ticket}?k=${secret}`;
    const page = await web.inject({ method: 'GET', url: statusUrl });
    expect(page.body).toContain('Berhenti menerima email tentang tiket saya');
    const wrong = await web.inject({
      method: 'POST',
      url: `/status/${second.ticket}/berhenti-email?k=${'x'.repeat(22)}`,
    });
    expect(wrong.statusCode).toBe(404);
    const stopped = await web.inject({ method: 'POST', url: `/status/${second.ticket}/berhenti-email?k=${secret}` });
    expect(stopped.statusCode).toBe(303);
    const after = await web.inject({ method: 'GET', url: stopped.headers.location as string });
    expect(after.body).toContain('Email dihentikan');
    expect(after.body).not.toContain('Berhenti menerima email tentang tiket saya');
    expect(ticket).not.toBe(second.ticket);
  });
});

describe('an address the mail server refuses', () => {
  it('is dead-lettered and shown in the console', async () => {
    const reporter = await webReporter('tidak-ada@contoh.go.id');
    const { caseId } = await file(reporter.id);
    const row = await eventually('the email to be dead-lettered', async () => {
      const [email] = await database.db
        .select()
        .from(messages)
        .where(and(eq(messages.caseId, caseId), eq(messages.channel, 'email')));
      return email?.status === 'dead' ? email : null;
    });
    expect(row.lastError).toBe('smtp 550');
    expect(row.attempts).toBe(1);
    const session = await signIn(app, web, 'surel');
    const health = await web.inject({ method: 'GET', url: '/admin/health', headers: { cookie: session.cookie } });
    expect(health.body).toContain(`/admin/health/messages/${row.id}/retry`);
    expect(health.body).toContain('smtp 550');
    expect(health.body).toContain('aktif (SMTP)');
  });
});

describe('an erased reporter', () => {
  it('leaves no email address in the outbox', async () => {
    const reporter = await webReporter('hapus@contoh.go.id');
    const { caseId } = await file(reporter.id);
    await eventually('the receipt by email', async () => mailsTo('hapus@contoh.go.id')[0]);
    await eraseStakeholder(database.db, reporter.id, { now: new Date(), dataDir: app.config.DATA_DIR });
    const rows = await database.db.select().from(messages).where(eq(messages.caseId, caseId));
    expect(rows.some((r) => r.channel === 'email')).toBe(true);
    expect(JSON.stringify(rows)).not.toContain('hapus@contoh.go.id');
  });
});

describe('the web chat hub', () => {
  it('counts a chat as reached while one of its pages listens, and not after it closed', async () => {
    const { WebChatHub } = await import('../src/web/chat-hub.js');
    const { WebChannel } = await import('../src/bots/web-channel.js');
    const hub = new WebChatHub({
      subscriber: app.connection.duplicate(),
      prefix: app.prefix,
      log: app.log,
      presence: app.connection,
    });
    await hub.start();
    const channel = new WebChannel(app.connection, app.prefix);
    const address = randomUUID();
    expect(await channel.reaches(address)).toBe(false);
    const stop = hub.listen(address, { message: () => {}, resync: () => {} });
    await eventually('the page to count as open', () => channel.reaches(address));
    stop();
    await eventually('the page to count as closed', async () => !(await channel.reaches(address)));
    await hub.close();
  });
});
