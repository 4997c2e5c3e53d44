import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { auditLog, documents } from '../src/db/schema.js';
import { buildWeb } from '../src/web/server.js';
import { testApp, testConfig } from './support/app.js';
import { signIn } from './support/console.js';
import { PDF } from './support/files.js';
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
  session = await signIn(app, web, 'dokumen-admin');
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

const DETAILS = {
  number: 'SOP-ORTALA-001',
  title: 'SOP Penyusunan Pedoman',
  revision: '0',
  revisionDate: '2026-01-15',
  category: 'Pedoman',
  synopsis: 'Tata cara menyusun pedoman dan juklak di lingkungan Setjen.',
};

function upload(fields: Record<string, string>, file?: { name: string; bytes: Buffer; type?: string }) {
  const form = multipartForm({ _csrf: session.csrf, ...fields }, file);
  return web.inject({
    method: 'POST',
    url: '/admin/documents',
    headers: { ...form.headers, cookie: session.cookie },
    payload: form.payload,
  });
}

const post = (url: string) =>
  web.inject({ method: 'POST', url, headers: { cookie: session.cookie }, payload: { _csrf: session.csrf } });

const published = () => app.documents.listPublished({ words: 'ORTALA' });

describe('uploading a document through the console', () => {
  it('stores it unpublished with its details, then publishes it, and audits both', async () => {
    const res = await upload(DETAILS, { name: 'sop-pedoman.pdf', bytes: PDF, type: 'application/pdf' });
    expect(res.statusCode).toBe(303);
    const id = /id=([\w-]+)/.exec(res.headers.location ?? '')?.[1] ?? '';
    const doc = await app.documents.get(id);
    expect(doc).toMatchObject({ ...DETAILS, revision: 0, fileName: 'sop-pedoman.pdf', published: false });
    expect(await published()).toEqual([]);

    const list = await web.inject({ method: 'GET', url: '/admin/documents', headers: { cookie: session.cookie } });
    expect(list.body).toContain('SOP-ORTALA-001');
    expect(list.body).toContain('Belum terbit');

    expect((await post(`/admin/documents/${id}/publish`)).statusCode).toBe(303);
    expect((await published()).map((d) => d.id)).toEqual([id]);
    const audits = await database.db.select().from(auditLog).where(eq(auditLog.target, id));
    expect(audits.map((a) => a.action).sort()).toEqual(['document.publish', 'document.upload']);
    expect(audits.every((a) => a.actor === 'admin:dokumen-admin')).toBe(true);
  });

  it('replaces it with a new revision that is offered instead, keeping the older one', async () => {
    const first = await upload({ ...DETAILS, number: 'SOP-ORTALA-002' }, { name: 'a.pdf', bytes: PDF });
    const firstId = /id=([\w-]+)/.exec(first.headers.location ?? '')?.[1] ?? '';
    await post(`/admin/documents/${firstId}/publish`);

    const form = await web.inject({
      method: 'GET',
      url: `/admin/documents/new?from=${firstId}`,
      headers: { cookie: session.cookie },
    });
    expect(form.body).toContain('value="SOP-ORTALA-002"');
    expect(form.body).toMatch(/name="revision"[^>]*value="1"/);

    const second = await upload(
      { ...DETAILS, number: 'SOP-ORTALA-002', revision: '1', synopsis: 'Revisi: bab tiga diperbarui.' },
      { name: 'a-rev1.pdf', bytes: PDF },
    );
    const secondId = /id=([\w-]+)/.exec(second.headers.location ?? '')?.[1] ?? '';
    await post(`/admin/documents/${secondId}/publish`);
    const offered = (await published()).filter((d) => d.number === 'SOP-ORTALA-002');
    expect(offered.map((d) => d.id)).toEqual([secondId]);
    const kept = await database.db.select().from(documents).where(eq(documents.number, 'SOP-ORTALA-002'));
    expect(kept).toHaveLength(2);
    const list = await web.inject({ method: 'GET', url: '/admin/documents', headers: { cookie: session.cookie } });
    expect(list.body).toContain('digantikan revisi 1');

    expect((await post(`/admin/documents/${secondId}/unpublish`)).statusCode).toBe(303);
    expect((await published()).filter((d) => d.number === 'SOP-ORTALA-002').map((d) => d.id)).toEqual([firstId]);
  });

  it('refuses the same revision twice, and a form without a file, keeping what was typed', async () => {
    await upload({ ...DETAILS, number: 'SOP-ORTALA-003' }, { name: 'b.pdf', bytes: PDF });
    const again = await upload({ ...DETAILS, number: 'SOP-ORTALA-003' }, { name: 'b.pdf', bytes: PDF });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('sudah punya revisi 0');
    expect(again.body).toContain('value="SOP-ORTALA-003"');
    const none = await upload({ ...DETAILS, number: 'SOP-ORTALA-004' });
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('Pilih berkas');
  });

  it('is refused without the CSRF token as the form’s first field, and with it in the URL only', async () => {
    const before = (await app.documents.listAll()).length;
    for (const [url, fields] of [
      ['/admin/documents', DETAILS],
      [`/admin/documents?_csrf=${encodeURIComponent(session.csrf)}`, DETAILS],
      ['/admin/documents', { _csrf: 'forged', ...DETAILS }],
    ] as const) {
      const form = multipartForm({ ...fields, number: 'SOP-ORTALA-CSRF' }, { name: 'c.pdf', bytes: PDF });
      const res = await web.inject({
        method: 'POST',
        url,
        headers: { ...form.headers, cookie: session.cookie },
        payload: form.payload,
      });
      expect(res.statusCode, url).toBe(403);
    }
    expect((await app.documents.listAll()).length).toBe(before);
  });

  it('puts the CSRF token in the upload form, not in its action URL', async () => {
    const res = await web.inject({ method: 'GET', url: '/admin/documents/new', headers: { cookie: session.cookie } });
    expect(res.body).toContain('action="/admin/documents"');
    expect(res.body).not.toContain('?_csrf=');
    const form = res.body.slice(res.body.indexOf('enctype="multipart/form-data"'));
    expect(form.indexOf('name="_csrf"')).toBeLessThan(form.indexOf('type="file"'));
  });

  it('lets the admin open the file before publishing it', async () => {
    const res = await upload({ ...DETAILS, number: 'SOP-ORTALA-005' }, { name: 'lihat.pdf', bytes: PDF });
    const id = /id=([\w-]+)/.exec(res.headers.location ?? '')?.[1] ?? '';
    const file = await web.inject({
      method: 'GET',
      url: `/admin/documents/${id}/file`,
      headers: { cookie: session.cookie },
    });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.rawPayload).toEqual(PDF);
  });
});
