import { randomUUID } from 'node:crypto';
import { get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { claimInboundKey } from '../src/db/inbound-messages.js';
import { inboundMessages, messages, units } from '../src/db/schema.js';
import { AttachmentStore } from '../src/files/attachment-store.js';
import type { Inbound } from '../src/flows/inbound.js';
import { CHAT_COOKIE } from '../src/web/chat-session.js';
import { buildWeb } from '../src/web/server.js';
import { eventually, testApp, testConfig } from './support/app.js';
import { PNG } from './support/files.js';
import { freshDatabase } from './support/postgres.js';

const config = testConfig();
let database: Database;
let app: App;
let web: FastifyInstance;
let port: number;
const received: Inbound[] = [];

/** Stands in for the flows: records the message once per key, as they do, and says whether it was new. */
async function handleInbound(inbound: Inbound): Promise<{ duplicate: boolean }> {
  received.push(inbound);
  return { duplicate: !(await claimInboundKey(database.db, inbound)) };
}

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, config);
  web = await buildWeb(app, { handleInbound });
  await web.listen({ port: 0, host: '127.0.0.1' });
  port = (web.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

/** The `name=value` of the session cookie a response sets, if it sets one. */
function sessionCookie(headers: Record<string, unknown>): string | undefined {
  const all = [headers['set-cookie']].flat().filter((c): c is string => typeof c === 'string');
  return all.find((c) => c.startsWith(`${CHAT_COOKIE}=`))?.split(';')[0];
}

const addressOf = (cookie: string) => cookie.slice(CHAT_COOKIE.length + 1).split('.')[0] ?? '';

async function newSession(): Promise<string> {
  const res = await web.inject({ method: 'GET', url: '/chat' });
  const cookie = sessionCookie(res.headers);
  if (!cookie) throw new Error('no session cookie issued');
  return cookie;
}

const send = (cookie: string, body: unknown) =>
  web.inject({ method: 'POST', url: '/chat/api/send', headers: { cookie }, payload: body as object });

describe('the page', () => {
  it('is headed by the unit’s name and the logo set in the console, else the service’s emblem', async () => {
    const unit = eq(units.id, config.DEFAULT_UNIT);
    await database.db.update(units).set({ name: 'Biro Organisasi & Tata Laksana', logo: null }).where(unit);
    const plain = await web.inject({ method: 'GET', url: '/chat' });
    expect(plain.body).toContain('<h1 id="unit-name">Biro Organisasi &amp; Tata Laksana</h1>');
    expect(plain.body).toMatch(/<img class="logo" src="\/chat\/logo\?v=\w+"/);
    const sha256 = 'ab'.repeat(32);
    await database.db
      .update(units)
      .set({ logo: { id: randomUUID(), mime: 'image/png', sha256 } })
      .where(unit);
    const logo = await web.inject({ method: 'GET', url: '/chat' });
    expect(logo.body).toContain(`<img class="logo" src="/logo/${config.DEFAULT_UNIT}?v=${sha256.slice(0, 16)}"`);
    await database.db.update(units).set({ logo: null }).where(unit);
  });
});

describe('the chat session', () => {
  it('is issued with the page as an HttpOnly, SameSite=Lax cookie', async () => {
    const res = await web.inject({ method: 'GET', url: '/chat' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('id="messages"');
    const header = String(res.headers['set-cookie']);
    expect(header).toMatch(new RegExp(`^${CHAT_COOKIE}=[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{22};`));
    expect(header).toContain('HttpOnly');
    expect(header).toContain('SameSite=Lax');
    expect(header).not.toContain('Secure');
  });

  it('is kept when the browser shows a cookie the service signed', async () => {
    const cookie = await newSession();
    const res = await web.inject({ method: 'GET', url: '/chat', headers: { cookie } });
    expect(sessionCookie(res.headers)).toBeUndefined();
  });

  it('is refused when forged, and a new session is started instead', async () => {
    const cookie = await newSession();
    const [, tag] = cookie.split('.');
    const forged = `${CHAT_COOKIE}=${'A'.repeat(22)}.${tag}`;
    const res = await send(forged, { id: randomUUID(), text: 'halo' });
    expect(res.statusCode).toBe(200);
    const fresh = sessionCookie(res.headers);
    expect(fresh).toBeDefined();
    expect(addressOf(fresh ?? '')).not.toBe('A'.repeat(22));
    expect(received.at(-1)?.address).toBe(addressOf(fresh ?? ''));
  });

  it('is Secure when the service is reached over https', async () => {
    const secure = await buildWeb(
      { ...app, config: { ...app.config, PUBLIC_URL: 'https://siput.example.go.id' } },
      { handleInbound },
    );
    try {
      const res = await secure.inject({ method: 'GET', url: '/chat' });
      expect(String(res.headers['set-cookie'])).toContain('Secure');
    } finally {
      await secure.close();
    }
  });
});

describe('sending a message', () => {
  it.each([
    ['an empty text', { text: '' }, 'empty_message', 'Pesan kosong'],
    ['only spaces', { text: '   \n ' }, 'empty_message', 'Pesan kosong'],
    ['a text over 4000 characters', { text: 'a'.repeat(4001) }, 'text_too_long', '4000'],
    ['a choice that is not a string', { choice: 5 }, 'invalid_choice', 'Pilihan tidak sah'],
  ])('refuses %s with 400 and says why', async (_what, body, code, words) => {
    const cookie = await newSession();
    const before = received.length;
    const res = await send(cookie, { id: randomUUID(), ...body });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe(code);
    expect(res.json().message).toContain(words);
    expect(received).toHaveLength(before);
  });

  it('refuses a message without a client id', async () => {
    const res = await send(await newSession(), { text: 'halo' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('invalid_message');
  });

  it('refuses a body that is not JSON', async () => {
    const res = await web.inject({
      method: 'POST',
      url: '/chat/api/send',
      headers: { cookie: await newSession(), 'content-type': 'application/json' },
      payload: '{"id": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('invalid_message');
  });

  it('hands each message to the flows with the session as address and the chat with the client id as key', async () => {
    const cookie = await newSession();
    const address = addressOf(cookie);
    const first = randomUUID();
    const second = randomUUID();
    expect((await send(cookie, { id: first, text: '  halo  ' })).json()).toEqual({ duplicate: false, language: 'id' });
    await send(cookie, { id: second, choice: 'menu:status' });
    const mine = received.filter((r) => r.address === address);
    expect(mine).toEqual([
      expect.objectContaining({ channel: 'web', key: `web:${address}:${first}`, text: 'halo' }),
      expect.objectContaining({ channel: 'web', key: `web:${address}:${second}`, choice: 'menu:status' }),
    ]);
  });

  it('passes a resent message on with the same key, so the flows count it once', async () => {
    const cookie = await newSession();
    const id = randomUUID();
    const key = `web:${addressOf(cookie)}:${id}`;
    expect((await send(cookie, { id, text: 'sekali' })).json().duplicate).toBe(false);
    expect((await send(cookie, { id, text: 'sekali' })).json().duplicate).toBe(true);
    expect(received.filter((r) => r.key === key).map((r) => r.key)).toEqual([key, key]);
    const rows = await database.db.select().from(inboundMessages).where(eq(inboundMessages.key, key));
    expect(rows).toHaveLength(1);
  });

  it('takes a message id another chat used as this chat’s own message, and a replay in either chat once', async () => {
    const first = await newSession();
    const second = await newSession();
    const id = randomUUID();
    expect((await send(first, { id, text: 'dari percakapan pertama' })).json().duplicate).toBe(false);
    // The same id from another chat (copied from a page, or simply reused) is not a repeat there.
    expect((await send(second, { id, text: 'dari percakapan kedua' })).json().duplicate).toBe(false);
    expect((await send(second, { id, text: 'dari percakapan kedua' })).json().duplicate).toBe(true);
    expect((await send(first, { id, text: 'dari percakapan pertama' })).json().duplicate).toBe(true);
    const rows = await database.db
      .select({ address: inboundMessages.address, text: inboundMessages.text })
      .from(inboundMessages)
      .where(eq(inboundMessages.channel, 'web'));
    expect(rows.filter((r) => r.address === addressOf(first)).map((r) => r.text)).toEqual(['dari percakapan pertama']);
    expect(rows.filter((r) => r.address === addressOf(second)).map((r) => r.text)).toEqual(['dari percakapan kedua']);
  });

  it('attaches a file this browser uploaded, and no one else’s', async () => {
    const mine = await newSession();
    const theirs = await newSession();
    const store = new AttachmentStore({ db: database.db, dataDir: config.DATA_DIR });
    const file = await store.save({ bytes: PNG, name: 'foto.png', uploadedBy: `web:${addressOf(mine)}` });

    const refused = await send(theirs, { id: randomUUID(), attachmentId: file.id });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toBe('unknown_attachment');

    const id = randomUUID();
    expect((await send(mine, { id, attachmentId: file.id })).statusCode).toBe(200);
    expect(received.find((r) => r.key === `web:${addressOf(mine)}:${id}`)?.attachment).toEqual({
      id: file.id,
      name: 'foto.png',
      mime: 'image/png',
    });
  });
});

/** An SSE stream opened over real HTTP: inject cannot stream. */
function openEvents(cookie?: string) {
  const events: { id?: string; event?: string; data: string }[] = [];
  let buffered = '';
  return new Promise<{ events: typeof events; response: IncomingMessage; close: () => void }>((resolve, reject) => {
    const req = get({ port, host: '127.0.0.1', path: '/chat/api/events', headers: cookie ? { cookie } : {} }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffered += chunk;
        let end = buffered.indexOf('\n\n');
        while (end >= 0) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const fields = Object.fromEntries(
            block
              .split('\n')
              .filter((line) => line && !line.startsWith(':'))
              .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trimStart()]),
          );
          if (fields.data !== undefined) events.push(fields as (typeof events)[number]);
          end = buffered.indexOf('\n\n');
        }
      });
      resolve({ events, response: res, close: () => req.destroy() });
    });
    req.on('error', reject);
  });
}

describe('live messages', () => {
  it('reach the page of their chat, and only that one', async () => {
    const alice = await newSession();
    const bob = await newSession();
    const [a, b] = await Promise.all([openEvents(alice), openEvents(bob)]);
    try {
      expect(a.response.headers['content-type']).toContain('text/event-stream');
      const web = app.channels.get('web');
      await web?.send({
        id: 'm-1',
        address: addressOf(alice),
        text: 'Halo Alice\nbaris kedua',
        choices: [{ value: 'ya', label: 'Ya' }],
      });
      const [event] = await eventually('the message on Alice’s stream', async () => a.events.length > 0 && a.events);
      expect(event).toMatchObject({ id: 'm-1', event: 'message' });
      expect(JSON.parse(event?.data ?? '{}')).toEqual({
        id: 'm-1',
        text: 'Halo Alice\nbaris kedua',
        choices: [{ value: 'ya', label: 'Ya' }],
      });
      await new Promise((r) => setTimeout(r, 200));
      expect(b.events).toHaveLength(0);
    } finally {
      a.close();
      b.close();
    }
  });

  it('arrive through the outbox worker of the web channel and are marked sent', async () => {
    const cookie = await newSession();
    const address = addressOf(cookie);
    const stream = await openEvents(cookie);
    try {
      const id = await outboundRow(address, 'pending');
      await app.queues.addMessage(id, 'web');
      const [event] = await eventually(
        'the message on the stream',
        async () => stream.events.length > 0 && stream.events,
      );
      expect(JSON.parse(event?.data ?? '{}').text).toContain('SMS-2026-000042');
      await eventually('the row marked sent', async () => {
        const [row] = await database.db.select().from(messages).where(eq(messages.id, id));
        return row?.status === 'sent';
      });
    } finally {
      stream.close();
    }
  });

  it('end when the server stops, so a shutdown does not wait on open pages', async () => {
    const other = await buildWeb(app, { handleInbound });
    await other.listen({ port: 0, host: '127.0.0.1' });
    const otherPort = (other.server.address() as AddressInfo).port;
    // Wrapped: a promise resolved with a promise would wait for it.
    const { ended } = await new Promise<{ ended: Promise<void> }>((resolve, reject) => {
      get({ port: otherPort, host: '127.0.0.1', path: '/chat/api/events' }, (res) => {
        res.resume();
        resolve({ ended: new Promise((done) => res.on('end', done)) });
      }).on('error', reject);
    });
    const started = Date.now();
    await other.close();
    await ended;
    // Well under the test's timeout, which a close waiting on the page would reach.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('start a session for a page that has none', async () => {
    const stream = await openEvents();
    try {
      expect(sessionCookie(stream.response.headers)).toBeDefined();
    } finally {
      stream.close();
    }
  });
});

/** An outbox row for a web chat, as the flows or the engine write it. */
async function outboundRow(
  address: string,
  status: 'pending' | 'sent',
  choices: { action: string; label: { id: string } }[] = [],
): Promise<string> {
  const id = randomUUID();
  await database.db.insert(messages).values({
    id,
    caseId: null,
    instanceId: null,
    recipientKind: 'chat',
    recipientId: address,
    channel: 'web',
    address,
    template: 'case.update',
    params: { ticket: 'SMS-2026-000042', status: 'sedang ditelaah' },
    choices,
    status,
    ...(status === 'sent' ? { sentAt: new Date() } : {}),
  });
  return id;
}

describe('the history', () => {
  it('returns both directions in time order, a pressed button shown by its label', async () => {
    const cookie = await newSession();
    const address = addressOf(cookie);
    const first = randomUUID();
    await send(cookie, { id: first, text: 'status tiket saya?' });
    await new Promise((r) => setTimeout(r, 20));
    const reply = await outboundRow(address, 'sent', [{ action: 'menu:status', label: { id: 'Cek Status' } }]);
    await new Promise((r) => setTimeout(r, 20));
    const second = randomUUID();
    await send(cookie, { id: second, choice: 'menu:status' });
    await outboundRow(address, 'pending');

    const res = await web.inject({ method: 'GET', url: '/chat/api/history', headers: { cookie } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.language).toBe('id');
    expect(body.items).toEqual([
      expect.objectContaining({ kind: 'in', key: first, text: 'status tiket saya?' }),
      expect.objectContaining({
        kind: 'out',
        id: reply,
        text: expect.stringContaining('SMS-2026-000042'),
        choices: [{ value: 'menu:status', label: 'Cek Status' }],
      }),
      expect.objectContaining({ kind: 'in', key: second, choice: { value: 'menu:status', label: 'Cek Status' } }),
    ]);
  });

  it('shows nothing of another chat', async () => {
    const res = await web.inject({ method: 'GET', url: '/chat/api/history', headers: { cookie: await newSession() } });
    expect(res.json().items).toEqual([]);
  });
});
