import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { redactUrl } from '../src/web/request-log.js';
import { buildWeb } from '../src/web/server.js';
import { testApp, testConfig } from './support/app.js';
import { freshDatabase } from './support/postgres.js';

let database: Database;
let app: App;
let web: FastifyInstance;
const lines: string[] = [];

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, testConfig(), { workers: false });
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  web = await buildWeb({ ...app, log: pino({ level: 'info' }, sink) });
  await web.ready();
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

describe('the request log', () => {
  it('keeps status keys, download signatures, CSRF tokens and one-time sign-in tokens out', async () => {
    const secrets = ['statuskey0123456789', 'signature0123456789', 'csrftoken0123456789', 'onetime0123456789abc'];
    for (const url of [
      `/status/SMS-2026-000001?k=${secrets[0]}`,
      `/unduh/0b6f3c1e-2a4d-4e8b-9c1f-5d7e8a9b0c1d?e=1999999999&s=${secrets[1]}`,
      `/admin/documents?x=1&_csrf=${secrets[2]}`,
      `/admin/masuk/${secrets[3]}`,
    ]) {
      await web.inject({ method: 'GET', url });
    }
    const logged = lines.join('\n');
    expect(logged).toContain('/status/SMS-2026-000001?k=[redacted]');
    expect(logged).toContain('/admin/masuk/[redacted]');
    for (const secret of secrets) expect(logged).not.toContain(secret);
  });
});

describe('redactUrl', () => {
  it('keeps other parameters and the path as they were', () => {
    expect(redactUrl('/unduh/abc?e=17&s=xyz&q=a%20b')).toBe('/unduh/abc?e=17&s=[redacted]&q=a%20b');
    expect(redactUrl('/admin/tracking?sort=due')).toBe('/admin/tracking?sort=due');
    expect(redactUrl('/x?%5Fcsrf=t')).toBe('/x?%5Fcsrf=[redacted]');
  });
});
