import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { auditLog } from '../src/db/schema.js';
import { buildWeb } from '../src/web/server.js';
import { testApp, testConfig } from './support/app.js';
import { PASSWORD, postLogin, signIn } from './support/console.js';
import { freshDatabase } from './support/postgres.js';

let database: Database;
let app: App;
let web: FastifyInstance;

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, testConfig());
  web = await buildWeb(app);
  await web.ready();
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

// The console's stylesheet and scripts hold nothing private (web-compression.test.ts fetches them without a session).
const PUBLIC = new Set([
  '/admin/login',
  '/admin/lang',
  '/admin/masuk/:token',
  '/admin/static/admin.css',
  '/admin/static/chart.umd.min.js',
  '/admin/static/reports.js',
  '/admin/static/skm.js',
]);

function adminRoutes() {
  return web.siputRoutes
    .filter((r) => r.url.startsWith('/admin') && !PUBLIC.has(r.url))
    .flatMap((r) =>
      (Array.isArray(r.method) ? r.method : [r.method]).map((method) => ({ method: String(method), url: r.url })),
    )
    .filter((r) => r.method !== 'HEAD');
}

/** A concrete URL for a route pattern: parameters filled with harmless values. */
const concrete = (url: string) => url.replace(/:\w+/g, 'x').replace('*', 'x');

describe('the console without a session', () => {
  it('refuses every /admin route the router knows, sending pages to the sign-in', async () => {
    const routes = adminRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(2);
    for (const route of routes) {
      const res = await web.inject({ method: route.method as 'GET', url: concrete(route.url) });
      if (route.method === 'GET') {
        expect(res.statusCode, `${route.method} ${route.url}`).toBe(302);
        expect(res.headers.location).toMatch(/^\/admin\/login\?back=/);
      } else {
        expect(res.statusCode, `${route.method} ${route.url}`).toBe(401);
      }
    }
  });

  it('refuses a forged session cookie', async () => {
    const res = await web.inject({ method: 'GET', url: '/admin', headers: { cookie: 'siput_admin=forged' } });
    expect(res.statusCode).toBe(302);
  });
});

describe('signing in', () => {
  it('lets a right password in with an HttpOnly, SameSite session cookie, and records it in the audit log', async () => {
    await signIn(app, web, 'admin1');
    const login = await postLogin(web, { username: 'admin1', password: PASSWORD });
    const cookie = login.cookies.find((c) => c.name === 'siput_admin');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Strict');
    const audits = await database.db.select().from(auditLog);
    expect(audits.some((a) => a.action === 'console.sign_in' && a.actor === 'admin:admin1')).toBe(true);
  });

  it('rate-limits repeated wrong passwords, even when the right one follows', async () => {
    await signIn(app, web, 'target');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await postLogin(web, { username: 'target', password: `salah-${i}` });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses[5]).toBe(429);
    const right = await postLogin(web, { username: 'target', password: PASSWORD });
    expect(right.statusCode).toBe(429);
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
    expect(right.body).toContain('Terlalu banyak percobaan gagal');
  });

  it('counts every spelling of a name against its one account', async () => {
    await signIn(app, web, 'victim');
    const spellings = ['victim ', ' victim', 'victim\t', 'VICTIM', ' Victim\t'];
    for (const username of spellings) {
      expect((await postLogin(web, { username, password: 'salah-sekali' })).statusCode, JSON.stringify(username)).toBe(
        401,
      );
    }
    for (const username of ['victim', ' victim ', 'victim\n']) {
      const res = await postLogin(web, { username, password: PASSWORD });
      expect(res.statusCode, JSON.stringify(username)).toBe(429);
    }
  });

  it('lets a name without an account fail its free attempts, then makes it wait too', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await postLogin(web, { username: ` nobody-${i % 2 ? 'X' : 'x'} `, password: 'a' })).statusCode).toBe(401);
    }
    expect((await postLogin(web, { username: 'NOBODY-X', password: 'a' })).statusCode).toBe(429);
  });

  it('refuses the form without its CSRF token, before looking at the password', async () => {
    await signIn(app, web, 'csrf-target');
    const bare = await web.inject({
      method: 'POST',
      url: '/admin/login',
      payload: { username: 'csrf-target', password: PASSWORD },
    });
    expect(bare.statusCode).toBe(403);
    expect(bare.body).toContain('kedaluwarsa');
    expect(bare.cookies.some((c) => c.name === 'siput_admin')).toBe(false);
    const form = await web.inject({ method: 'GET', url: '/admin/login' });
    const token = form.cookies.find((c) => c.name === 'siput_login');
    expect(token?.httpOnly).toBe(true);
    expect(token?.sameSite).toBe('Strict');
    const otherToken = await web.inject({
      method: 'POST',
      url: '/admin/login',
      headers: { cookie: `siput_login=${token?.value}` },
      payload: { username: 'csrf-target', password: PASSWORD, _csrf: 'not-the-form-token-at-all-000000' },
    });
    expect(otherToken.statusCode).toBe(403);
  });

  it('does not redirect outside the console after sign-in', async () => {
    await signIn(app, web, 'admin2');
    const res = await postLogin(web, { username: 'admin2', password: PASSWORD, back: 'https://evil.example/' });
    expect(res.headers.location).toBe('/admin');
  });
});

describe('changes through the console', () => {
  it('are refused without the session’s CSRF token', async () => {
    const { cookie, csrf } = await signIn(app, web, 'admin3');
    const without = await web.inject({ method: 'POST', url: '/admin/logout', headers: { cookie } });
    expect(without.statusCode).toBe(403);
    const wrong = await web.inject({
      method: 'POST',
      url: '/admin/logout',
      headers: { cookie },
      payload: { _csrf: 'x' },
    });
    expect(wrong.statusCode).toBe(403);
    const right = await web.inject({
      method: 'POST',
      url: '/admin/logout',
      headers: { cookie },
      payload: { _csrf: csrf },
    });
    expect(right.statusCode).toBe(302);
    const after = await web.inject({ method: 'GET', url: '/admin', headers: { cookie } });
    expect(after.statusCode).toBe(302);
  });

  it('are refused for a pimpinan on every route that changes something', async () => {
    const { cookie, csrf } = await signIn(app, web, 'pimpinan1', 'pimpinan');
    const changing = adminRoutes().filter((r) => r.method !== 'GET' && r.url !== '/admin/logout');
    for (const route of changing) {
      const res = await web.inject({
        method: route.method as 'POST',
        url: concrete(route.url),
        headers: { cookie, 'x-csrf-token': csrf },
      });
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(403);
    }
    const view = await web.inject({ method: 'GET', url: '/admin', headers: { cookie } });
    expect(view.statusCode).toBe(200);
  });
});
