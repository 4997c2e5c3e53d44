import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Database } from '../../src/db/client.js';
import { inboundMessages } from '../../src/db/schema.js';
import { eventually } from '../support/app.js';
import { PNG } from '../support/files.js';
import { freshDatabase } from '../support/postgres.js';
import { FakeWhatsApp, imageMessage, textMessage, textOf } from './support/fake-whatsapp.js';
import { WhatsAppPerson, whatsappApp, whatsappConfig } from './support/whatsapp-app.js';

const LIMIT = 3;
const config = whatsappConfig({ CHAT_MESSAGES_PER_MINUTE: String(LIMIT) });
const wa = new FakeWhatsApp();
let database: Database;
let app: App;

beforeAll(async () => {
  database = await freshDatabase();
  ({ app } = await whatsappApp(database, config, wa));
});

afterAll(async () => {
  await app?.close();
  await database?.close();
});

const taken = async (address: string) =>
  (
    await database.db
      .select({ id: inboundMessages.id })
      .from(inboundMessages)
      .where(and(eq(inboundMessages.channel, 'whatsapp'), eq(inboundMessages.address, address)))
  ).length;

/** How many of a sender's messages the limit has counted this minute. */
const counted = async (address: string) =>
  Number(await app.connection.get(`${app.prefix}:rate:sender:whatsapp:${address}`));

describe('a sender flooding the WhatsApp number', () => {
  it('has the minute’s messages past the limit dropped, is asked once to slow down, and holds up nobody else', async () => {
    const flooder = '6281200007001@s.whatsapp.net';
    const flood = [
      ...['halo', 'menu', 'bantuan', 'lagi'].map((text) => textMessage(flooder, text)),
      imageMessage(flooder, PNG, wa),
      ...['satu', 'dua', 'tiga'].map((text) => textMessage(flooder, text)),
    ];
    wa.current.receive(...flood);

    // Someone else writing meanwhile is answered as usual.
    const other = new WhatsAppPerson(app, wa, '6281200007002@s.whatsapp.net');
    expect((await other.say('halo')).join('\n')).toContain('Silakan pilih menu');

    await eventually('every message of the flood to be counted', async () => (await counted(flooder)) === flood.length);
    expect(await taken(flooder)).toBe(LIMIT);
    // The photo came past the limit: it was never downloaded.
    expect(wa.downloads).toBe(0);
    await eventually('the request to slow down', async () =>
      wa.sentTo(flooder).some((s) => textOf(s).includes('terlalu cepat')),
    );
    await new WhatsAppPerson(app, wa, flooder).delivered();
    const slowDown = wa.sentTo(flooder).filter((s) => textOf(s).includes('terlalu cepat'));
    expect(slowDown.map(textOf)).toEqual([expect.stringMatching(/dalam \d+ detik ke depan/)]);
  });
});
