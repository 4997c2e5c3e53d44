import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { linkChannel } from '../src/db/officials.js';
import { messages, stakeholders } from '../src/db/schema.js';
import { buildWeb } from '../src/web/server.js';
import { eventually, testApp, testConfig } from './support/app.js';
import { signIn } from './support/console.js';
import { freshDatabase } from './support/postgres.js';
import { freePort, TestSmtp } from './support/smtp.js';

describe('a mail server that is down', () => {
  let database: Database;
  let app: App;
  let smtp: TestSmtp;

  beforeAll(async () => {
    smtp = new TestSmtp(await freePort());
    database = await freshDatabase();
    app = await testApp(database, testConfig({ SMTP_URL: smtp.url }), { retryDelayMs: 300 });
  });

  afterAll(async () => {
    await app?.close();
    await database?.close();
    await smtp?.stop();
  });

  it('is retried, and the email goes out once it is back', async () => {
    const id = randomUUID();
    await database.db.insert(stakeholders).values({ id, name: 'Dewi', email: 'dewi@contoh.go.id' });
    await linkChannel(database.db, { kind: 'stakeholder', id }, 'web', randomUUID());
    const { caseId } = await app.cases.submit({ sopId: 'siput-sms', unitId: 'ortala', stakeholderId: id });
    const failed = await eventually('a failed attempt', async () => {
      const [row] = await database.db
        .select()
        .from(messages)
        .where(and(eq(messages.caseId, caseId), eq(messages.channel, 'email')));
      return row && row.attempts >= 1 && row.lastError ? row : null;
    });
    expect(failed.status).toBe('pending');
    expect(failed.lastError).toMatch(/^smtp /);
    await smtp.start();
    await eventually(
      'the email to arrive',
      async () => smtp.mails.find((m) => m.to.includes('dewi@contoh.go.id')),
      30_000,
    );
    await eventually('the row to be marked sent', async () => {
      const [sent] = await database.db.select().from(messages).where(eq(messages.id, failed.id));
      return sent?.status === 'sent';
    });
  }, 90_000);
});

describe('no SMTP_URL', () => {
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

  it('sends no email and the console says email is off', async () => {
    const id = randomUUID();
    await database.db.insert(stakeholders).values({ id, name: 'Rudi', email: 'rudi@contoh.go.id' });
    await linkChannel(database.db, { kind: 'stakeholder', id }, 'web', randomUUID());
    const { caseId } = await app.cases.submit({ sopId: 'siput-sms', unitId: 'ortala', stakeholderId: id });
    const receipt = await eventually('the web message to be sent', async () => {
      const [row] = await database.db
        .select()
        .from(messages)
        .where(and(eq(messages.caseId, caseId), eq(messages.channel, 'web')));
      return row?.status === 'sent' ? row : null;
    });
    expect(app.channels.has('email')).toBe(false);
    expect(await app.emailFallback.instead(receipt.id)).toBe(false);
    const rows = await database.db.select().from(messages).where(eq(messages.caseId, caseId));
    expect(rows.filter((r) => r.channel === 'email')).toHaveLength(0);
    const session = await signIn(app, web, 'tanpa-surel');
    const health = await web.inject({ method: 'GET', url: '/admin/health', headers: { cookie: session.cookie } });
    expect(health.body).toContain('SMTP_URL belum diatur');
  });
});
