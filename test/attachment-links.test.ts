import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { createLinkCode } from '../src/db/link-codes.js';
import { addOfficial } from '../src/db/officials.js';
import { attachments, auditLog, cases, officials } from '../src/db/schema.js';
import { buildWeb } from '../src/web/server.js';
import { eventually, testApp, testConfig } from './support/app.js';
import { Chat, TestChannel, texts } from './support/chat-driver.js';
import { signIn } from './support/console.js';
import { PDF } from './support/files.js';
import { ticketIn } from './support/intake.js';
import { multipartForm } from './support/multipart.js';
import { freshDatabase } from './support/postgres.js';

const BASE = 'https://siput.contoh.go.id';
const HOURS = 2;
const config = testConfig({ PUBLIC_URL: BASE, ATTACHMENT_LINK_HOURS: String(HOURS) });
let database: Database;
let app: App;
let web: FastifyInstance;
/** The clock links are checked against; tests move it past a link's expiry. */
let clock = () => new Date();
let karo: Chat;
let karoId: string;
let kabagId: string;
let ticket: string;
/** The link to the intake file, as the Karo PO's step message carries it (path and query). */
let link: URL;

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, config, { channels: [new TestChannel()] });
  const channel = app.channels.get('test') as TestChannel;
  web = await buildWeb(app, { now: () => clock() });
  const admin = await signIn(app, web, 'admin-lampiran');
  karoId = await addOfficial(database.db, {
    nip: '199001012020011301',
    name: 'Karo PO',
    roleId: 'karo-po',
    unitId: 'ortala',
  });
  kabagId = await addOfficial(database.db, {
    nip: '199001012020011302',
    name: 'Kabag Ortala',
    roleId: 'kabag-ortala',
    unitId: 'ortala',
  });
  karo = new Chat(app, channel, 'lampiran-karo');
  const { code } = await createLinkCode(database.db, '199001012020011301');
  expect(texts(await karo.send(`DAFTAR ${code}`))).toContain('tertaut');

  // An admin opens a pedoman-juklak case from the console with its kelengkapan; step 1 is the Karo PO's.
  const { payload, headers } = multipartForm({ _csrf: admin.csrf, subject: 'Usulan juklak', body: 'Uraian' }, [
    { name: 'usulan-biro-umum.pdf', bytes: PDF, field: 'file-0' },
  ]);
  const opened = await web.inject({
    method: 'POST',
    url: '/admin/cases/new?sop=pedoman-juklak',
    payload,
    headers: { ...headers, cookie: admin.cookie },
  });
  expect(opened.statusCode, opened.body).toBe(303);
  ticket = ticketIn(opened.headers.location as string);
  const notice = await eventually('the Karo PO’s step message', async () => {
    await karo.settle();
    return karo.received.find((m) => m.text.includes(ticket) && m.text.includes('/lampiran/'))?.text;
  });
  expect(notice).toContain('• Usulan unit organisasi + program kerja: usulan-biro-umum.pdf — ');
  expect(notice).toContain(`tautan berlaku ${HOURS} jam`);
  link = new URL(/https:\/\/\S+\/lampiran\/\S+/.exec(notice)?.[0] as string);
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

const open = (url: URL | string) => {
  const { pathname, search } = typeof url === 'string' ? new URL(url, BASE) : url;
  return web.inject({ method: 'GET', url: `${pathname}${search}` });
};

/** The link with one query parameter replaced. */
function withParam(name: string, value: string): URL {
  const changed = new URL(link);
  changed.searchParams.set(name, value);
  return changed;
}

const INVALID = 'tautan lampiran ini tidak sah atau bukan untuk Anda';

describe('a link to a case’s file in an official’s step message', () => {
  it('is signed for that official and lasts ATTACHMENT_LINK_HOURS', () => {
    expect(link.origin).toBe(BASE);
    expect(link.searchParams.get('p')).toBe(karoId);
    const expiry = Number(link.searchParams.get('e')) * 1000;
    expect(expiry - Date.now()).toBeGreaterThan((HOURS * 3600 - 120) * 1000);
    expect(expiry - Date.now()).toBeLessThanOrEqual(HOURS * 3600 * 1000);
  });

  it('opens the file for the official it was sent to, and the opening is in the audit log', async () => {
    const res = await open(link);
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(PDF)).toBe(true);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toContain('usulan-biro-umum.pdf');
    expect(res.headers['cache-control']).toBe('private, no-store');
    const [kase] = await database.db.select({ id: cases.id }).from(cases).where(eq(cases.ticket, ticket));
    const [file] = await database.db
      .select()
      .from(attachments)
      .where(eq(attachments.caseId, kase?.id ?? ''));
    const audited = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'attachment.open'), eq(auditLog.target, ticket)));
    expect(audited.map((a) => a.actor)).toContain(`official:${karoId}`);
    expect(audited[0]?.details).toMatchObject({
      attachmentId: file?.id,
      kelengkapan: 'Usulan unit organisasi + program kerja',
    });
  });

  it('is refused to another official who puts their own id in it', async () => {
    const res = await open(withParam('p', kabagId));
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain(INVALID);
    expect(res.body).toContain('this attachment link is not valid or not yours');
    // Their own link, signed for them, does open it: the signature, not the file, says who may.
    expect((await open(app.attachmentLinks.url(link.pathname.split('/').at(-1) as string, kabagId))).statusCode).toBe(
      200,
    );
  });

  it('is refused when its expiry, its file or its signature is changed, cut or left out', async () => {
    const later = String(Number(link.searchParams.get('e')) + 3600);
    const tag = link.searchParams.get('s') as string;
    const flipped = `${tag[0] === 'A' ? 'B' : 'A'}${tag.slice(1)}`;
    const otherFile = new URL(link);
    otherFile.pathname = '/lampiran/00000000-0000-4000-8000-000000000000';
    const unsigned = new URL(link);
    unsigned.searchParams.delete('s');
    for (const forged of [
      withParam('e', later),
      withParam('s', flipped),
      withParam('s', tag.slice(0, 8)),
      otherFile,
      unsigned,
    ]) {
      const res = await open(forged);
      expect(res.statusCode, forged.toString()).toBe(403);
      expect(res.body).toContain(INVALID);
      expect(res.rawPayload.includes(PDF)).toBe(false);
    }
  });

  it('is refused once ATTACHMENT_LINK_HOURS have passed, saying how to get a new one', async () => {
    clock = () => new Date(Date.now() + (HOURS * 3600 + 60) * 1000);
    try {
      const res = await open(link);
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain('tautan lampiran ini sudah kedaluwarsa. Ketik TUGAS');
      expect(res.body).toContain('this attachment link has expired');
    } finally {
      clock = () => new Date();
    }
  });

  it('is refused once the official it was signed for is no longer active', async () => {
    await database.db.update(officials).set({ active: false }).where(eq(officials.id, karoId));
    try {
      const res = await open(link);
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain(INVALID);
    } finally {
      await database.db.update(officials).set({ active: true }).where(eq(officials.id, karoId));
    }
  });
});
