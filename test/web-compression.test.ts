import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { buildWeb } from '../src/web/server.js';
import { testApp, testConfig } from './support/app.js';
import { signIn } from './support/console.js';
import { freshDatabase } from './support/postgres.js';

let database: Database;
let app: App;
let web: FastifyInstance;
let session: { cookie: string; csrf: string };

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, testConfig(), { workers: false });
  web = await buildWeb(app, { handleInbound: async () => ({ duplicate: false }) });
  await web.ready();
  session = await signIn(app, web, 'kompresi');
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

const IMMUTABLE = 'public, max-age=31536000, immutable';
const get = (url: string, headers: Record<string, string> = {}) => web.inject({ method: 'GET', url, headers });

/** Every src and href of a page that points into the service (not an anchor, not a form target). */
function linkedAssets(page: string): string[] {
  return [...page.matchAll(/<(?:link|script)[^>]*?(?:src|href)="([^"]+)"/g)].map((m) =>
    (m[1] ?? '').replace(/&amp;/g, '&'),
  );
}

describe('compression', () => {
  it('sends pages brotli- or gzip-compressed as the browser asks, and plain to one that asks for neither', async () => {
    const plain = await get('/admin/reports', { cookie: session.cookie });
    expect(plain.headers['content-encoding']).toBeUndefined();
    const br = await web.inject({
      method: 'GET',
      url: '/admin/reports',
      headers: { cookie: session.cookie, 'accept-encoding': 'br, gzip' },
    });
    expect(br.headers['content-encoding']).toBe('br');
    expect(String(br.headers.vary)).toMatch(/accept-encoding/i);
    const text = brotliDecompressSync(br.rawPayload).toString('utf8');
    expect(text).toContain('<h1>Laporan</h1>');
    expect(br.rawPayload.length).toBeLessThan(text.length / 2);
    const gzip = await get('/admin/reports', { cookie: session.cookie, 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.rawPayload).toString('utf8')).toContain('<h1>Laporan</h1>');
  });

  it('compresses the chat page and its script, and the console stylesheet', async () => {
    const chat = await get('/chat', { 'accept-encoding': 'gzip' });
    expect(chat.headers['content-encoding']).toBe('gzip');
    const page = gunzipSync(chat.rawPayload).toString('utf8');
    const script = linkedAssets(page).find((u) => u.startsWith('/chat/static/chat.js'));
    expect(script).toBeDefined();
    const js = await get(script ?? '', { 'accept-encoding': 'br' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-encoding']).toBe('br');
    const css = await get('/admin/login', { 'accept-encoding': 'gzip' });
    const sheet = linkedAssets(gunzipSync(css.rawPayload).toString('utf8')).find((u) => u.includes('admin.css'));
    const sent = await get(sheet ?? '', { 'accept-encoding': 'gzip' });
    expect(sent.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(sent.rawPayload).toString('utf8')).toContain(':root');
  });

  it('refuses a compressed request body rather than inflating it', async () => {
    const res = await web.inject({
      method: 'POST',
      url: '/admin/login',
      headers: { 'content-encoding': 'gzip', 'content-type': 'application/x-www-form-urlencoded' },
      payload: Buffer.from([0x1f, 0x8b, 0x08, 0x00]),
    });
    expect(res.statusCode).toBe(415);
  });
});

describe('caching by version', () => {
  it('links every console asset by its content version and lets any cache keep it for a year', async () => {
    const reports = await get('/admin/reports', { cookie: session.cookie });
    const assets = linkedAssets(reports.body);
    // The icon, the stylesheet, chart.js and the reports' script.
    expect(assets).toHaveLength(4);
    for (const url of assets) {
      expect(url).toMatch(/\?v=[0-9a-f]{16}$/);
      // Without a session too: none of them holds anything private.
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control'], url).toBe(IMMUTABLE);
    }
  });

  it('asks again for an asset named without its current version', async () => {
    for (const url of ['/admin/static/admin.css', '/admin/static/reports.js?v=0000000000000000']) {
      const res = await get(url);
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('no-cache');
    }
  });

  it('links the chat’s script, stylesheet and icon by version, while the chat page itself stays private', async () => {
    const chat = await get('/chat');
    expect(chat.headers['cache-control']).toBe('no-store');
    const assets = linkedAssets(chat.body);
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const url of assets) {
      expect(url).toMatch(/\?v=[0-9a-f]{16}$/);
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control'], url).toBe(IMMUTABLE);
    }
    const bare = await get('/chat/static/chat.js');
    expect(bare.headers['cache-control']).toBe('no-cache');
  });

  it('keeps console pages with a session out of every cache', async () => {
    for (const url of ['/admin', '/admin/reports', '/admin/tracking', '/admin/audit']) {
      const res = await get(url, { cookie: session.cookie, 'accept-encoding': 'br' });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control'], url).toMatch(/no-store/);
      expect(res.headers['cache-control'], url).not.toMatch(/public/);
    }
  });
});
