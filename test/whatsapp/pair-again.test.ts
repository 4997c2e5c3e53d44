import { DisconnectReason, initAuthCreds } from '@whiskeysockets/baileys';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { loadAuthState } from '../../src/bots/whatsapp/auth-state.js';
import type { Database } from '../../src/db/client.js';
import { auditLog, messages } from '../../src/db/schema.js';
import { buildWeb } from '../../src/web/server.js';
import { eventually } from '../support/app.js';
import { signIn } from '../support/console.js';
import { freshDatabase } from '../support/postgres.js';
import { FakeWhatsApp } from './support/fake-whatsapp.js';
import { stateIs, WhatsAppPerson, whatsappApp, whatsappConfig } from './support/whatsapp-app.js';

const wa = new FakeWhatsApp();
let database: Database;
let app: App;
let web: FastifyInstance;
let session: { cookie: string; csrf: string };

beforeAll(async () => {
  database = await freshDatabase();
  const stored = await loadAuthState(database.db, 'default');
  Object.assign(stored.state.creds, {
    ...initAuthCreds(),
    registered: true,
    me: { id: '6281100000000:2@s.whatsapp.net' },
  });
  await stored.saveCreds();
  ({ app } = await whatsappApp(database, whatsappConfig(), wa, { housekeepingMs: 50 }));
  web = await buildWeb(app);
  await web.ready();
  session = await signIn(app, web, 'pasangan');
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

const healthPage = async () =>
  (await web.inject({ method: 'GET', url: '/admin/health', headers: { cookie: session.cookie } })).body;
const pair = (payload: Record<string, string>) =>
  web.inject({
    method: 'POST',
    url: '/admin/health/whatsapp/pair',
    headers: { cookie: session.cookie },
    payload: { _csrf: session.csrf, ...payload },
  });

describe('after WhatsApp logged the device out', () => {
  it('an admin pairs again from the console, without a restart, and the waiting messages go out', async () => {
    const wati = new WhatsAppPerson(app, wa, '6282400000001@s.whatsapp.net');
    await wati.say('halo');
    wati.fresh();

    // Before any logout there is nothing to pair again.
    expect((await pair({ mode: 'qr' })).headers.location).toContain('done=pair_not_needed');

    wa.autoOpen = false;
    wa.current.drop(DisconnectReason.loggedOut, 'Intentional Logout');
    await stateIs(app, 'logged_out');
    const sockets = wa.sockets.length;

    // A reply queued meanwhile waits for WhatsApp, its attempts untouched.
    await app.flows.handle({ channel: 'whatsapp', address: wati.jid, key: `wa:${wati.jid}:later`, text: 'MENU' });
    const waiting = await eventually('the reply to wait', async () => {
      const [m] = await database.db
        .select()
        .from(messages)
        .where(and(eq(messages.address, wati.jid), eq(messages.status, 'pending')));
      return m?.lastError ? m : undefined;
    });
    expect(waiting.lastError).toContain('not connected');
    expect(await healthPage()).toContain('Tautkan ulang WhatsApp');

    expect((await pair({ mode: 'code', phone: '12' })).headers.location).toContain('done=pair_phone_invalid');
    const asked = await pair({ mode: 'qr' });
    expect(asked.statusCode).toBe(303);
    expect(asked.headers.location).toContain('done=pair_asked');
    const [audit] = await database.db.select().from(auditLog).where(eq(auditLog.action, 'whatsapp.pair_again'));
    expect(audit?.actor).toBe('admin:pasangan');

    // A fresh socket, unpaired, shows its QR code in the console.
    const fresh = await wa.socket(sockets);
    expect(fresh.options.auth.creds.registered).toBe(false);
    fresh.ev.emit('connection.update', { qr: '2@again-ref,noise,identity,adv' });
    await stateIs(app, 'pairing');
    expect(await healthPage()).toContain('Pindai kode QR ini di WhatsApp');

    // Scanned on the phone: new creds, a restart on them, and the socket is open.
    fresh.ev.emit('creds.update', { me: { id: '6281100000000:5@s.whatsapp.net' }, registered: true });
    fresh.drop(DisconnectReason.restartRequired, 'Stream Errored (restart required)');
    const paired = await wa.socket(sockets + 1);
    paired.open();
    await stateIs(app, 'connected');
    await wati.delivered();
    expect(wati.fresh().join('\n')).toContain('Silakan pilih menu');
    expect(wa.sentTo(wati.jid).at(-1)?.socket).toBe(sockets + 1);
  });
});
