import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { addOfficial } from '../src/db/officials.js';
import { auditLog, channelLinks, channelStates, linkCodes } from '../src/db/schema.js';
import { buildWeb } from '../src/web/server.js';
import { testApp, testConfig } from './support/app.js';
import { Chat, TestChannel, texts } from './support/chat-driver.js';
import { signIn } from './support/console.js';
import { freshDatabase } from './support/postgres.js';

const channel = new TestChannel();
let database: Database;
let app: App;
let web: FastifyInstance;
let session: { cookie: string; csrf: string };
let officialId: string;

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, testConfig(), { channels: [channel] });
  web = await buildWeb(app);
  await web.ready();
  session = await signIn(app, web, 'tautan');
  officialId = await addOfficial(database.db, {
    nip: '198001012005011010',
    name: 'Pejabat Tautan',
    roleId: 'staf-pelaksana',
    unitId: 'ortala',
  });
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

const makeCode = () =>
  web.inject({
    method: 'POST',
    url: `/admin/people/officials/${officialId}/link-code`,
    headers: { cookie: session.cookie },
    payload: { _csrf: session.csrf },
  });
const codeIn = (body: string) => /<p class="code" id="code">([A-Z2-9]{8})<\/p>/.exec(body)?.[1] ?? '';

describe('a link code made in the console', () => {
  it('is shown as text for WhatsApp and the web chat; without a known Telegram bot there is no QR', async () => {
    const res = await makeCode();
    expect(res.statusCode).toBe(200);
    const code = codeIn(res.body);
    expect(code).toMatch(/^[A-Z2-9]{8}$/);
    expect(res.body).toContain(`DAFTAR ${code}`);
    expect(res.body).not.toContain('<svg');
    const [stored] = await database.db.select().from(linkCodes).where(eq(linkCodes.code, code));
    expect(stored?.officialId).toBe(officialId);
  });

  it('comes with a Telegram start link and its QR as SVG once the bot’s name is known', async () => {
    await database.db
      .insert(channelStates)
      .values({ channel: 'telegram', state: 'polling', detail: '@siput_uji_bot' })
      .onConflictDoUpdate({ target: channelStates.channel, set: { detail: '@siput_uji_bot' } });
    const res = await makeCode();
    const code = codeIn(res.body);
    expect(res.body).toContain(`https://t.me/siput_uji_bot?start=${code}`);
    expect(res.body).toMatch(
      /<figure class="qr" role="img" aria-label="[^"]*"><svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/,
    );
    expect(res.headers['cache-control']).toBe('no-store');
    const audits = await database.db.select().from(auditLog).where(eq(auditLog.action, 'official.link_code'));
    expect(audits).toHaveLength(2);
    expect(JSON.stringify(audits)).not.toContain(code);
  });

  it('links the official’s chat when sent, and the chat then shows as reachable', async () => {
    const code = codeIn((await makeCode()).body);
    const chat = new Chat(app, channel);
    expect(texts(await chat.send(`DAFTAR ${code}`))).toContain('Akun Anda tertaut');
    const page = await web.inject({
      method: 'GET',
      url: `/admin/people/officials/${officialId}`,
      headers: { cookie: session.cookie },
    });
    expect(page.body).toContain(chat.address);
    expect(page.body).toContain('Dapat dihubungi');

    await database.db
      .update(channelLinks)
      .set({ active: false, lastError: '403: bot was blocked by the user' })
      .where(eq(channelLinks.address, chat.address));
    const after = await web.inject({
      method: 'GET',
      url: `/admin/people/officials/${officialId}`,
      headers: { cookie: session.cookie },
    });
    expect(after.body).toContain('Tidak dapat dihubungi');
    expect(after.body).toContain('bot was blocked by the user');
  });
});
