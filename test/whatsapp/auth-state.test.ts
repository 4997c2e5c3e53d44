import { randomBytes } from 'node:crypto';
import { BufferJSON, initAuthCreds, proto, type SignalDataSet } from '@whiskeysockets/baileys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { loadAuthState } from '../../src/bots/whatsapp/auth-state.js';
import type { Database } from '../../src/db/client.js';
import { whatsappAuth } from '../../src/db/schema.js';
import { eventually } from '../support/app.js';
import { freshDatabase } from '../support/postgres.js';
import { FakeWhatsApp } from './support/fake-whatsapp.js';
import { whatsappApp, whatsappConfig } from './support/whatsapp-app.js';

let database: Database;

beforeAll(async () => {
  database = await freshDatabase();
});

afterAll(async () => {
  await database?.close();
});

const json = (value: unknown) => JSON.stringify(value, BufferJSON.replacer);
const bytes = (n: number) => new Uint8Array(randomBytes(n));

describe('the WhatsApp auth state in Postgres', () => {
  it('gives back the creds byte for byte', async () => {
    const first = await loadAuthState(database.db, 'creds-test');
    Object.assign(first.state.creds, {
      me: { id: '6281100000000:12@s.whatsapp.net', lid: '99887766554433:12@lid', name: 'SIPUT' },
      registered: true,
      routingInfo: randomBytes(24),
    });
    await first.saveCreds();

    const again = await loadAuthState(database.db, 'creds-test');
    expect(json(again.state.creds)).toBe(json(first.state.creds));
    const { creds } = again.state;
    expect(Buffer.isBuffer(creds.noiseKey.private)).toBe(true);
    expect(Buffer.compare(creds.noiseKey.private, first.state.creds.noiseKey.private)).toBe(0);
    expect(Buffer.compare(creds.signedPreKey.signature, first.state.creds.signedPreKey.signature)).toBe(0);
    expect(creds.routingInfo?.equals(first.state.creds.routingInfo as Buffer)).toBe(true);
    expect(creds.registered).toBe(true);
  });

  it('gives back every kind of signal key byte for byte, and forgets the ones set to null', async () => {
    const store = await loadAuthState(database.db, 'keys-test');
    const data = {
      'pre-key': {
        '1': { public: bytes(33), private: bytes(32) },
        '2': { public: randomBytes(33), private: randomBytes(32) },
      },
      session: { '6281100000001.0': bytes(700), '99887766554433_1.3': randomBytes(512) },
      'sender-key': { '120363012345678901@g.us::6281100000001::0': bytes(120) },
      'sender-key-memory': { '120363012345678901@g.us': { '6281100000001:0@s.whatsapp.net': true } },
      'app-state-sync-key': {
        AAAAAHx9: proto.Message.AppStateSyncKeyData.fromObject({
          keyData: bytes(32),
          fingerprint: { rawId: 7, currentIndex: 2, deviceIndexes: [0, 2] },
          timestamp: 1_764_000_000,
        }),
      },
      'app-state-sync-version': {
        regular: { version: 12, hash: randomBytes(128), indexValueMap: { 'aGk=': { valueMac: bytes(32) } } },
      },
      'lid-mapping': { '6281100000001': '99887766554433', '99887766554433_reverse': '6281100000001' },
      'device-list': { '6281100000001': ['0', '3'] },
      tctoken: { '6281100000001@s.whatsapp.net': { token: randomBytes(20), timestamp: '1764000000' } },
      'identity-key': { '6281100000001.0': bytes(33) },
    } satisfies SignalDataSet;
    await store.state.keys.set(data);

    const again = await loadAuthState(database.db, 'keys-test');
    for (const [type, entries] of Object.entries(data)) {
      const ids = Object.keys(entries);
      const got = await again.state.keys.get(type as keyof typeof data, ids);
      expect(json(got), type).toBe(json(entries));
    }
    const [session] = Object.values(await again.state.keys.get('session', ['6281100000001.0']));
    expect(Buffer.isBuffer(session)).toBe(true);
    expect(Buffer.compare(session as Buffer, data.session['6281100000001.0'])).toBe(0);
    const { AAAAAHx9: syncKey } = await again.state.keys.get('app-state-sync-key', ['AAAAAHx9']);
    expect(syncKey).toBeInstanceOf(proto.Message.AppStateSyncKeyData);

    await again.state.keys.set({ 'pre-key': { '1': null }, session: { '6281100000001.0': null } });
    expect(Object.keys(await store.state.keys.get('pre-key', ['1', '2']))).toEqual(['2']);
    expect(await store.state.keys.get('session', ['6281100000001.0'])).toEqual({});
  });

  it('writes a keys.set whole or not at all', async () => {
    const store = await loadAuthState(database.db, 'torn-test');
    await store.state.keys.set({ session: { old: bytes(64) } });
    // A key too large for the primary key's index: Postgres refuses it after the other writes ran.
    const tooLong = randomBytes(6000).toString('base64');
    await expect(
      store.state.keys.set({ session: { old: null, fresh: bytes(64), [tooLong]: bytes(8) } }),
    ).rejects.toThrow();
    expect(Object.keys(await store.state.keys.get('session', ['old', 'fresh']))).toEqual(['old']);
  });

  it('is kept per session and cleared whole', async () => {
    const a = await loadAuthState(database.db, 'clear-a');
    const b = await loadAuthState(database.db, 'clear-b');
    await a.saveCreds();
    await b.saveCreds();
    await a.state.keys.set({ 'pre-key': { '5': { public: bytes(33), private: bytes(32) } } });
    await a.clear();
    const rows = await database.db.select({ session: whatsappAuth.session }).from(whatsappAuth);
    expect(rows.map((r) => r.session).filter((s) => s.startsWith('clear-'))).toEqual(['clear-b']);
    expect((await loadAuthState(database.db, 'clear-a')).state.creds.registered).toBe(false);
  });
});

describe('a service that restarts', () => {
  it('connects with the creds its socket saved, without asking to pair again', async () => {
    const config = whatsappConfig();
    const wa = new FakeWhatsApp();
    let app: App | undefined;
    try {
      ({ app } = await whatsappApp(database, config, wa));
      const first = wa.current;
      const creds = initAuthCreds();
      first.ev.emit('creds.update', {
        ...creds,
        me: { id: '6281100000000:3@s.whatsapp.net', name: 'SIPUT' },
        registered: true,
      });
      await eventually('the creds to be saved', async () => {
        const stored = await loadAuthState(database.db, 'default');
        return stored.state.creds.registered;
      });
      await app.close();

      ({ app } = await whatsappApp(database, config, wa));
      const { creds: used } = wa.current.options.auth;
      expect(wa.current).not.toBe(first);
      expect(used.registered).toBe(true);
      expect(json(used.noiseKey)).toBe(json(creds.noiseKey));
      expect(json(used.signedIdentityKey)).toBe(json(creds.signedIdentityKey));
    } finally {
      await app?.close();
    }
  });
});
