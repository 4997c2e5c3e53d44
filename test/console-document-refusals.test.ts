import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { documents } from '../src/db/schema.js';
import { buildWeb } from '../src/web/server.js';
import { testApp, testConfig } from './support/app.js';
import { signIn } from './support/console.js';
import { PDF, PNG, TEXT } from './support/files.js';
import { multipartForm } from './support/multipart.js';
import { freshDatabase } from './support/postgres.js';

const config = testConfig();
let database: Database;
let app: App;
let web: FastifyInstance;
let session: { cookie: string; csrf: string };

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, config);
  web = await buildWeb(app);
  await web.ready();
  session = await signIn(app, web, 'penjaga');
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

const DETAILS = { number: 'SOP-X-001', title: 'Uji', revision: '0', synopsis: 'Uji penolakan berkas.' };

function upload(name: string, bytes: Buffer, type = 'application/pdf', number = DETAILS.number) {
  const form = multipartForm({ _csrf: session.csrf, ...DETAILS, number }, { name, bytes, type });
  return web.inject({
    method: 'POST',
    url: '/admin/documents',
    headers: { ...form.headers, cookie: session.cookie },
    payload: form.payload,
  });
}

const stored = async () => (await database.db.select().from(documents)).length;
const filesUnder = async (dir: string) => readdir(dir, { recursive: true }).catch(() => [] as string[]);

describe('a file whose content is not what its name claims', () => {
  it.each([
    ['a text file named .pdf', 'catatan.pdf', TEXT],
    ['a photo named .pdf', 'foto.pdf', PNG],
    ['a PDF named .docx', 'laporan.docx', PDF],
  ])('is refused: %s', async (_what, name, bytes) => {
    const before = await stored();
    const res = await upload(name, bytes);
    expect(res.statusCode).toBe(415);
    expect(res.body).toMatch(/tidak diterima|tidak sesuai/);
    expect(await stored()).toBe(before);
    expect(await filesUnder(join(config.DATA_DIR, 'documents'))).toHaveLength(before);
  });
});

describe('a file name that tries to leave the document store', () => {
  it.each([
    ['../../../etc/cron.d/siput.pdf'],
    ['..\\..\\windows\\system32\\x.pdf'],
    ['/etc/passwd.pdf'],
    ['documents/../../x.pdf'],
  ])('is refused, and nothing is written: %s', async (name) => {
    const before = await filesUnder(config.DATA_DIR);
    const res = await upload(name, PDF);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('tidak boleh memuat folder');
    expect(await filesUnder(config.DATA_DIR)).toEqual(before);
    expect(await stored()).toBe(0);
  });

  it('cannot reach another file through the document id in a URL', async () => {
    for (const id of ['..%2F..%2Fetc%2Fpasswd', '..', '%2e%2e']) {
      const res = await web.inject({
        method: 'GET',
        url: `/admin/documents/${id}/file`,
        headers: { cookie: session.cookie },
      });
      expect(res.statusCode, id).toBe(404);
    }
  });

  it('keeps a plain name, and stores the bytes under the id only', async () => {
    const res = await upload('SOP Pengaduan (rev 0).pdf', PDF, 'application/pdf', 'SOP-X-002');
    expect(res.statusCode).toBe(303);
    const [doc] = await database.db.select().from(documents);
    expect(doc?.fileName).toBe('SOP Pengaduan (rev 0).pdf');
    expect(await filesUnder(join(config.DATA_DIR, 'documents'))).toEqual([doc?.id]);
  });
});
