import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { addOfficial, linkChannel } from '../src/db/officials.js';
import { insertMessage } from '../src/db/outbox.js';
import { auditLog, messages, officials, pausedLines, units } from '../src/db/schema.js';
import { t } from '../src/i18n/catalog.js';
import { reconcile } from '../src/jobs/reconciler.js';
import type { Channel, OutgoingMessage } from '../src/outbox/channel.js';
import { ChannelUnreachableError } from '../src/outbox/errors.js';
import { buildWeb } from '../src/web/server.js';
import { eventually, testApp, testConfig } from './support/app.js';
import { signIn } from './support/console.js';
import { freshDatabase } from './support/postgres.js';

/**
 * A chat platform answering 502 for some chats, as one did for days: each of a failing chat's
 * messages dead-lettered in turn, minutes apart, while the rest waited unseen. Now the chat's line
 * pauses at its first message and waits for the admin, and every other chat goes on.
 */
class FlakyChannel implements Channel {
  readonly name = 'flaky';
  readonly limits = { perSecond: 1000, perChatIntervalMs: 0 };
  /** Chats the platform answers 502 for. */
  readonly broken = new Set<string>();
  readonly sent: OutgoingMessage[] = [];
  readonly tried: string[] = [];

  async send(message: OutgoingMessage): Promise<void> {
    this.tried.push(message.id);
    if (this.broken.has(message.address)) throw new ChannelUnreachableError('502 Bad Gateway');
    this.sent.push(message);
  }
}

const channel = new FlakyChannel();
let database: Database;
let app: App;
let web: FastifyInstance;
let session: { cookie: string; csrf: string };
const people: Record<'rusak' | 'sehat' | 'putus', string> = { rusak: '', sehat: '', putus: '' };

