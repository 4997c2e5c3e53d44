import { randomUUID } from 'node:crypto';
import { get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import type { Inbound } from '../src/flows/inbound.js';
import { CHAT_COOKIE } from '../src/web/chat-session.js';
import { buildWeb } from '../src/web/server.js';
import { testApp, testConfig } from './support/app.js';
import { multipartFile, PNG } from './support/files.js';
import { freshDatabase } from './support/postgres.js';

let database: Database;
let app: App;
let web: FastifyInstance;
let port: number;
const received: Inbound[] = [];

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(
    database,
    testConfig({
      CHAT_MESSAGES_PER_MINUTE: '5',
      CHAT_MESSAGES_PER_MINUTE_PER_ADDRESS: '12',
      UPLOAD_QUOTA_MB: '1',
      UPLOAD_QUOTA_MB_PER_ADDRESS: '2',
    }),
    { workers: false },
  );
  web = await buildWeb(app, {
    handleInbound: async (inbound) => {
      received.push(inbound);
      return { duplicate: false };
    },
  });
  await web.listen({ port: 0, host: '127.0.0.1' });
  port = (web.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

async function newChat(remoteAddress = '127.0.0.1'): Promise<{ cookie: string; address: string }> {
  const res = await web.inject({ method: 'GET', url: '/chat', remoteAddress });
  const cookie = String(res.headers['set-cookie']).split(';')[0] ?? '';
  return { cookie, address: cookie.slice(CHAT_COOKIE.length + 1).split('.')[0] ?? '' };
}

const send = (cookie: string, remoteAddress: string, text = 'halo') =>
  web.inject({
    method: 'POST',
    url: '/chat/api/send',
    remoteAddress,
    headers: { cookie },
    payload: { id: randomUUID(), text },
  });

describe('messages from one chat', () => {
  it('past the limit are answered with a polite request to slow down, and not processed', async () => {
    const chat = await newChat('198.51.100.1');
    const statuses: number[] = [];
    let last = await send(chat.cookie, '198.51.100.1');
    statuses.push(last.statusCode);
    for (let i = 0; i < 7; i++) {
      last = await send(chat.cookie, '198.51.100.1');
      statuses.push(last.statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    expect(last.json()).toMatchObject({ error: 'slow_down' });
    expect(last.json().message).toMatch(/terlalu cepat.*tunggu \d+ detik/i);
    expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
    expect(received.filter((m) => m.address === chat.address)).toHaveLength(5);
    // Another chat is not held up by this one's flood.
    const other = await newChat('198.51.100.2');
    expect((await send(other.cookie, '198.51.100.2')).statusCode).toBe(200);
  });
});

describe('messages from one address', () => {
  it('are limited across all its chats', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const chat = await newChat('203.0.113.50');
      for (let j = 0; j < 4; j++) statuses.push((await send(chat.cookie, '203.0.113.50')).statusCode);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(12);
    expect(statuses.slice(12)).toEqual([429, 429, 429, 429]);
  });
});

describe('uploads', () => {
  const upload = (cookie: string, remoteAddress: string, bytes: Buffer, name = 'foto.png') => {
    const form = multipartFile(name, bytes, 'image/png');
    return web.inject({
      method: 'POST',
      url: '/chat/api/upload',
      remoteAddress,
      headers: { ...form.headers, cookie },
      payload: form.payload,
    });
  };

  it('stop at the quota of a chat, counting refused files too', async () => {
    const chat = await newChat('192.0.2.10');
    const junk = Buffer.alloc(600 * 1024, 7);
    expect((await upload(chat.cookie, '192.0.2.10', junk, 'a.png')).statusCode).toBe(415);
    const over = await upload(chat.cookie, '192.0.2.10', junk, 'b.png');
    expect(over.statusCode).toBe(429);
    expect(over.json()).toMatchObject({ error: 'upload_quota' });
    expect(over.json().message).toContain('Batas unggahan');
    const otherChat = await newChat('192.0.2.11');
    expect((await upload(otherChat.cookie, '192.0.2.11', PNG)).statusCode).toBe(200);
  });

  it('stop at the quota of an address, whatever chats it opens', async () => {
    const junk = Buffer.alloc(900 * 1024, 7);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const chat = await newChat('192.0.2.20');
      statuses.push((await upload(chat.cookie, '192.0.2.20', junk, `${i}.png`)).statusCode);
    }
    expect(statuses).toEqual([415, 415, 429]);
  });

  it('are refused politely when the disk is below its free-space floor', async () => {
    const full = await buildWeb(
      { ...app, config: { ...app.config, UPLOAD_MIN_FREE_MB: 10_000_000 } },
      { handleInbound: async () => ({ duplicate: false }) },
    );
    try {
      const res = await full.inject({ method: 'POST', url: '/chat/api/upload', ...multipartFile('foto.png', PNG) });
      expect(res.statusCode).toBe(507);
      expect(res.json().message).toContain('penyimpanan berkas sedang penuh');
    } finally {
      await full.close();
    }
  });
});

describe('event streams', () => {
  it('are capped per chat', async () => {
    const { cookie } = await newChat();
    const open: { res: IncomingMessage; close: () => void }[] = [];
    const connect = () =>
      new Promise<{ res: IncomingMessage; close: () => void }>((resolve, reject) => {
        const req = get({ port, host: '127.0.0.1', path: '/chat/api/events', headers: { cookie } }, (res) =>
          resolve({ res, close: () => req.destroy() }),
        );
        req.on('error', reject);
      });
    try {
      for (let i = 0; i < 5; i++) {
        const stream = await connect();
        open.push(stream);
        expect(stream.res.statusCode).toBe(200);
      }
      const sixth = await connect();
      open.push(sixth);
      expect(sixth.res.statusCode).toBe(429);
    } finally {
      for (const s of open) s.close();
    }
  });
});
