import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Database } from '../../src/db/client.js';
import { messages } from '../../src/db/schema.js';
import { eventually } from '../support/app.js';
import { freshDatabase } from '../support/postgres.js';
import { FakeWhatsApp, textMessage, textOf } from './support/fake-whatsapp.js';
import { stateIs, WhatsAppPerson, whatsappApp, whatsappConfig } from './support/whatsapp-app.js';

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

describe('when the connection drops in the middle of a conversation', () => {
  it('opens a new socket, delivers what was answered while it was down, and resumes', async () => {
    const dewi = new WhatsAppPerson(app, wa, '6281300000001@s.whatsapp.net');
    await dewi.say('halo');
    await dewi.choose('Saran/Keluhan');
    expect(dewi.lastText()).toContain('Apa yang ingin Anda sampaikan');

    // Her answer arrives, and the connection drops before the reply to it goes out.
    wa.autoOpen = false;
    const pick = textMessage(dewi.jid, String(dewi.numberOf('Saran')));
    wa.current.receive(pick);
    wa.current.drop(428, 'Connection Closed');
    const next = await wa.socket(1);
    await stateIs(app, 'connecting');

    // The reply waits in the outbox, retried, not dropped.
    const pending = await eventually('the reply to be tried while the socket is down', async () => {
      const [row] = await database.db
        .select()
        .from(messages)
        .where(and(eq(messages.address, dewi.jid), eq(messages.status, 'pending')));
      return row?.lastError ? row : undefined;
    });
    expect(pending.lastError).toContain('not connected');
    expect(wa.sentTo(dewi.jid).filter((s) => s.socket === 1)).toHaveLength(0);

    next.open();
    wa.autoOpen = true;
    const [reply] = await dewi.settle(pick.key.id ?? '');
    expect(reply).toContain('Tentang dokumen atau layanan apa');
    expect(wa.sentTo(dewi.jid).at(-1)?.socket).toBe(1);

    expect((await dewi.say('SOP Pengadaan')).join('\n')).toContain('Silakan tuliskan saran Anda');
    expect(
      wa
        .sentTo(dewi.jid)
        .map(textOf)
        .filter((t) => t.includes('Tentang dokumen')),
    ).toHaveLength(1);
  });
});