beforeAll(async () => {
  database = await freshDatabase();
  await database.db.insert(units).values({ id: 'ortala', name: 'Ortala' }).onConflictDoNothing();
  const add = async (nip: string, name: string, address: string) => {
    const id = await addOfficial(database.db, { nip, name, roleId: 'pelaksana', unitId: 'ortala' });
    await linkChannel(database.db, { kind: 'official', id }, channel.name, address);
    return id;
  };
  people.rusak = await add('1', 'Pelaksana Rusak', 'chat-rusak');
  people.sehat = await add('2', 'Pelaksana Sehat', 'chat-sehat');
  people.putus = await add('3', 'Pelaksana Putus', 'chat-putus');
  // The admins' alerts reach this official on another channel.
  const admin = await addOfficial(database.db, { nip: '9', name: 'Admin Kanal', roleId: 'kepala', unitId: 'ortala' });
  await database.db.update(officials).set({ receivesAlerts: true }).where(eq(officials.id, admin));
  await linkChannel(database.db, { kind: 'official', id: admin }, 'log', 'chat-admin');
  app = await testApp(database, testConfig({ DEFAULT_UNIT: 'ortala' }), { channels: [channel], retryDelayMs: 10 });
  web = await buildWeb(app);
  await web.ready();
  session = await signIn(app, web, 'antrian');
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

async function queue(official: string, text: string): Promise<string> {
  const [queued] = await insertMessage(
    database.db,
    { kind: 'official', id: official },
    { caseId: null, instanceId: null, template: 'flow.text', params: { text } },
  );
  if (!queued) throw new Error('not queued');
  await app.queues.addMessage(queued.id, queued.channel);
  return queued.id;
}

const rowOf = async (id: string) => (await database.db.select().from(messages).where(eq(messages.id, id)))[0];
const lineOf = async (address: string) =>
  (
    await database.db
      .select()
      .from(pausedLines)
      .where(and(eq(pausedLines.channel, channel.name), eq(pausedLines.address, address)))
  )[0];
const alerts = () => database.db.select().from(messages).where(eq(messages.template, 'outbox.line_paused'));
const healthPage = async () =>
  (await web.inject({ method: 'GET', url: '/admin/health', headers: { cookie: session.cookie } })).body;
const post = (url: string, csrf = session.csrf) =>
  web.inject({ method: 'POST', url, headers: { cookie: session.cookie }, payload: csrf ? { _csrf: csrf } : {} });

describe('a chat whose first message fails past its retries', () => {
  let line: string[] = [];

  it('is paused there: the later messages wait in order, unsent and unfailed, and other chats go on', async () => {
    channel.broken.add('chat-rusak');
    line = [await queue(people.rusak, 'Satu'), await queue(people.rusak, 'Dua'), await queue(people.rusak, 'Tiga')];
    const healthy = await queue(people.sehat, 'Untuk yang sehat');

    const paused = await eventually('the line to pause', () => lineOf('chat-rusak'), 20_000);
    expect(paused).toMatchObject({ headMessageId: line[0], lastError: expect.stringContaining('502 Bad Gateway') });
    await eventually('the other chat’s message to go out', async () => (await rowOf(healthy))?.status === 'sent');
    for (const id of line) expect((await rowOf(id))?.status).toBe('pending');
    // Only the head was tried: the ones behind it waited their turn.
    expect(channel.tried.filter((id) => id === line[1] || id === line[2])).toHaveLength(0);
    expect((await rowOf(line[0] as string))?.attempts).toBe(8);

    // A message written after the pause joins the line: its job ends without sending it.
    const later = await queue(people.rusak, 'Empat');
    await eventually('the later job to be set aside', async () => {
      const job = await app.queues.outbox(channel.name).getJob(later);
      return (await job?.getState()) === 'completed';
    });
    expect(await rowOf(later)).toMatchObject({ status: 'pending', attempts: 0 });
    line.push(later);

    // The periodic reconcile leaves a paused line alone instead of queuing it again and again.
    const report = await reconcile(database.db, app.queues, app.log);
    expect(report.messagesRequeued).toBe(0);
    expect(await (await app.queues.outbox(channel.name).getJob(line[0] as string))?.getState()).toBe('failed');
  });

  it('is told to the admins once, on another channel, in words that render', async () => {
    const told = await eventually('the alert', async () => {
      const rows = await alerts();
      return rows.length > 0 ? rows : undefined;
    });
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ channel: 'log', params: { channel: 'flaky' } });
    expect(t('id', 'outbox.line_paused', told[0]?.params ?? {})).toContain(
      'pengiriman ke satu percakapan flaky dihentikan sementara',
    );
    expect(JSON.stringify(told[0]?.params)).not.toContain('chat-rusak');
  });

  it('is shown in the console: for whom, how many wait, since when and the last error', async () => {
    const page = await healthPage();
    expect(page).toContain('Percakapan yang pengirimannya dihentikan');
    expect(page).toContain('Pelaksana Rusak (pejabat)');
    expect(page).toContain('4 pesan');
    expect(page).toContain('502 Bad Gateway');
    expect(page).toContain(`/admin/health/lines/${line[0]}/retry`);
    expect(page).toContain(`/admin/health/lines/${line[0]}/discard`);
    // The chat's address stays out of the page.
    expect(page).not.toContain('chat-rusak');
  });

  it('is not touched without the CSRF token', async () => {
    expect((await post(`/admin/health/lines/${line[0]}/retry`, '')).statusCode).toBe(403);
    expect(await lineOf('chat-rusak')).toBeDefined();
  });

  it('goes out whole and in order when an admin sends it again, audited', async () => {
    channel.broken.delete('chat-rusak');
    const res = await post(`/admin/health/lines/${line[0]}/retry`);
    expect(res.headers.location).toContain('done=line_retried');
    await eventually('the whole line to go out', async () => {
      const rows = await Promise.all(line.map(rowOf));
      return rows.every((r) => r?.status === 'sent');
    });
    expect(channel.sent.filter((m) => m.address === 'chat-rusak').map((m) => m.id)).toEqual(line);
    expect(await lineOf('chat-rusak')).toBeUndefined();
    const [logged] = await database.db.select().from(auditLog).where(eq(auditLog.action, 'line.retry'));
    expect(logged).toMatchObject({ actor: 'admin:antrian', target: line[0], details: { messages: 4 } });
    // Once sent again, not twice.
    expect((await post(`/admin/health/lines/${line[0]}/retry`)).headers.location).toContain('done=line_gone');
  });
});

describe('a paused chat line an admin discards', () => {
  it('has every waiting message kept as discarded, is audited, and the chat is served again', async () => {
    channel.broken.add('chat-putus');
    const ids = [await queue(people.putus, 'Lama satu'), await queue(people.putus, 'Lama dua')];
    await eventually('the line to pause', () => lineOf('chat-putus'), 20_000);

    const res = await post(`/admin/health/lines/${ids[0]}/discard`);
    expect(res.headers.location).toContain('done=line_discarded');
    for (const id of ids) expect((await rowOf(id))?.status).toBe('discarded');
    expect(await lineOf('chat-putus')).toBeUndefined();
    const [logged] = await database.db.select().from(auditLog).where(eq(auditLog.action, 'line.discard'));
    expect(logged).toMatchObject({ actor: 'admin:antrian', target: ids[0], details: { messages: 2 } });
    expect(await healthPage()).not.toContain('Pelaksana Putus (pejabat)');

    channel.broken.delete('chat-putus');
    const fresh = await queue(people.putus, 'Baru');
    await eventually('a new message to go out', async () => (await rowOf(fresh))?.status === 'sent');
    expect(channel.sent.filter((m) => m.address === 'chat-putus').map((m) => m.id)).toEqual([fresh]);
    // Each pause was told once.
    const told = await database.db.select().from(messages).where(eq(messages.template, 'outbox.line_paused'));
    expect(told).toHaveLength(2);
    expect(await database.db.select().from(messages).where(eq(messages.status, 'dead'))).toHaveLength(0);
  });
});
