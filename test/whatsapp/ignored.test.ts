import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Database } from '../../src/db/client.js';
import { inboundMessages } from '../../src/db/schema.js';
import { eventually } from '../support/app.js';
import { freshDatabase } from '../support/postgres.js';
import { FakeWhatsApp, incoming, textMessage, textOf } from './support/fake-whatsapp.js';
import { WhatsAppPerson, whatsappApp, whatsappConfig } from './support/whatsapp-app.js';

const GROUP = '120363012345678901@g.us';
const OTHER_GROUP = '120363099999999999@g.us';
const config = whatsappConfig({ WHATSAPP_GROUPS: GROUP });
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

const inbound = () => database.db.select().from(inboundMessages).where(eq(inboundMessages.channel, 'whatsapp'));

describe('messages the service does not answer', () => {
  it('ignores status updates, broadcast lists, channels, other groups, its own messages and reactions', async () => {
    const yudi = '6281600000001@s.whatsapp.net';
    wa.current.receive(
      textMessage(yudi, 'status saya hari ini', { group: 'status@broadcast' }),
      textMessage(yudi, 'siaran', { group: '1764000000@broadcast' }),
      textMessage('120363111111111111@newsletter', 'kabar saluran'),
      textMessage(yudi, 'halo grup', { group: OTHER_GROUP }),
      textMessage(yudi, 'halo dari perangkat lain', { fromMe: true }),
      incoming(yudi, { reactionMessage: { text: '👍', key: { id: 'X', remoteJid: yudi, fromMe: true } } }),
      incoming(yudi, { protocolMessage: { type: 0, key: { id: 'Y', remoteJid: yudi } } }),
    );
    // Handled after anything queued before it: by then the others were dropped, or not.
    const control = new WhatsAppPerson(app, wa, '6281600000002@s.whatsapp.net');
    await control.say('halo');
    expect((await inbound()).map((r) => r.address)).toEqual([control.jid]);
    expect(wa.sent.map((s) => s.jid)).toEqual([control.jid]);
  });
});

describe('a configured group', () => {
  it('is answered in the group, while the person who wrote stays who they are', async () => {
    const tono = '6281600000003@s.whatsapp.net';
    const hello = textMessage('99000000000003@lid', 'halo', { group: GROUP, alt: tono });
    wa.current.receive(hello);
    const row = await eventually('the flows to take the group message', async () => {
      const [found] = await database.db
        .select()
        .from(inboundMessages)
        .where(and(eq(inboundMessages.channel, 'whatsapp'), eq(inboundMessages.key, `wa:${GROUP}:${hello.key.id}`)));
      return found;
    });
    await eventually('the answer in the group', async () => wa.sentTo(GROUP).length > 0);
    expect(row.address).toBe(tono);
    const answer = wa.sentTo(GROUP);
    expect(answer.map(textOf).join('\n')).toContain('Silakan pilih menu');
    expect(wa.sentTo(tono)).toHaveLength(0);
  });
});
