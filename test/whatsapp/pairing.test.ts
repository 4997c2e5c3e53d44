import { DisconnectReason } from '@whiskeysockets/baileys';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { loadAuthState } from '../../src/bots/whatsapp/auth-state.js';
import type { Database } from '../../src/db/client.js';
import { channelStates } from '../../src/db/schema.js';
import { eventually } from '../support/app.js';
import { freshDatabase } from '../support/postgres.js';
import { FakeWhatsApp } from './support/fake-whatsapp.js';
import { startWhatsApp, stateIs, whatsappConfig } from './support/whatsapp-app.js';

let database: Database;
let app: App | undefined;

beforeAll(async () => {
  database = await freshDatabase();
});

afterEach(async () => {
  await app?.close();
  app = undefined;
  await database.db.execute('delete from whatsapp_auth');
});

afterAll(async () => {
  await database?.close();
});

function terminal() {
  const lines: string[] = [];
  return { lines, write: (chunk: string | Uint8Array) => lines.push(String(chunk)) > 0 };
}

const detailOf = async () => {
  const [row] = await database.db.select().from(channelStates).where(eq(channelStates.channel, 'whatsapp'));
  return JSON.parse(row?.detail ?? '{}') as Record<string, unknown>;
};

describe('a service that is not paired yet', () => {
  it('shows each QR code in the terminal and the console, then connects on the pairing', async () => {
    const wa = new FakeWhatsApp();
    wa.autoOpen = false;
    const screen = terminal();
    ({ app } = await startWhatsApp(database, whatsappConfig(), wa, { terminal: screen }));
    const socket = await wa.socket(0);

    socket.ev.emit('connection.update', { qr: '2@first-ref,noise,identity,adv' });
    await stateIs(app, 'pairing');
    expect(await detailOf()).toEqual({ qr: '2@first-ref,noise,identity,adv' });
    socket.ev.emit('connection.update', { qr: '2@second-ref,noise,identity,adv' });
    await eventually('the newer QR code', async () => (await detailOf()).qr === '2@second-ref,noise,identity,adv');
    expect(screen.lines.filter((l) => l.includes('Linked devices'))).toHaveLength(2);
    // A terminal QR code is drawn with block characters.
    expect(screen.lines.join('')).toMatch(/[▀▄█]/);

    // Scanned: WhatsApp hands the new creds over and asks for a restart on them.
    socket.ev.emit('creds.update', { me: { id: '6281100000000:4@s.whatsapp.net', name: 'SIPUT' }, registered: true });
    socket.ev.emit('connection.update', { isNewLogin: true, qr: undefined });
    socket.drop(DisconnectReason.restartRequired, 'Stream Errored (restart required)');
    const next = await wa.socket(1);
    expect(next.options.auth.creds.registered).toBe(true);
    expect((await loadAuthState(database.db, 'default')).state.creds.me?.id).toBe('6281100000000:4@s.whatsapp.net');
    next.open();
    await stateIs(app, 'connected');
    expect(await detailOf()).toEqual({});
  });

  it('asks once per socket for a pairing code when a phone number is set', async () => {
    const wa = new FakeWhatsApp();
    wa.autoOpen = false;
    const screen = terminal();
    ({ app } = await startWhatsApp(database, whatsappConfig({ WHATSAPP_PAIRING_PHONE: '+62 811-0000-0000' }), wa, {
      terminal: screen,
    }));
    const socket = await wa.socket(0);
    socket.ev.emit('connection.update', { qr: '2@first-ref' });
    await stateIs(app, 'pairing');
    socket.ev.emit('connection.update', { qr: '2@second-ref' });
    await new Promise((r) => setTimeout(r, 100));
    expect(socket.pairingRequests).toEqual(['6281100000000']);
    expect(await detailOf()).toEqual({ pairingCode: 'SIPU7K0D' });
    expect(screen.lines.join('')).toContain('SIPU7K0D');
  });
});
