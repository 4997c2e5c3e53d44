import { DisconnectReason } from '@whiskeysockets/baileys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { WhatsAppStateDetail } from '../../src/bots/whatsapp/index.js';
import type { Database } from '../../src/db/client.js';
import { freshDatabase } from '../support/postgres.js';
import { FakeWhatsApp } from './support/fake-whatsapp.js';
import { stateIs, whatsappApp, whatsappConfig } from './support/whatsapp-app.js';

const config = whatsappConfig();
const wa = new FakeWhatsApp();
let database: Database;
let app: App;

beforeAll(async () => {
  database = await freshDatabase();
  // Slow enough to see: the first wait is 1.5 to 3 s, then twice as long each time.
  ({ app } = await whatsappApp(database, config, wa, { reconnect: { baseMs: 3000, maxMs: 60_000 } }));
});

afterAll(async () => {
  await app?.close();
  await database?.close();
});

const detailOf = (row: { detail: string | null }) => JSON.parse(row.detail ?? '{}') as WhatsAppStateDetail;

describe('after a close WhatsApp may recover from', () => {
  it('reconnects at once when asked to restart (515)', async () => {
    const before = wa.sockets.length;
    wa.autoOpen = false;
    wa.current.drop(DisconnectReason.restartRequired, 'Stream Errored (restart required)');
    const socket = await wa.socket(before);
    // Not a failure: no backoff (which records 'reconnecting' and the close as the last error first).
    expect(await stateIs(app, 'connecting')).toMatchObject({ lastError: null });
    socket.open();
    wa.autoOpen = true;
    await stateIs(app, 'connected');
  });

  it('waits longer after each failed try, and starts over once connected', async () => {
    wa.autoOpen = false;
    wa.current.drop(DisconnectReason.connectionLost, 'Connection was lost');
    const first = detailOf(await stateIs(app, 'reconnecting'));
    expect(first).toMatchObject({ attempt: 1, code: 408 });
    expect(first.retryInMs).toBeGreaterThanOrEqual(1500);
    expect(first.retryInMs).toBeLessThanOrEqual(3000);

    const count = wa.sockets.length;
    const second = await wa.socket(count);
    second.drop(DisconnectReason.connectionClosed, 'Connection Closed');
    const row = await stateIs(app, 'reconnecting');
    expect(detailOf(row)).toMatchObject({ attempt: 2, code: 428 });
    expect(detailOf(row).retryInMs).toBeGreaterThanOrEqual(3000);
    expect(row.lastError).toContain('Connection Closed');

    const third = await wa.socket(count + 1);
    third.open();
    wa.autoOpen = true;
    await stateIs(app, 'connected');
    third.drop(DisconnectReason.unavailableService, 'Service Unavailable');
    expect(detailOf(await stateIs(app, 'reconnecting'))).toMatchObject({ attempt: 1, code: 503 });
  }, 90_000);
});
