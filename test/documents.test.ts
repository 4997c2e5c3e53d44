import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { downloads, stakeholders } from '../src/db/schema.js';
import type { DocumentRow, DocumentStore } from '../src/files/document-store.js';
import { DocumentInvalidError, FileRejectedError } from '../src/files/errors.js';
import { contentDisposition } from '../src/web/download-links.js';
import { buildWeb } from '../src/web/server.js';
import { testApp, testConfig } from './support/app.js';
import { PDF, PNG } from './support/files.js';
import { freshDatabase } from './support/postgres.js';

const config = testConfig();
let database: Database;
let app: App;
let web: FastifyInstance;
let store: DocumentStore;

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, config, { workers: false });
  web = await buildWeb(app, { handleInbound: async () => ({ duplicate: false }) });
  store = app.documents;
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

const sop = (over: Partial<Parameters<DocumentStore['add']>[0]> = {}) =>
  store.add({
    number: `SOP-ORTALA-${randomUUID().slice(0, 8)}`,
    title: 'Penanganan Pengaduan Masyarakat',
    revision: 0,
    revisionDate: '2026-01-15',
    category: 'pelayanan',
    synopsis: 'Tata cara menerima, menelaah dan menindaklanjuti pengaduan yang masuk.',
    fileName: 'sop pengaduan.pdf',
    bytes: PDF,
    ...over,
  });

const ids = (rows: DocumentRow[]) => rows.map((r) => r.id);

