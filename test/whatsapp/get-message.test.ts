import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Database } from '../../src/db/client.js';
import { messages } from '../../src/db/schema.js';
import { freshDatabase } from '../support/postgres.js';
import { FakeWhatsApp, type Sent, textOf } from './support/fake-whatsapp.js';
import { WhatsAppPerson, whatsappApp, whatsappConfig } from './support/whatsapp-app.js';

const config = whatsappConfig();
let database: Database;
let app: App | undefined;

beforeAll(async () => {
  database = await freshDatabase();
});

afterAll(async () => {
  await app?.close();
  await database?.close();
});

describe('a recipient asking again for a message it could not decrypt', () => {
  it('gets it from Postgres by its WhatsApp id, after a restart too, but not once it is old', async () => {
    const first = new FakeWhatsApp();
    ({ app } = await whatsappApp(database, config, first));
    const eka = new WhatsAppPerson(app, first, '6282000000001@s.whatsapp.net');
    await eka.say('halo');
    const last = first.sentTo(eka.jid).at(-1) as Sent;
    await app.close();

    // A new process: nothing of the first one's memory is left.
    const second = new FakeWhatsApp();
    ({ app } = await whatsappApp(database, config, second));
    const { getMessage } = second.current.options;
    const asked = await getMessage({ remoteJid: eka.jid, id: last.id, fromMe: true });
    expect(asked?.conversation).toBe(textOf(last));
    expect(await getMessage({ remoteJid: eka.jid, id: 'UNKNOWN', fromMe: true })).toBeUndefined();

    await database.db
      .update(messages)
      .set({ sentAt: new Date(Date.now() - 2 * 24 * 3600_000) })
      .where(eq(messages.externalId, last.id));
    expect(await getMessage({ remoteJid: eka.jid, id: last.id, fromMe: true })).toBeUndefined();
  });
});
