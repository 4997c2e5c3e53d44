import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { auditLog, cases } from '../src/db/schema.js';
import { pseudonymOf } from '../src/privacy/pseudonym.js';
import { buildWeb } from '../src/web/server.js';
import { eventually, testApp, testConfig } from './support/app.js';
import { type Chat, TestChannel, texts } from './support/chat-driver.js';
import { addSmsOfficials, fileComplaint } from './support/complaints.js';
import { signIn } from './support/console.js';
import { freshDatabase } from './support/postgres.js';

const NAME = 'Dewi Kartika';
const EMAIL = 'dewi.k@contoh.go.id';
const PHONE = '+6285711112222';

let database: Database;
let app: App;
let web: FastifyInstance;
const channel = new TestChannel();
let staf: Chat;

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, testConfig(), { channels: [channel] });
  web = await buildWeb(app);
  await web.ready();
  const officials = await addSmsOfficials(app, channel, '19800101200501600');
  staf = officials.chats['staf-pelaksana'];
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

async function taskMessage(ticket: string): Promise<string> {
  return eventually(`the task for ${ticket}`, async () => {
    await staf.settle();
    return staf.received.find((m) => m.text.startsWith('Tugas baru') && m.text.includes(ticket))?.text;
  });
}

async function taskDetail(ticket: string): Promise<string> {
  await staf.send('TUGAS');
  return texts(await staf.press(ticket));
}

function expectNoIdentity(text: string) {
  expect(text).not.toContain('Dewi');
  expect(text).not.toContain(EMAIL);
  expect(text).not.toContain(PHONE);
  expect(text).not.toContain('0857');
}

describe('a rahasia report', () => {
  it('shows officials a pseudonym and no contact, in the task message and the task detail', async () => {
    const { ticket, receipt } = await fileComplaint(app, channel, {
      name: NAME,
      contact: `0857 1111 2222, ${EMAIL}`,
      text: `Saya Dewi Kartika, hubungi 0857-1111-2222. Petugas loket meminta pungutan liar.`,
      rahasia: true,
    });
    expect(receipt).toContain(ticket);
    const [row] = await database.db.select().from(cases).where(eq(cases.ticket, ticket));
    expect(row?.rahasia).toBe(true);
    const alias = pseudonymOf(row?.id ?? '');

    const task = await taskMessage(ticket);
    expect(task).toContain(`Pelapor: ${alias} (identitas dirahasiakan)`);
    expect(task).toContain('Petugas loket meminta pungutan liar');
    expectNoIdentity(task);

    const detail = await taskDetail(ticket);
    expect(detail).toContain(`Pelapor: ${alias}`);
    expect(detail).toContain('pungutan liar');
    expectNoIdentity(detail);

    const status = texts(await staf.send(`STATUS ${ticket}`));
    expect(status).toContain(ticket);
    expectNoIdentity(status);
  });

  it('while an ordinary report shows officials the reporter and how to reach them', async () => {
    const { ticket } = await fileComplaint(app, channel, { name: 'Agus Salim', contact: '0812 7777 6666' });
    expect(await taskMessage(ticket)).toContain('Pelapor: Agus Salim (+6281277776666)');
    expect(await taskDetail(ticket)).toContain('Pelapor: Agus Salim (+6281277776666)');
  });

  it('shows the identity on the case page only to an admin who asks, and records each look', async () => {
    const { ticket } = await fileComplaint(app, channel, {
      name: NAME,
      contact: EMAIL,
      text: 'Saya Dewi Kartika melaporkan pungutan liar di loket.',
      rahasia: true,
    });
    const [row] = await database.db.select().from(cases).where(eq(cases.ticket, ticket));
    const alias = pseudonymOf(row?.id ?? '');
    const looks = async () =>
      (await database.db.select().from(auditLog).where(eq(auditLog.action, 'stakeholder.view_identity'))).filter(
        (a) => a.target === ticket,
      );

    const pimpinan = await signIn(app, web, 'pimpinan-rahasia', 'pimpinan');
    for (const url of [`/admin/cases/${ticket}`, `/admin/cases/${ticket}?identity=1`]) {
      const res = await web.inject({ method: 'GET', url, headers: { cookie: pimpinan.cookie } });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain(alias);
      expectNoIdentity(res.body);
      expect(res.body).not.toContain('Tampilkan identitas');
    }
    const list = await web.inject({
      method: 'GET',
      url: `/admin/tracking?q=${ticket}`,
      headers: { cookie: pimpinan.cookie },
    });
    expectNoIdentity(list.body);
    expect(await looks()).toHaveLength(0);

    const admin = await signIn(app, web, 'admin-rahasia');
    const page = await web.inject({ method: 'GET', url: `/admin/cases/${ticket}`, headers: { cookie: admin.cookie } });
    expectNoIdentity(page.body);
    expect(page.body).toContain(`Saya ${alias} melaporkan`);
    expect(page.body).toContain('Tampilkan identitas');
    expect(await looks()).toHaveLength(0);

    const shown = await web.inject({
      method: 'GET',
      url: `/admin/cases/${ticket}?identity=1`,
      headers: { cookie: admin.cookie },
    });
    expect(shown.body).toContain(NAME);
    expect(shown.body).toContain(EMAIL);
    expect(shown.body).toContain('Saya Dewi Kartika melaporkan');
    await web.inject({ method: 'GET', url: `/admin/cases/${ticket}?identity=1`, headers: { cookie: admin.cookie } });
    const recorded = await looks();
    expect(recorded).toHaveLength(2);
    expect(recorded[0]).toMatchObject({ actor: 'admin:admin-rahasia', details: { caseId: row?.id } });
  });
});
