import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { auditLog } from '../src/db/schema.js';
import { buildWeb } from '../src/web/server.js';
import { testApp, testConfig } from './support/app.js';
import { signIn } from './support/console.js';
import { freshDatabase } from './support/postgres.js';

let database: Database;
let app: App;
let web: FastifyInstance;

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, testConfig({ QUEUE_BOARD_EDITORS: 'papan2, Kepala-Papan' }));
  web = await buildWeb(app);
  await web.ready();
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

describe('the queue board at /admin/queues', () => {
  it('shows every queue to an admin, with the session’s CSRF token for its own requests', async () => {
    const { cookie, csrf } = await signIn(app, web, 'papan');
    const page = await web.inject({ method: 'GET', url: '/admin/queues', headers: { cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<base href="/admin/queues/"');
    expect(page.body).toContain(JSON.stringify(csrf));
    expect(page.body).not.toContain('fonts.googleapis.com');
    const api = await web.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: { cookie } });
    expect(api.statusCode).toBe(200);
    const names = (api.json() as { queues: { name: string }[] }).queues.map((q) => q.name).sort();
    expect(names).toEqual(expect.arrayContaining(['timers', 'outbox-log', 'outbox-web']));
    // People read what a queue does, not its BullMQ name.
    const shown = (api.json() as { queues: { name: string; displayName?: string }[] }).queues;
    expect(shown.find((q) => q.name === 'timers')?.displayName).toBe('Pengingat dan eskalasi langkah');
    expect(shown.find((q) => q.name === 'outbox-web')?.displayName).toBe('Pengiriman pesan: chat web');
  });

  it('lets an admin pause a queue with the token, refuses it without, and audits it', async () => {
    const { cookie, csrf } = await signIn(app, web, 'papan2');
    const without = await web.inject({
      method: 'PUT',
      url: '/admin/queues/api/queues/timers/pause',
      headers: { cookie },
    });
    expect(without.statusCode).toBe(403);
    const paused = await web.inject({
      method: 'PUT',
      url: '/admin/queues/api/queues/timers/pause',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    expect(paused.statusCode).toBe(200);
    expect(await app.queues.timers.isPaused()).toBe(true);
    await app.queues.timers.resume();
    const [logged] = await database.db.select().from(auditLog).where(eq(auditLog.action, 'queues.put'));
    expect(logged).toMatchObject({ actor: 'admin:papan2', target: '/admin/queues/api/queues/:queueName/pause' });
  });

  it('is read-only for an admin not named in QUEUE_BOARD_EDITORS', async () => {
    const { cookie, csrf } = await signIn(app, web, 'papan3');
    for (const [method, url] of [
      ['PUT', '/admin/queues/api/queues/timers/pause'],
      ['PUT', '/admin/queues/api/queues/timers/clean/completed'],
      ['PUT', '/admin/queues/api/queues/timers/obliterate'],
    ] as const) {
      const res = await web.inject({ method, url, headers: { cookie, 'x-csrf-token': csrf } });
      expect(res.statusCode, url).toBe(403);
      expect(res.body).toContain('QUEUE_BOARD_EDITORS');
    }
    expect(await app.queues.timers.isPaused()).toBe(false);
  });

  it('is read-only for every admin when QUEUE_BOARD_EDITORS is unset, down to its buttons', async () => {
    const plain = await buildWeb({ ...app, config: { ...app.config, QUEUE_BOARD_EDITORS: [] } });
    try {
      const { cookie, csrf } = await signIn(app, plain, 'papan4');
      const api = await plain.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: { cookie } });
      const queues = (api.json() as { queues: { readOnlyMode: boolean }[] }).queues;
      expect(queues.length).toBeGreaterThan(0);
      expect(queues.every((q) => q.readOnlyMode)).toBe(true);
      const pause = await plain.inject({
        method: 'PUT',
        url: '/admin/queues/api/queues/timers/pause',
        headers: { cookie, 'x-csrf-token': csrf },
      });
      expect(pause.statusCode).toBe(403);
    } finally {
      await plain.close();
    }
  });

  it('is refused to a pimpinan, even to look', async () => {
    const { cookie, csrf } = await signIn(app, web, 'pimpinan-papan', 'pimpinan');
    for (const url of ['/admin/queues', '/admin/queues/api/queues', '/admin/health']) {
      const res = await web.inject({ method: 'GET', url, headers: { cookie } });
      expect(res.statusCode, url).toBe(403);
    }
    const pause = await web.inject({
      method: 'PUT',
      url: '/admin/queues/api/queues/timers/pause',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    expect(pause.statusCode).toBe(403);
    expect(await app.queues.timers.isPaused()).toBe(false);
  });

  it('is refused without a session', async () => {
    const page = await web.inject({ method: 'GET', url: '/admin/queues' });
    expect(page.statusCode).toBe(302);
    expect(page.headers.location).toMatch(/^\/admin\/login/);
    const api = await web.inject({ method: 'GET', url: '/admin/queues/api/queues' });
    expect(api.statusCode).toBe(302);
    const pause = await web.inject({ method: 'PUT', url: '/admin/queues/api/queues/timers/pause' });
    expect(pause.statusCode).toBe(401);
  });
});
