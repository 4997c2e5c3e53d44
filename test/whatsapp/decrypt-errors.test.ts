import { proto, type WAMessage } from '@whiskeysockets/baileys';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { DecryptErrors } from '../../src/bots/whatsapp/decrypt-errors.js';
import type { Database } from '../../src/db/client.js';
import { channelStates, inboundMessages } from '../../src/db/schema.js';
import { eventually } from '../support/app.js';
import { freshDatabase } from '../support/postgres.js';
import { FakeWhatsApp, messageId } from './support/fake-whatsapp.js';
import { WhatsAppPerson, whatsappApp, whatsappConfig } from './support/whatsapp-app.js';

const wa = new FakeWhatsApp();
let database: Database;
let app: App;

beforeAll(async () => {
  database = await freshDatabase();
  ({ app } = await whatsappApp(database, whatsappConfig(), wa));
});

afterAll(async () => {
  await app?.close();
  await database?.close();
});

/** What Baileys upserts for a message it could not decrypt. */
function undecryptable(from: string, error: string, id = messageId()): WAMessage {
  return {
    key: { remoteJid: from, fromMe: false, id },
    messageStubType: proto.WebMessageInfo.StubType.CIPHERTEXT,
    messageStubParameters: [error],
    messageTimestamp: Math.floor(Date.now() / 1000),
  };
}

const stateRow = async () =>
  (await database.db.select().from(channelStates).where(eq(channelStates.channel, 'whatsapp')))[0];

describe('messages WhatsApp could not decrypt', () => {
  it('are counted, and a burst is reported to the console, without reaching the flows', async () => {
    const from = '6281900000001@s.whatsapp.net';
    for (let i = 0; i < 4; i++) wa.current.receive(undecryptable(from, 'Bad MAC'));
    wa.current.receive(undecryptable(from, 'Message absent from node'));
    await eventually('the count to reach the console', async () => {
      const row = await stateRow();
      return JSON.parse(row?.detail ?? '{}').decryptErrors === 4;
    });
    expect((await stateRow())?.lastError).toBeNull();

    wa.current.receive(undecryptable(from, 'Bad MAC'));
    const row = await eventually('the burst to be reported', async () => {
      const r = await stateRow();
      return r?.lastError ? r : undefined;
    });
    expect(row.state).toBe('connected');
    expect(row.lastError).toContain('5 messages could not be decrypted in 10 minutes (last: Bad MAC)');
    expect(await database.db.select().from(inboundMessages)).toHaveLength(0);
  });

  it('are taken when WhatsApp resends them decrypted under the same key', async () => {
    const person = new WhatsAppPerson(app, wa, '6281900000002@s.whatsapp.net');
    const id = messageId();
    wa.current.receive(undecryptable(person.jid, 'Bad MAC', id));
    expect((await person.say('halo', { id })).join('\n')).toContain('Silakan pilih menu');
  });
});

describe('the decrypt error window', () => {
  it('raises the alarm once per window, and forgets failures older than the window', () => {
    const window = new DecryptErrors(1000, 3);
    expect(window.record(0)).toEqual({ count: 1, alarm: false });
    expect(window.record(10)).toEqual({ count: 2, alarm: false });
    expect(window.record(20)).toEqual({ count: 3, alarm: true });
    expect(window.record(30)).toEqual({ count: 4, alarm: false });
    expect(window.record(1015)).toEqual({ count: 3, alarm: false });
    expect(window.record(1025)).toEqual({ count: 3, alarm: true });
    expect(window.record(5000)).toEqual({ count: 1, alarm: false });
  });
});
