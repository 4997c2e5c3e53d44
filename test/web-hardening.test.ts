import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { safeFileName } from '../src/files/file-kinds.js';
import { buildWeb } from '../src/web/server.js';
import { testApp, testConfig } from './support/app.js';
import { signIn } from './support/console.js';
import { PDF } from './support/files.js';
import { freshDatabase } from './support/postgres.js';

let database: Database;
let app: App;
let web: FastifyInstance;

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, testConfig({ PUBLIC_URL: 'https://siput.example.go.id' }), { workers: false });
  web = await buildWeb(app, { handleInbound: async () => ({ duplicate: false }) });
  await web.ready();
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

describe('the chat page', () => {
  it('is never stored by a shared cache, since its answer sets a session cookie', async () => {
    const res = await web.inject({ method: 'GET', url: '/chat' });
    expect(String(res.headers['set-cookie'])).toContain('siput_chat=');
    expect(String(res.headers['cache-control'])).not.toContain('public');
    expect(String(res.headers['cache-control'])).toContain('no-store');
  });
});

describe('posts to the chat API from another site', () => {
  it('are refused, and a reset from elsewhere leaves the visitor’s chat alone', async () => {
    const evil = await web.inject({
      method: 'POST',
      url: '/chat/api/reset',
      headers: { origin: 'https://evil.example' },
    });
    expect(evil.statusCode).toBe(403);
    expect(evil.headers['set-cookie']).toBeUndefined();
    expect(evil.json()).toMatchObject({ error: 'cross_site' });
    const fetched = await web.inject({
      method: 'POST',
      url: '/chat/api/send',
      headers: { 'sec-fetch-site': 'cross-site' },
      payload: { id: randomUUID(), text: 'halo' },
    });
    expect(fetched.statusCode).toBe(403);
  });

  it('are taken from the service’s own page, by its public address or the address asked for', async () => {
    for (const origin of ['https://siput.example.go.id', 'http://localhost:80']) {
      const res = await web.inject({
        method: 'POST',
        url: '/chat/api/reset',
        headers: { origin, host: 'localhost:80' },
      });
      expect(res.statusCode, origin).toBe(200);
      expect(String(res.headers['set-cookie'])).toContain('siput_chat=');
    }
  });
});

describe('file names', () => {
  it('lose bidi overrides and invisible characters', () => {
    expect(safeFileName('harmless\u202Egnp.pdf')).toBe('harmlessgnp.pdf');
    expect(safeFileName('sur\u200Bat\u2066.pdf\u2069')).toBe('surat.pdf');
    expect(safeFileName('\uFEFFlaporan\u200F.pdf')).toBe('laporan.pdf');
  });

  it('are stored without them from a document upload', async () => {
    const saved = await app.documents.add({
      number: `SOP-${randomUUID().slice(0, 8)}`,
      title: 'Uji',
      revision: 0,
      revisionDate: null,
      category: null,
      synopsis: 'Uji nama berkas.',
      fileName: 'harmless\u202Egnp.pdf',
      bytes: PDF,
    });
    expect(saved.fileName).toBe('harmlessgnp.pdf');
  });
});

describe('the console', () => {
  it('sends a Content-Security-Policy that forbids framing, on the sign-in page and signed in', async () => {
    const { cookie } = await signIn(app, web, 'csp-admin');
    for (const url of ['/admin/login', '/admin', '/admin/tracking', '/admin/queues']) {
      const res = await web.inject({ method: 'GET', url, headers: { cookie } });
      expect(res.statusCode, url).toBe(200);
      expect(String(res.headers['content-security-policy']), url).toContain("frame-ancestors 'none'");
      expect(res.headers['x-frame-options'], url).toBe('DENY');
    }
    const page = await web.inject({ method: 'GET', url: '/admin', headers: { cookie } });
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
  });
});