describe('when a document is added', () => {
  it('is stored unpublished, with the file checked and hashed', async () => {
    const doc = await sop();
    expect(doc).toMatchObject({
      published: false,
      mime: 'application/pdf',
      size: PDF.length,
      fileName: 'sop pengaduan.pdf',
    });
    expect(ids(await store.listPublished({ limit: 100 }))).not.toContain(doc.id);
  });

  it('refuses a file that is not PDF, DOCX or XLSX', async () => {
    const err = await sop({ fileName: 'sop.png', bytes: PNG }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileRejectedError);
    expect((err as FileRejectedError).code).toBe('file_type_not_allowed');
  });

  it('refuses a malformed revision date, naming the field', async () => {
    const err = await sop({ revisionDate: '15/01/2026' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DocumentInvalidError);
    expect((err as DocumentInvalidError).field).toBe('revisionDate');
  });

  it('refuses the same revision of a number twice', async () => {
    const doc = await sop();
    const err = await sop({ number: doc.number }).catch((e: unknown) => e);
    expect((err as DocumentInvalidError).field).toBe('revision');
  });
});

describe('when documents are published and searched', () => {
  it('offers a document once published and no longer once unpublished', async () => {
    const doc = await sop();
    expect(await store.publish(doc.id)).toBe(true);
    expect(ids(await store.listPublished({ limit: 100 }))).toContain(doc.id);
    await store.unpublish(doc.id);
    expect(ids(await store.listPublished({ limit: 100 }))).not.toContain(doc.id);
    expect(await store.publish(randomUUID())).toBe(false);
  });

  it('finds by every word, in any case, across number, title and synopsis', async () => {
    const tag = randomUUID().slice(0, 6);
    const a = await sop({ number: `SOP-${tag}-A`, title: 'Pedoman Kearsipan', synopsis: 'Penataan arsip dinamis.' });
    const b = await sop({ number: `SOP-${tag}-B`, title: 'Juklak Rapat', synopsis: 'Arsip notulen RAPAT pimpinan.' });
    await Promise.all([store.publish(a.id), store.publish(b.id)]);

    expect(ids(await store.listPublished({ words: `${tag} ARSIP` }))).toEqual([a.id, b.id]);
    expect(ids(await store.listPublished({ words: `${tag.toUpperCase()} rapat arsip` }))).toEqual([b.id]);
    expect(ids(await store.listPublished({ words: `sop-${tag}-a` }))).toEqual([a.id]);
    expect(await store.listPublished({ words: `${tag} tidak-ada` })).toEqual([]);
    expect(await store.listPublished({ words: '%' })).toEqual([]);
  });

  it('offers only the highest published revision of a number', async () => {
    const first = await sop();
    const second = await sop({ number: first.number, revision: 1, revisionDate: '2026-03-01' });
    await store.publish(first.id);
    expect(ids(await store.listPublished({ words: first.number }))).toEqual([first.id]);
    await store.publish(second.id);
    expect(ids(await store.listPublished({ words: first.number }))).toEqual([second.id]);
    expect((await store.listAll()).filter((d) => d.number === first.number)).toHaveLength(2);
  });
});

describe('a download link', () => {
  const pathOf = (url: string) => {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  };

  it('streams the file as an attachment named after the document, not the file uploaded', async () => {
    const doc = await sop({ number: 'SOP/ORTALA/009', fileName: 'scan0001.PDF' });
    await store.publish(doc.id);
    const url = app.downloadLinks.url(doc.id);
    expect(url).toMatch(new RegExp(`^http://localhost:${config.PORT}/unduh/${doc.id}\\?e=\\d+&s=[\\w-]{22}$`));
    const res = await web.inject({ method: 'GET', url: pathOf(url) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="SOP-ORTALA-009 Penanganan Pengaduan Masyarakat rev 0.pdf"; filename*=UTF-8''SOP-ORTALA-009%20Penanganan%20Pengaduan%20Masyarakat%20rev%200.pdf`,
    );
    expect(res.rawPayload).toEqual(PDF);
  });

  it('is refused with 403 and a polite word once expired', async () => {
    const doc = await sop();
    await store.publish(doc.id);
    const url = app.downloadLinks.url(doc.id, new Date(Date.now() - 25 * 3600_000));
    const res = await web.inject({ method: 'GET', url: pathOf(url) });
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('sudah kedaluwarsa');
  });

  it.each([
    ['another document’s id', (u: URL, other: string) => u.pathname.replace(/[^/]+$/, other)],
    [
      'a later expiry',
      (u: URL) => `${u.pathname}?e=${Number(u.searchParams.get('e')) + 3600}&s=${u.searchParams.get('s')}`,
    ],
    ['a changed tag', (u: URL) => `${u.pathname}?e=${u.searchParams.get('e')}&s=${'x'.repeat(22)}`],
    ['no tag', (u: URL) => `${u.pathname}?e=${u.searchParams.get('e')}`],
  ])('is refused with 403 when tampered: %s', async (_what, tamper) => {
    const [doc, other] = [await sop(), await sop()];
    await Promise.all([store.publish(doc.id), store.publish(other.id)]);
    const path = tamper(new URL(app.downloadLinks.url(doc.id)), other.id);
    const res = await web.inject({ method: 'GET', url: path.startsWith('/') ? path : `/${path}` });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('tidak sah');
  });

  it('no longer serves a document that was unpublished after the link was sent', async () => {
    const doc = await sop();
    await store.publish(doc.id);
    const url = app.downloadLinks.url(doc.id);
    await store.unpublish(doc.id);
    const res = await web.inject({ method: 'GET', url: pathOf(url) });
    expect(res.statusCode).toBe(410);
    expect(res.body).toContain('tidak lagi tersedia');
  });

  it('offers a name that cannot break the header', () => {
    const header = contentDisposition('../a"b\r\nSet-Cookie: x.pdf');
    expect(header).not.toMatch(/[\r\n]/);
    expect(header).toMatch(/^attachment; filename="[^"]*"; filename\*=UTF-8''\S+$/);
    expect(header).not.toContain('..');
  });
});

describe('the buku tamu', () => {
  it('gets a row for each download the flows record, with or without a known person', async () => {
    const doc = await sop();
    await database.db.insert(stakeholders).values({ id: 'sh-1', name: 'Warga' });
    await store.recordDownload(doc.id, null, 'web');
    await store.recordDownload(doc.id, 'sh-1', 'telegram');
    const rows = await database.db.select().from(downloads).where(eq(downloads.documentId, doc.id));
    expect(rows.map((r) => [r.stakeholderId, r.channel])).toEqual([
      [null, 'web'],
      ['sh-1', 'telegram'],
    ]);
  });

  it('is written inside the caller’s transaction, so a rolled-back message leaves no row', async () => {
    const doc = await sop();
    await database.db
      .transaction(async (tx) => {
        await store.recordDownload(doc.id, null, 'web', tx);
        throw new Error('roll back');
      })
      .catch(() => {});
    expect(await database.db.select().from(downloads).where(eq(downloads.documentId, doc.id))).toEqual([]);
  });
});
