import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { attachments } from '../src/db/schema.js';
import { AttachmentStore } from '../src/files/attachment-store.js';
import { FileRejectedError } from '../src/files/errors.js';
import { buildWeb } from '../src/web/server.js';
import { testApp, testConfig } from './support/app.js';
import { multipartFile, PDF, PNG, TEXT } from './support/files.js';
import { freshDatabase } from './support/postgres.js';

const config = testConfig();
let database: Database;
let app: App;
let web: FastifyInstance;
let store: AttachmentStore;

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, config, { workers: false });
  web = await buildWeb(app, { handleInbound: async () => ({ duplicate: false }) });
  store = new AttachmentStore({ db: database.db, dataDir: config.DATA_DIR });
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (err: unknown) => (err instanceof FileRejectedError ? err.code : err),
  );

describe('when a photo or a PDF is uploaded', () => {
  it('stores the bytes under DATA_DIR with their size, hash and the type read from the content', async () => {
    const saved = await store.save({ bytes: PNG, name: 'foto jalan rusak.png', uploadedBy: 'web:abc' });
    expect(saved).toMatchObject({ name: 'foto jalan rusak.png', mime: 'image/png', size: PNG.length });
    expect(saved.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(join(config.DATA_DIR, 'uploads', saved.id))).toEqual(PNG);

    const opened = await store.open(saved.id);
    if (!opened) throw new Error('the stored attachment did not open');
    expect(opened.meta.id).toBe(saved.id);
    expect(await buffer(opened.stream)).toEqual(PNG);
  });

  it('accepts a PDF over HTTP and answers with its id, name and type', async () => {
    const res = await web.inject({ method: 'POST', url: '/chat/api/upload', ...multipartFile('Surat.PDF', PDF) });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ name: 'Surat.PDF', mime: 'application/pdf' });
    const [row] = await database.db.select().from(attachments).where(eq(attachments.id, body.id));
    expect(row?.uploadedBy).toMatch(/^web:/);
  });

  it('accepts an official’s kelengkapan as an Excel workbook, checked by its content', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Rekap').addRow(['Tiket', 'Status']);
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    const saved = await store.save({ bytes, name: 'rekap-tindak-lanjut.xlsx' });
    expect(saved.mime).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(await rejection(store.save({ bytes, name: 'rekap.pdf' }))).toBe('file_type_mismatch');
  });

  it('gives a name without extension the one its content calls for', async () => {
    const saved = await store.save({ bytes: PDF, name: 'scan' });
    expect(saved.name).toBe('scan.pdf');
  });
});

describe('when the content is not what is allowed or claimed', () => {
  it('refuses a text file renamed .pdf', async () => {
    expect(await rejection(store.save({ bytes: TEXT, name: 'laporan.pdf' }))).toBe('file_type_not_allowed');
  });

  it('refuses a photo whose name says PDF', async () => {
    expect(await rejection(store.save({ bytes: PNG, name: 'laporan.pdf' }))).toBe('file_type_mismatch');
  });

  it('refuses an empty file', async () => {
    expect(await rejection(store.save({ bytes: Buffer.alloc(0), name: 'kosong.png' }))).toBe('file_empty');
  });

  it('answers over HTTP with 415 and a message the person can act on', async () => {
    const res = await web.inject({ method: 'POST', url: '/chat/api/upload', ...multipartFile('laporan.pdf', TEXT) });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ error: 'file_type_not_allowed' });
    expect(res.json().message).toContain('tidak diterima');
  });
});

describe('when the file is over the size limit', () => {
  const big = Buffer.concat([PNG, Buffer.alloc(10 * 1024 * 1024)]);

  it('refuses it in the store', async () => {
    expect(await rejection(store.save({ bytes: big, name: 'besar.png' }))).toBe('file_too_large');
  });

  it('refuses it over HTTP with 413 before storing anything', async () => {
    const before = readdirSync(join(config.DATA_DIR, 'uploads')).length;
    const res = await web.inject({ method: 'POST', url: '/chat/api/upload', ...multipartFile('besar.png', big) });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: 'file_too_large' });
    expect(res.json().message).toContain('10 MB');
    expect(readdirSync(join(config.DATA_DIR, 'uploads'))).toHaveLength(before);
  });
});

describe('when the name tries to leave the upload folder', () => {
  it('keeps only the last segment as the name and stores the bytes under the id', async () => {
    const saved = await store.save({ bytes: PNG, name: '../../../etc/cron.d/evil.png' });
    expect(saved.name).toBe('evil.png');
    expect(existsSync(join(config.DATA_DIR, 'uploads', saved.id))).toBe(true);
    expect(existsSync(join(config.DATA_DIR, 'etc'))).toBe(false);
  });

  it('strips backslash paths and control characters too', async () => {
    const saved = await store.save({ bytes: PNG, name: '..\\..\\windows\\a\u0000b\r\n.png' });
    expect(saved.name).toBe('ab.png');
  });

  it('names a file that was only dots by its type', async () => {
    const res = await web.inject({ method: 'POST', url: '/chat/api/upload', ...multipartFile('..', PNG) });
    expect(res.statusCode).toBe(200);
    expect(res.json().name).toBe('berkas.png');
  });
});
