import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { addOfficial } from '../src/db/officials.js';
import { insertChatMessage } from '../src/db/outbox.js';
import { auditLog, channelStates, messages } from '../src/db/schema.js';
import type { Channel, OutgoingMessage } from '../src/outbox/channel.js';
import { ChannelRefusedError } from '../src/outbox/errors.js';
import { buildWeb } from '../src/web/server.js';
import { eventually, testApp, testConfig } from './support/app.js';
import { signIn } from './support/console.js';
import { freshDatabase } from './support/postgres.js';

/** A channel that refuses every send while `refusing`, as a chat platform does for a blocked bot; it records what it sent. */
class RefusingChannel implements Channel {
  readonly name = 'uji';
  readonly limits = { perSecond: 1000, perChatIntervalMs: 0 };
  readonly sent: OutgoingMessage[] = [];
  refusing = true;

  async send(message: OutgoingMessage): Promise<void> {
    if (this.refusing) throw new ChannelRefusedError('403: Forbidden: bot was blocked by the user');
    this.sent.push(message);
  }
}

const channel = new RefusingChannel();
let database: Database;
let app: App;
let web: FastifyInstance;
let session: { cookie: string; csrf: string };

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, testConfig(), { channels: [channel], retryDelayMs: 10 });
  web = await buildWeb(app);
  await web.ready();
  session = await signIn(app, web, 'antrian');
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

/** Sends a message through the outbox while the channel refuses it, and waits until it is dead-lettered. */
async function deadMessage(text: string): Promise<string> {
  const queued = await insertChatMessage(database.db, channel.name, `chat-${text}`, {
    caseId: null,
    instanceId: null,
    template: 'flow.text',
    params: { text },
  });
  await app.queues.addMessage(queued.id, queued.channel);
  await eventually('the message to be dead-lettered', async () => {
    const [row] = await database.db.select().from(messages).where(eq(messages.id, queued.id));
    return row?.status === 'dead';
  });
  return queued.id;
}

const post = (url: string) =>
  web.inject({ method: 'POST', url, headers: { cookie: session.cookie }, payload: { _csrf: session.csrf } });
const statusOf = async (id: string) =>
  (await database.db.select().from(messages).where(eq(messages.id, id)))[0]?.status;

describe('a dead-lettered message', () => {
  it('is listed with its error, and once retried is queued again and sent', async () => {
    const id = await deadMessage('Tiket Anda diterima');
    const page = await web.inject({ method: 'GET', url: '/admin/health', headers: { cookie: session.cookie } });
    expect(page.body).toContain('Tiket Anda diterima');
    expect(page.body).toContain('bot was blocked by the user');
    expect(page.body).toContain(`/admin/health/messages/${id}/retry`);

    channel.refusing = false;
    const res = await post(`/admin/health/messages/${id}/retry`);
    expect(res.statusCode).toBe(303);
    await eventually('the retried message to be sent', async () => (await statusOf(id)) === 'sent');
    expect(channel.sent.map((m) => m.id)).toContain(id);
    const [logged] = await database.db.select().from(auditLog).where(eq(auditLog.target, id));
    expect(logged).toMatchObject({ action: 'message.retry', actor: 'admin:antrian' });
  });

  it('is kept, marked discarded, when an admin discards it, and leaves the list', async () => {
    channel.refusing = true;
    const id = await deadMessage('Pengingat lama');
    const res = await post(`/admin/health/messages/${id}/discard`);
    expect(res.statusCode).toBe(303);
    expect(await statusOf(id)).toBe('discarded');
    const page = await web.inject({ method: 'GET', url: '/admin/health', headers: { cookie: session.cookie } });
    expect(page.body).not.toContain('Pengingat lama');
    // Neither retried nor discarded twice.
    expect((await post(`/admin/health/messages/${id}/retry`)).headers.location).toContain('done=gone');
    expect(await statusOf(id)).toBe('discarded');
  });

  it('is not touched without the CSRF token', async () => {
    const id = await deadMessage('Tanpa token');
    const res = await web.inject({
      method: 'POST',
      url: `/admin/health/messages/${id}/discard`,
      headers: { cookie: session.cookie },
      payload: {},
    });
    expect(res.statusCode).toBe(403);
    expect(await statusOf(id)).toBe('dead');
  });
});

describe('the dead-letter list in people’s words', () => {
  it('names the official and shows the message as they read it, not "official" and "step.assigned"', async () => {
    const officialId = await addOfficial(database.db, {
      nip: '197001012000031001',
      name: 'Siti Rahma, S.Sos.',
      roleId: 'kasubag-tl',
      unitId: 'ortala',
    });
    await database.db.insert(messages).values({
      id: randomUUID(),
      recipientKind: 'official',
      recipientId: officialId,
      channel: 'uji',
      address: 'chat-siti',
      template: 'step.assigned',
      params: {
        ticket: 'SMS-2026-000042',
        step: '5a',
        kegiatan: 'Mengesahkan laporan',
        kelengkapan: '-',
        due: '2026-12-02T07:05:00Z',
      },
      status: 'dead',
      attempts: 8,
      lastError: '403: Forbidden',
    });
    const page = await web.inject({ method: 'GET', url: '/admin/health', headers: { cookie: session.cookie } });
    const dead = page.body.slice(page.body.indexOf('id="dead"'), page.body.indexOf('id="undeliverable"'));
    expect(dead).toContain('Siti Rahma, S.Sos. (pejabat)');
    expect(dead).toContain('Tugas baru — tiket SMS-2026-000042 Diminta: Mengesahkan laporan Batas waktu:');
    expect(dead).toContain('2 Des 2026 14.05 WIB');
    expect(dead).not.toContain('step.assigned');
    expect(dead).not.toMatch(/<td>official<\/td>/);
  });

  it('does not list the test-only log channel among the channels', async () => {
    const page = await web.inject({ method: 'GET', url: '/admin/health', headers: { cookie: session.cookie } });
    const channels = page.body.slice(page.body.indexOf('id="channels"'), page.body.indexOf('id="queues"'));
    expect(channels).toContain('Chat web');
    expect(channels).not.toMatch(/<td>log<\/td>/);
  });
});

describe('the channels’ state', () => {
  it('shows WhatsApp’s pairing QR as SVG while it waits, and Telegram’s bot', async () => {
    await database.db.insert(channelStates).values([
      { channel: 'whatsapp', state: 'pairing', detail: JSON.stringify({ qr: '2@Zm9vYmFy,abc,def', decryptErrors: 3 }) },
      { channel: 'telegram', state: 'polling', detail: '@siput_uji_bot', lastError: null },
    ]);
    const page = await web.inject({ method: 'GET', url: '/admin/health', headers: { cookie: session.cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/aria-label="Kode QR untuk menautkan WhatsApp"><svg/);
    expect(page.body).toContain('3 pesan gagal didekripsi');
    expect(page.body).toContain('https://t.me/siput_uji_bot');
    expect(page.body).toContain('polling');
  });
});
