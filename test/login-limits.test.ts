import { randomUUID } from 'node:crypto';
import { desc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { Database } from '../src/db/client.js';
import { auditLog } from '../src/db/schema.js';
import { LoginLimiter } from '../src/web/admin/login-limiter.js';
import { buildWeb } from '../src/web/server.js';
import { eventually, testApp, testConfig } from './support/app.js';
import { PASSWORD, postLogin, signIn } from './support/console.js';
import { freshDatabase } from './support/postgres.js';

let database: Database;
let app: App;
let direct: FastifyInstance;
let proxied: FastifyInstance;

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, testConfig(), { workers: false });
  direct = await buildWeb(app);
  proxied = await buildWeb(
    { ...app, config: { ...app.config, TRUST_PROXY: 1 } },
    { loginLimits: { addressAttempts: 5 } },
  );
});

afterAll(async () => {
  await direct?.close();
  await proxied?.close();
  await app?.close();
  await database?.close();
});

const limiter = () => new LoginLimiter(app.connection, app.prefix, { addressAttempts: 5 });

async function lastSignInAddress(username: string): Promise<string | null> {
  const [row] = await database.db
    .select({ ip: auditLog.ip })
    .from(auditLog)
    .where(eq(auditLog.actor, `admin:${username}`))
    .orderBy(desc(auditLog.id))
    .limit(1);
  return row?.ip ?? null;
}

describe('TRUST_PROXY', () => {
  it('is read as off, a hop count, or a list of addresses and ranges', () => {
    expect(loadConfig({}).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1' }).TRUST_PROXY).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
      '::1',
    ]);
    expect(() => loadConfig({ TRUST_PROXY: 'proxy.example' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/40' })).toThrow(/TRUST_PROXY/);
  });

  it('takes the client address from X-Forwarded-For only when set', async () => {
    await signIn(app, direct, 'proxied-admin');
    const headers = { 'x-forwarded-for': '203.0.113.9' };
    expect((await postLogin(direct, { username: 'proxied-admin', password: PASSWORD }, headers)).statusCode).toBe(302);
    expect(await lastSignInAddress('proxied-admin')).toBe('127.0.0.1');
    expect((await postLogin(proxied, { username: 'proxied-admin', password: PASSWORD }, headers)).statusCode).toBe(302);
    expect(await lastSignInAddress('proxied-admin')).toBe('203.0.113.9');
  });
});

describe('failed sign-ins from one address', () => {
  it('slow that address down without locking anyone out, and leave other addresses alone', async () => {
    await signIn(app, proxied, 'office-admin');
    const attacker = { 'x-forwarded-for': '198.51.100.7' };
    for (let i = 0; i < 7; i++) {
      const res = await postLogin(proxied, { username: `tebakan-${randomUUID()}`, password: 'salah' }, attacker);
      expect(res.statusCode).toBe(401);
    }
    expect(await limiter().slowDownMs('198.51.100.7')).toBeGreaterThan(0);
    expect(await limiter().slowDownMs('198.51.100.8')).toBe(0);
    // Everyone behind the same proxy address still gets in with the right password.
    const colleague = await postLogin(proxied, { username: 'office-admin', password: PASSWORD }, attacker);
    expect(colleague.statusCode).toBe(302);
  });
});

describe('the wait of an account', () => {
  it('grows with every failure past the free ones, and ends', async () => {
    const small = new LoginLimiter(app.connection, app.prefix, { freeAttempts: 2, baseDelayMs: 300 });
    const subject = `account:${randomUUID()}`;
    await small.failed(subject, '192.0.2.1');
    expect(await small.waitMs(subject)).toBe(0);
    await small.failed(subject, '192.0.2.1');
    const first = await small.waitMs(subject);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(300);
    await eventually('the first wait to end', async () => (await small.waitMs(subject)) === 0);
    await small.failed(subject, '192.0.2.1');
    expect(await small.waitMs(subject)).toBeGreaterThan(300);
    await small.succeeded(subject);
    expect(await small.waitMs(subject)).toBe(0);
  });
});
