import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { createLinkCode } from '../src/db/link-codes.js';
import { createLoginToken } from '../src/db/official-login-tokens.js';
import { addOfficial } from '../src/db/officials.js';
import { auditLog } from '../src/db/schema.js';
import { buildWeb } from '../src/web/server.js';
import { testApp, testConfig } from './support/app.js';
import { Chat, TestChannel, texts } from './support/chat-driver.js';
import { freshDatabase } from './support/postgres.js';

const config = testConfig({ PUBLIC_URL: 'https://siput.contoh.go.id' });
const channel = new TestChannel();
let database: Database;
let app: App;
let web: FastifyInstance;
let staf: { id: string; chat: Chat };
let kasubag: { id: string; chat: Chat };
let ticket: string;

async function official(nip: string, roleId: string, superiorNip?: string) {
  const id = await addOfficial(database.db, { nip, name: `Pejabat ${roleId}`, roleId, unitId: 'ortala', superiorNip });
  const chat = new Chat(app, channel);
  const { code } = await createLinkCode(database.db, nip);
  expect(texts(await chat.send(`DAFTAR ${code}`))).toContain('Akun Anda tertaut');
  return { id, chat };
}

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, config, { channels: [channel] });
  web = await buildWeb(app);
  await web.ready();
  kasubag = await official('198001012005011001', 'kasubag-tl');
  staf = await official('198001012005011002', 'staf-pelaksana', '198001012005011001');
  ({ ticket } = await app.cases.submit({
    sopId: 'siput-sms',
    unitId: 'ortala',
    category: 'keluhan',
    subject: 'SOP pelayanan',
    body: 'Dokumen tidak dapat diunduh.',
    channel: 'web',
  }));
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

const LINK = /https:\/\/siput\.contoh\.go\.id(\/admin\/masuk\/[\w-]{43})\b/;

async function askLink(chat: Chat): Promise<string> {
  const reply = texts(await chat.send('/masuk'));
  const path = LINK.exec(reply)?.[1];
  if (!path) throw new Error(`no sign-in link in: ${reply}`);
  return path;
}

async function press(path: string) {
  const res = await web.inject({ method: 'POST', url: path });
  const cookie = res.cookies.find((c) => c.name === 'siput_admin');
  return { res, cookie: cookie ? `siput_admin=${cookie.value}` : undefined };
}

describe('an official’s one-time sign-in link', () => {
  it('comes in their chat, opens with a button, and signs them in to their own tasks', async () => {
    const path = await askLink(staf.chat);
    // Opening the link (as a chat app's link preview does) does not spend it.
    for (let i = 0; i < 2; i++) {
      const open = await web.inject({ method: 'GET', url: path });
      expect(open.statusCode).toBe(200);
      expect(open.body).toContain(`action="${path}"`);
    }
    const { res, cookie } = await press(path);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/tasks');
    const tasks = await web.inject({ method: 'GET', url: '/admin/tasks', headers: { cookie } });
    expect(tasks.statusCode).toBe(200);
    expect(tasks.body).toContain(ticket);
    expect(tasks.body).toContain('Tugas saya');
    const audits = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.actor, `official:${staf.id}`));
    expect(audits.map((a) => a.action)).toContain('console.official_sign_in');
  });

  it('works once', async () => {
    const path = await askLink(staf.chat);
    expect((await press(path)).res.statusCode).toBe(303);
    const again = await press(path);
    expect(again.res.statusCode).toBe(410);
    expect(again.cookie).toBeUndefined();
    expect(again.res.body).toContain('sudah dipakai');
    expect((await web.inject({ method: 'GET', url: path })).statusCode).toBe(410);
  });

  it('expires after 15 minutes', async () => {
    const { token } = await createLoginToken(database.db, staf.id, new Date(Date.now() - 16 * 60_000));
    const res = await press(`/admin/masuk/${token}`);
    expect(res.res.statusCode).toBe(410);
    expect(res.cookie).toBeUndefined();
  });

  it('is refused when altered', async () => {
    const path = await askLink(staf.chat);
    const altered = path.slice(0, -1) + (path.endsWith('A') ? 'B' : 'A');
    expect((await press(altered)).res.statusCode).toBe(410);
    expect((await press('/admin/masuk/..%2F..%2Fadmin')).res.statusCode).toBe(410);
  });

  it('shows each official only their own steps, and nothing else of the console', async () => {
    const { cookie } = await press(await askLink(kasubag.chat));
    const tasks = await web.inject({ method: 'GET', url: '/admin/tasks', headers: { cookie } });
    expect(tasks.statusCode).toBe(200);
    expect(tasks.body).not.toContain(ticket);
    expect(tasks.body).toContain('Tidak ada tugas');
    const home = await web.inject({ method: 'GET', url: '/admin', headers: { cookie } });
    expect(home.headers.location).toBe('/admin/tasks');
    for (const url of ['/admin/documents', '/admin/guestbook', '/admin/people', '/admin/queues', '/admin/tracking']) {
      const res = await web.inject({ method: 'GET', url, headers: { cookie } });
      expect(res.statusCode, url).toBe(403);
    }
  });
});

describe('asking for a sign-in link', () => {
  it('is only for linked officials', async () => {
    const stranger = new Chat(app, channel);
    await stranger.send('halo');
    const reply = texts(await stranger.send('/masuk'));
    expect(reply).toContain('hanya untuk pejabat');
    expect(reply).not.toMatch(LINK);
  });

  it('is refused in a group, where every member would read the link', async () => {
    await app.flows.handle({
      channel: 'test',
      address: staf.chat.address,
      replyTo: 'group-ortala',
      key: 'group-masuk-1',
      text: '/masuk',
    });
    await new Chat(app, channel, 'group-ortala').settle();
    const said = texts(channel.inbox.get('group-ortala') ?? []);
    expect(said).toContain('bukan di grup');
    expect(said).not.toMatch(LINK);
  });
});
