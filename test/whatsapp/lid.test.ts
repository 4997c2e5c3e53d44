import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Database } from '../../src/db/client.js';
import { conversations, whatsappContacts } from '../../src/db/schema.js';
import { freshDatabase } from '../support/postgres.js';
import { FakeWhatsApp, textMessage } from './support/fake-whatsapp.js';
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

const conversationsOf = async (address: string) =>
  database.db.select().from(conversations).where(eq(conversations.address, address));

/** Sends `text` as written by `from` (with `alt` beside it), and waits for the answers to `phone`. */
async function write(phone: string, from: string, text: string, alt?: string): Promise<string[]> {
  const message = textMessage(from, text, alt ? { alt } : {});
  wa.current.receive(message);
  return new WhatsAppPerson(app, wa, phone, from).settle(message.key.id ?? '');
}

describe('a person WhatsApp shows by LID one time and by phone number another', () => {
  it('is one chat when a phone-addressed message carried the LID', async () => {
    const phone = '6281700000001@s.whatsapp.net';
    const lid = '99000000000001@lid';
    expect((await write(phone, phone, 'halo', lid)).join('\n')).toContain('Silakan pilih menu');
    expect((await write(phone, lid, '2')).join('\n')).toContain('Apa yang ingin Anda sampaikan');
    expect(await conversationsOf(lid)).toHaveLength(0);
    expect(await conversationsOf(phone)).toHaveLength(1);
    expect(wa.sentTo(lid)).toHaveLength(0);
  });

  it('is one chat when a LID-addressed message carried the phone number', async () => {
    const phone = '6281700000002@s.whatsapp.net';
    const lid = '99000000000002@lid';
    await write(phone, lid, 'halo', '6281700000002:7@s.whatsapp.net');
    expect((await write(phone, phone, '2')).join('\n')).toContain('Apa yang ingin Anda sampaikan');
    const [contact] = await database.db
      .select()
      .from(whatsappContacts)
      .where(eq(whatsappContacts.lid, '99000000000002@lid'));
    expect(contact?.phoneJid).toBe(phone);
  });

  it('learns the pair from lid-mapping.update and from Baileys’ own LID store', async () => {
    const first = { phone: '6281700000003@s.whatsapp.net', lid: '99000000000003@lid' };
    wa.current.ev.emit('lid-mapping.update', { lid: first.lid, pn: first.phone });
    await new WhatsAppPerson(app, wa, first.phone).say('halo');
    expect((await write(first.phone, first.lid, '2')).join('\n')).toContain('Apa yang ingin Anda sampaikan');

    const second = { phone: '6281700000004@s.whatsapp.net', lid: '99000000000004@lid' };
    wa.lidStore.set(second.lid, second.phone);
    expect((await write(second.phone, second.lid, 'halo')).join('\n')).toContain('Silakan pilih menu');
    expect(await conversationsOf(second.phone)).toHaveLength(1);
  });

  it('stays its LID while no phone number was ever seen with it', async () => {
    const lid = '99000000000005@lid';
    expect((await write(lid, lid, 'halo')).join('\n')).toContain('Silakan pilih menu');
    expect(await conversationsOf(lid)).toHaveLength(1);
  });
});
