import { proto } from '@whiskeysockets/baileys';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Database } from '../../src/db/client.js';
import { insertChatMessage } from '../../src/db/outbox.js';
import { messages } from '../../src/db/schema.js';
import { eventually } from '../support/app.js';
import { freshDatabase } from '../support/postgres.js';
import { FakeWhatsApp, type Sent } from './support/fake-whatsapp.js';
import { WhatsAppPerson, whatsappApp, whatsappConfig } from './support/whatsapp-app.js';

const ACK_TIMEOUT_MS = 400;
const wa = new FakeWhatsApp();
let database: Database;
let app: App;

beforeAll(async () => {
  database = await freshDatabase();
  ({ app } = await whatsappApp(database, whatsappConfig({ WHATSAPP_ACK_TIMEOUT_MS: String(ACK_TIMEOUT_MS) }), wa, {
    housekeepingMs: 50,
  }));
});

afterAll(async () => {
  await app?.close();
  await database?.close();
});

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

const rowWhere = (id: string, what: string, test: (row: typeof messages.$inferSelect) => boolean) =>
  eventually(what, async () => {
    const row = await rowOf(id);
    return row && test(row) ? row : undefined;
  });

/** A person who wrote, so the service may answer them; acks are left to the test from here on. */
async function personWhoWrote(jid: string): Promise<WhatsAppPerson> {
  wa.autoAck = true;
  const person = new WhatsAppPerson(app, wa, jid);
  await person.say('halo');
  wa.autoAck = false;
  return person;
}

const sentTexts = (jid: string, text: string): Sent[] =>
  wa.sentTo(jid).filter((s) => (s.content as { text?: string }).text === text);

describe('a message handed to WhatsApp', () => {
  it('waits for the server’s ack to count as sent, then follows delivered and read, never backwards', async () => {
    const ayu = await personWhoWrote('6281900000001@s.whatsapp.net');
    const id = await queue(ayu.jid, 'Kabar pertama');
    const waiting = await rowWhere(id, 'the send', (r) => r.status === 'sending');
    const [sent] = sentTexts(ayu.jid, 'Kabar pertama') as [Sent];
    expect(waiting.externalId).toBe(sent.id);
    expect(waiting.delivery).toBeNull();

    wa.current.serverAck(sent.id);
    expect((await rowWhere(id, 'the server ack', (r) => r.status === 'sent')).delivery).toBe('server');
    wa.current.receipt(sent.id, proto.WebMessageInfo.Status.DELIVERY_ACK);
    await rowWhere(id, 'the delivery receipt', (r) => r.delivery === 'delivered');
    wa.current.receipt(sent.id, proto.WebMessageInfo.Status.READ);
    await rowWhere(id, 'the read receipt', (r) => r.delivery === 'read');
    // A delivery receipt arriving late does not undo "read".
    wa.current.receipt(sent.id, proto.WebMessageInfo.Status.DELIVERY_ACK);
    wa.current.serverAck(sent.id);
    await new Promise((r) => setTimeout(r, 200));
    expect(await rowOf(id)).toMatchObject({ status: 'sent', delivery: 'read' });
  });

  it('is sent once more when the server does not ack it in time, and counts as sent when the second is acked', async () => {
    const bima = await personWhoWrote('6281900000002@s.whatsapp.net');
    const id = await queue(bima.jid, 'Kabar kedua');
    const second = await eventually('the second send', async () => sentTexts(bima.jid, 'Kabar kedua')[1]);
    const row = await rowWhere(id, 'the second send recorded', (r) => r.externalId === second.id);
    expect(row.ackMisses).toBe(1);
    wa.current.serverAck(second.id);
    await rowWhere(id, 'the ack of the second send', (r) => r.status === 'sent');
    await new Promise((r) => setTimeout(r, ACK_TIMEOUT_MS * 2));
    expect(sentTexts(bima.jid, 'Kabar kedua')).toHaveLength(2);
  });

  it('sends again under the same WhatsApp id, so a late ack of the first send leaves one copy and a sent row', async () => {
    const eka = await personWhoWrote('6281900000005@s.whatsapp.net');
    const id = await queue(eka.jid, 'Kabar kelima');
    const [first, second] = await eventually('the second send', async () => {
      const sends = sentTexts(eka.jid, 'Kabar kelima');
      return sends.length === 2 ? sends : undefined;
    });
    // A phone keeps one message per id: whichever copy arrives, the person sees it once.
    expect(second?.id).toBe(first?.id);
    // WhatsApp's ack for the first send comes only now.
    wa.current.serverAck(first?.id as string);
    const row = await rowWhere(id, 'the late ack to count', (r) => r.status === 'sent');
    expect(row).toMatchObject({ delivery: 'server', externalId: first?.id, ackMisses: 1 });
    await new Promise((r) => setTimeout(r, ACK_TIMEOUT_MS * 2));
    expect(await rowOf(id)).toMatchObject({ status: 'sent' });
    expect(sentTexts(eka.jid, 'Kabar kelima')).toHaveLength(2);
  });

  it('counts a late ack that comes while the row waits for its resend as sent, and does not send it again', async () => {
    const fajar = await personWhoWrote('6281900000006@s.whatsapp.net');
    // The state the ack sweep leaves: handed to WhatsApp as WA-LATE-1, no ack in time, back to wait.
    const { id } = await insertChatMessage(database.db, 'whatsapp', fajar.jid, {
      caseId: null,
      instanceId: null,
      template: 'flow.text',
      params: { text: 'Kabar keenam' },
    });
    await database.db
      .update(messages)
      .set({ externalId: 'WA-LATE-1', ackMisses: 1, sentAt: new Date() })
      .where(eq(messages.id, id));
    wa.current.serverAck('WA-LATE-1');
    expect(await rowWhere(id, 'the late ack to count', (r) => r.status === 'sent')).toMatchObject({
      delivery: 'server',
    });
    // The resend's job finds the row sent and leaves it.
    await app.queues.addMessage(id, 'whatsapp');
    await eventually('the resend job to end', async () => {
      const job = await app.queues.outbox('whatsapp').getJob(id);
      return (await job?.getState()) === 'completed';
    });
    expect(sentTexts(fajar.jid, 'Kabar keenam')).toHaveLength(0);
  });

  it('fails after a second send without an ack, and is not sent a third time', async () => {
    const citra = await personWhoWrote('6281900000003@s.whatsapp.net');
    const id = await queue(citra.jid, 'Kabar ketiga');
    const failed = await rowWhere(id, 'the message to fail', (r) => r.status === 'dead');
    expect(failed.lastError).toContain('no server ack');
    await new Promise((r) => setTimeout(r, ACK_TIMEOUT_MS * 2));
    expect(sentTexts(citra.jid, 'Kabar ketiga')).toHaveLength(2);
  });

  it('fails with the code and reason of an error ack', async () => {
    const dodi = await personWhoWrote('6281900000004@s.whatsapp.net');
    const id = await queue(dodi.jid, 'Kabar keempat');
    await rowWhere(id, 'the send', (r) => r.status === 'sending');
    const [sent] = sentTexts(dodi.jid, 'Kabar keempat') as [Sent];
    wa.current.errorAck(sent.id, 479);
    const failed = await rowWhere(id, 'the error ack', (r) => r.status === 'dead');
    expect(failed).toMatchObject({ delivery: 'error', errorCode: '479' });
    expect(failed.lastError).toContain('error ack 479');
  });
});
