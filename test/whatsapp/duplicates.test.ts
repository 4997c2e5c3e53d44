import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Database } from '../../src/db/client.js';
import { inboundMessages } from '../../src/db/schema.js';
import { freshDatabase } from '../support/postgres.js';
import { FakeWhatsApp, textMessage, textOf } from './support/fake-whatsapp.js';
import { reconnectAfter, WhatsAppPerson, whatsappApp, whatsappConfig } from './support/whatsapp-app.js';

const config = whatsappConfig();
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

const inboundCount = async (address: string) =>
  (
    await database.db
      .select({ id: inboundMessages.id })
      .from(inboundMessages)
      .where(and(eq(inboundMessages.channel, 'whatsapp'), eq(inboundMessages.address, address)))
  ).length;

describe('a message Baileys emits more than once', () => {
  it('acts once when the same upsert comes twice, and twice in one batch', async () => {
    const siti = new WhatsAppPerson(app, wa, '6281200000001@s.whatsapp.net');
    await siti.say('halo');
    const menu = textMessage(siti.jid, '2');
    wa.current.receive(menu);
    wa.current.receive(menu, menu);
    await siti.settle(menu.key.id ?? '');
    // A later message is handled after the repeats, in order: by then they have been dropped.
    await siti.say('1');
    expect(
      wa
        .sentTo(siti.jid)
        .map(textOf)
        .filter((t) => t.includes('Apa yang ingin Anda sampaikan')),
    ).toHaveLength(1);
    expect(siti.lastText()).toContain('Tentang dokumen atau layanan apa');
    expect(await inboundCount(siti.jid)).toBe(3);
  });

  it('acts once when a new socket emits it again after a reconnect', async () => {
    const andi = new WhatsAppPerson(app, wa, '6281200000002@s.whatsapp.net');
    await andi.say('halo');
    const status = textMessage(andi.jid, '3');
    wa.current.receive(status);
    await andi.settle(status.key.id ?? '');
    const answers = wa.sentTo(andi.jid).length;

    await reconnectAfter(app, wa, 428);
    wa.current.receive(status);
    await andi.say('MENU');
    const after = wa.sentTo(andi.jid).slice(answers);
    expect(after.map(textOf).join('\n')).not.toContain('nomor tiket');
    expect(after.every((s) => s.socket === 1)).toBe(true);
    expect(await inboundCount(andi.jid)).toBe(3);
  });

  it('acts once when it comes again after the service restarted, its memory gone', async () => {
    const rina = new WhatsAppPerson(app, wa, '6281200000003@s.whatsapp.net');
    const hello = textMessage(rina.jid, 'halo');
    wa.current.receive(hello);
    await rina.settle(hello.key.id ?? '');
    const answers = wa.sentTo(rina.jid).length;

    await app.close();
    ({ app } = await whatsappApp(database, config, wa));
    const again = new WhatsAppPerson(app, wa, rina.jid);
    wa.current.receive(hello);
    await again.say('MENU');
    expect(wa.sentTo(rina.jid).slice(answers)).toHaveLength(1);
    expect(await inboundCount(rina.jid)).toBe(2);
  });
});
