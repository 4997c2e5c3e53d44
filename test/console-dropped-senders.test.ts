import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { addOfficial, linkChannel } from '../src/db/officials.js';
import { stakeholders } from '../src/db/schema.js';
import { senderLogRef } from '../src/flows/index.js';
import { buildWeb } from '../src/web/server.js';
import { testApp, testConfig } from './support/app.js';
import { signIn } from './support/console.js';
import { freshDatabase } from './support/postgres.js';

let database: Database;
let app: App;
let web: FastifyInstance;

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, testConfig({ CHAT_MESSAGES_PER_MINUTE: '7' }));
  web = await buildWeb(app);
  await web.ready();
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

const rowsOf = (body: string) => {
  const panel = body.slice(body.indexOf('id="dropped"'), body.indexOf('id="dead"'));
  return [...panel.matchAll(/<tr><td>([^<]*)<\/td><td>([^<]*)<\/td>\s*<td>([^<]*)<\/td>/g)].map((m) => m.slice(1));
};

describe('senders over the flood limit on the channel page', () => {
  it('lists each with the messages dropped in the last day, named as the console names people', async () => {
    const { cookie } = await signIn(app, web, 'admin-dropped');
    const empty = await web.inject({ method: 'GET', url: '/admin/health', headers: { cookie } });
    expect(empty.body).toContain('Tidak ada pengirim yang melebihi batas dalam 24 jam terakhir.');
    expect(empty.body).toContain('melebihi 7 pesan per menit');

    const officialId = await addOfficial(database.db, {
      nip: '198001012005011099',
      name: 'Sri Pejabat',
      roleId: 'staf-pelaksana',
      unitId: 'ortala',
    });
    await linkChannel(database.db, { kind: 'official', id: officialId }, 'telegram', '5550001');
    await database.db
      .insert(stakeholders)
      .values({ id: 'dropped-reporter', name: 'Rahasia Sekali', phone: '+6281299990000' });
    await linkChannel(
      database.db,
      { kind: 'stakeholder', id: 'dropped-reporter' },
      'whatsapp',
      '6281299990000@s.whatsapp.net',
    );
    const hourAgo = new Date(Date.now() - 3_600_000);
    for (let i = 0; i < 4; i++) await app.droppedMessages.count('whatsapp', '6281299990000@s.whatsapp.net', hourAgo);
    for (let i = 0; i < 2; i++) await app.droppedMessages.count('telegram', '5550001');
    await app.droppedMessages.count('telegram', '5550002');
    // A day and more ago: no longer counted.
    await app.droppedMessages.count('telegram', '5550003', new Date(Date.now() - 25 * 3_600_000));

    const page = await web.inject({ method: 'GET', url: '/admin/health', headers: { cookie } });
    expect(rowsOf(page.body)).toEqual([
      ['Pelapor yang sudah mengisi identitas', 'WhatsApp', '4 pesan'],
      ['Sri Pejabat (pejabat)', 'Telegram', '2 pesan'],
      ['Pengirim yang belum dikenal', 'Telegram', '1 pesan'],
    ]);
    expect(page.body).toContain(senderLogRef(app.signer, { channel: 'telegram', address: '5550002' }));
    for (const secret of ['Rahasia Sekali', '6281299990000', '5550001', '5550002'])
      expect(page.body).not.toContain(secret);

    const english = await web.inject({
      method: 'GET',
      url: '/admin/health',
      headers: { cookie: `${cookie}; siput_lang=en` },
    });
    expect(rowsOf(english.body)[0]).toEqual(['A reporter who gave their identity', 'WhatsApp', '4 messages']);
  });
});
