import { createServer } from 'node:net';
import makeWASocket from '@whiskeysockets/baileys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { SocketFactory, WhatsAppStateDetail } from '../../src/bots/whatsapp/index.js';
import type { Database } from '../../src/db/client.js';
import { eventually } from '../support/app.js';
import { freshDatabase } from '../support/postgres.js';
import { FakeWhatsApp } from './support/fake-whatsapp.js';
import { startWhatsApp, stateIs, whatsappConfig } from './support/whatsapp-app.js';

let database: Database;
let app: App | undefined;

beforeAll(async () => {
  database = await freshDatabase();
});

afterAll(async () => {
  await app?.close();
  await database?.close();
});

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

describe("Baileys' own socket", () => {
  it('is driven by the connection: a refused WebSocket is retried with backoff', async () => {
    const url = `ws://127.0.0.1:${await closedPort()}`;
    let opened = 0;
    // Everything real but the server's address, so no test ever reaches WhatsApp.
    const connect: SocketFactory = async (options) => {
      opened++;
      return makeWASocket({ ...options, waWebSocketUrl: url });
    };
    // A retried test starts its own service.
    await app?.close();
    const { app: started } = await startWhatsApp(database, whatsappConfig(), new FakeWhatsApp(), {
      connect,
      reconnect: { baseMs: 200, maxMs: 400 },
    });
    app = started;
    const attempt = async (): Promise<number> => {
      const row = await stateIs(started, 'reconnecting');
      expect(row.lastError).toContain('ECONNREFUSED');
      return (JSON.parse(row.detail ?? '{}') as WhatsAppStateDetail).attempt ?? 0;
    };
    // A loaded machine may see the state only after a later try: the count, not its first value.
    const first = await attempt();
    expect(first).toBeGreaterThanOrEqual(1);
    await eventually('another try', async () => opened >= 2 && (await attempt()) > first);
  });
});
