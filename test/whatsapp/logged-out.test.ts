import { DisconnectReason, initAuthCreds } from '@whiskeysockets/baileys';
import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { loadAuthState } from '../../src/bots/whatsapp/auth-state.js';
import type { Database } from '../../src/db/client.js';
import { messages, whatsappAuth } from '../../src/db/schema.js';
import { eventually } from '../support/app.js';
import { freshDatabase } from '../support/postgres.js';
import { FakeWhatsApp } from './support/fake-whatsapp.js';
import { startWhatsApp, stateIs, WhatsAppPerson, whatsappApp, whatsappConfig } from './support/whatsapp-app.js';

const config = whatsappConfig();
let database: Database;
let app: App | undefined;

beforeAll(async () => {
  database = await freshDatabase();
});

afterEach(async () => {
  await app?.close();
  app = undefined;
});

afterAll(async () => {
  await database?.close();
});

/** A paired service: its creds are in Postgres, its socket open. */
async function paired(wa: FakeWhatsApp): Promise<App> {
  const stored = await loadAuthState(database.db, 'default');
  Object.assign(stored.state.creds, {
    ...initAuthCreds(),
    registered: true,
    me: { id: '6281100000000:2@s.whatsapp.net' },
  });
  await stored.saveCreds();
  await stored.state.keys.set({ session: { '6281100000009.0': new Uint8Array([1, 2, 3]) } });
  ({ app } = await whatsappApp(database, config, wa));
  return app;
}

const authRows = async () => (await database.db.select({ key: whatsappAuth.key }).from(whatsappAuth)).length;

/** Gives a reconnect, were one coming, the time to happen. */
const settleDown = () => new Promise((r) => setTimeout(r, 400));

describe('when WhatsApp logs the device out (401)', () => {
  it('stops, records logged_out, forgets the pairing, and keeps the messages for later', async () => {
    const wa = new FakeWhatsApp();
    const current = await paired(wa);
    const wati = new WhatsAppPerson(current, wa, '6281400000001@s.whatsapp.net');
    await wati.say('halo');
    const sockets = wa.sockets.length;

    wa.current.drop(DisconnectReason.loggedOut, 'Intentional Logout');
    const row = await stateIs(current, 'logged_out');
    expect(row.lastError).toContain('logged this device out (401)');
    expect(JSON.parse(row.detail ?? '{}')).toMatchObject({ code: 401 });
    await eventually('the pairing to be forgotten', async () => (await authRows()) === 0);
    await settleDown();
    expect(wa.sockets).toHaveLength(sockets);

    // An answer queued now is not lost: it waits, failing as unreachable, for a new pairing.
    await current.flows.handle({ channel: 'whatsapp', address: wati.jid, key: `wa:${wati.jid}:later`, text: 'MENU' });
    const pending = await eventually('the answer to be tried', async () => {
      const [m] = await database.db
        .select()
        .from(messages)
        .where(and(eq(messages.address, wati.jid), eq(messages.status, 'pending')));
      return m?.lastError ? m : undefined;
    });
    expect(pending.lastError).toContain('not connected');
  });

  it('starts unpaired once restarted, on fresh creds', async () => {
    const wa = new FakeWhatsApp();
    wa.autoOpen = false;
    ({ app } = await startWhatsApp(database, config, wa));
    const socket = await wa.socket(0);
    expect(socket.options.auth.creds.registered).toBe(false);
    expect(socket.options.auth.creds.me).toBeUndefined();
  });
});

describe('when the session is taken over or refused', () => {
  it.each([
    [DisconnectReason.connectionReplaced, 'replaced', 'another client opened this WhatsApp session (440)'],
    [DisconnectReason.forbidden, 'logged_out', 'refused this number (403)'],
    [405, 'logged_out', 'refused the connection (405)'],
    [409, 'logged_out', 'refused the session (409)'],
    [412, 'logged_out', 'refused the session (412)'],
  ])('stops on %i, records %s, and keeps the pairing', async (code, state, reason) => {
    const wa = new FakeWhatsApp();
    const current = await paired(wa);
    const rows = await authRows();
    wa.current.drop(code);
    const row = await stateIs(current, state);
    expect(row.lastError).toContain(reason);
    await settleDown();
    expect(wa.sockets).toHaveLength(1);
    expect(await authRows()).toBe(rows);
  });
});
