import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Database } from '../../src/db/client.js';
import { insertChatMessage } from '../../src/db/outbox.js';
import { inboundMessages, messages } from '../../src/db/schema.js';
import { buildWeb } from '../../src/web/server.js';
import { eventually } from '../support/app.js';
import { signIn } from '../support/console.js';
import { freshDatabase } from '../support/postgres.js';
import { FakeWhatsApp, textOf } from './support/fake-whatsapp.js';
import { WhatsAppPerson, whatsappApp, whatsappConfig } from './support/whatsapp-app.js';

const wa = new FakeWhatsApp();
let database: Database;
let app: App;
let web: FastifyInstance;
let session: { cookie: string; csrf: string };

beforeAll(async () => {
  database = await freshDatabase();
  ({ app } = await whatsappApp(database, whatsappConfig({ WHATSAPP_DAILY_COLD_CAP: '5' }), wa));
  web = await buildWeb(app);
  await web.ready();
  session = await signIn(app, web, 'kanal');
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

/** Someone who wrote to the number two days ago and not since. */
async function silentPerson(jid: string): Promise<string> {
  await database.db.insert(inboundMessages).values({
    channel: 'whatsapp',
    address: jid,
    key: `wa:${jid}:old`,
    text: 'halo',
    receivedAt: new Date(Date.now() - 2 * 24 * 3600_000),
  });
  return jid;
}

async function queue(address: string, text: string): Promise<string> {
  const queued = await insertChatMessage(database.db, 'whatsapp', address, {
    caseId: null,
    instanceId: null,
    template: 'flow.text',
    params: { text },
  });
  await app.queues.addMessage(queued.id, 'whatsapp');
  return queued.id;
}

const rowOf = async (id: string) => (await database.db.select().from(messages).where(eq(messages.id, id)))[0];
const healthPage = async () =>
  (await web.inject({ method: 'GET', url: '/admin/health', headers: { cookie: session.cookie } })).body;

describe('the daily cap on messages to people who have not written for a day', () => {
  it('sends up to the cap, warns in the console near it and at it, and holds the next one with its reason, not dropped', async () => {
    const before = await Promise.all([1, 2, 3, 4, 5].map((n) => silentPerson(`628220000000${n}@s.whatsapp.net`)));
    const [first, , third, fourth, fifth] = before as [string, string, string, string, string];
    const held = await silentPerson('6282200000006@s.whatsapp.net');

    await queue(first, 'Kabar satu');
    await eventually('the first message', async () => wa.sentTo(first).length === 1);
    await eventually('the count in the console', async () => (await healthPage()).includes('Hari ini 1 dari 5 pesan'));

    for (const [n, jid] of before.slice(1, 3).entries()) await queue(jid, `Kabar ${n + 2}`);
    await eventually('the third message', async () => wa.sentTo(third).length === 1);
    await eventually('the count of three', async () => (await healthPage()).includes('Hari ini 3 dari 5 pesan'));
    expect(await healthPage()).not.toContain('Hampir mencapai batas harian');

    // At 80% of the cap the console warns before anything is held.
    await queue(fourth, 'Kabar empat');
    await eventually('the fourth message', async () => wa.sentTo(fourth).length === 1);
    await eventually('the warning near the cap', async () =>
      (await healthPage()).includes('Hampir mencapai batas harian: 4 dari 5 pesan'),
    );

    await queue(fifth, 'Kabar lima');
    await eventually('the fifth message', async () => wa.sentTo(fifth).length === 1);
    await eventually('the warning at the cap', async () =>
      (await healthPage()).includes('Batas harian tercapai (5 dari 5)'),
    );

    const id = await queue(held, 'Kabar enam');
    const row = await eventually('the sixth to be held', async () => {
      const r = await rowOf(id);
      return r?.heldReason ? r : undefined;
    });
    expect(row.status).toBe('pending');
    expect(row.attempts).toBeLessThanOrEqual(1);
    const page = await healthPage();
    expect(page).toContain('Pesan WhatsApp yang ditahan');
    expect(page).toContain('Batas harian 5 pesan ke orang yang tidak menulis dalam 24 jam terakhir sudah tercapai');
    expect(wa.sentTo(held)).toHaveLength(0);
    const job = await app.queues.outbox('whatsapp').getJob(id);
    expect(await job?.getState()).toBe('delayed');

    // Someone who is talking to the number is not held.
    const warm = new WhatsAppPerson(app, wa, '6282200000009@s.whatsapp.net');
    expect((await warm.say('halo')).join('\n')).toContain('Silakan pilih menu');

    // The next day the count starts again, and the held message goes out.
    const today = DateTime.now().setZone('Asia/Jakarta').toISODate();
    await app.connection.del(`${app.prefix}:whatsapp:cold:${today}`);
    await job?.promote();
    await eventually('the held message to go out', async () => wa.sentTo(held).length === 1);
    expect(textOf(wa.sentTo(held)[0] as never)).toBe('Kabar enam');
    await eventually('the row to be sent, no longer held', async () => {
      const r = await rowOf(id);
      return r?.status === 'sent' && r.heldReason === null;
    });
  });

  it('releases a held message when the person writes meanwhile, before the answer to what they wrote', async () => {
    // Today's count up to the cap again: other silent people take what is left of it.
    const today = DateTime.now().setZone('Asia/Jakarta').toISODate();
    const used = await app.connection.scard(`${app.prefix}:whatsapp:cold:${today}`);
    for (let n = 1; n <= 5 - used; n++) {
      const jid = await silentPerson(`628230000000${n}@s.whatsapp.net`);
      await queue(jid, `Kabar lain ${n}`);
      await eventually(`message ${n}`, async () => wa.sentTo(jid).length === 1);
    }
    const jid = await silentPerson('6282300000009@s.whatsapp.net');
    const id = await queue(jid, 'Kabar yang ditahan');
    await eventually('the message to be held', async () => (await rowOf(id))?.heldReason === 'daily_cap');

    // They write: they are in conversation now, so the held message need not wait for tomorrow.
    const person = new WhatsAppPerson(app, wa, jid);
    const received = await person.say('halo');
    expect(received[0]).toBe('Kabar yang ditahan');
    expect(received.slice(1).join('\n')).toContain('Silakan pilih menu');
    expect(await rowOf(id)).toMatchObject({ status: 'sent', heldReason: null });
  });
});
