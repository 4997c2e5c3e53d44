import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { TelegramAdapter } from '../../src/bots/telegram/index.js';
import type { Database } from '../../src/db/client.js';
import { addOfficial, linkChannel } from '../../src/db/officials.js';
import { insertMessage } from '../../src/db/outbox.js';
import { messages, officials, stakeholders } from '../../src/db/schema.js';
import { createLogger } from '../../src/log.js';
import { eventually, testApp } from '../support/app.js';
import { freshDatabase } from '../support/postgres.js';
import { freePort, TestSmtp } from '../support/smtp.js';
import { TelegramEmulator } from '../support/telegram-emulator.js';
import { FakeWhatsApp, type Sent, textOf } from './support/fake-whatsapp.js';
import { fakeAdapter, stateIs, WhatsAppPerson, whatsappConfig } from './support/whatsapp-app.js';

const wa = new FakeWhatsApp();
let emulator: TelegramEmulator;
let smtp: TestSmtp;
let database: Database;
let app: App;
let official: string;
let admin: string;
const OFFICIAL_TG = 5001;
const ADMIN_TG = 5002;
const OFFICIAL_WA = '6282100000001@s.whatsapp.net';

beforeAll(async () => {
  emulator = await TelegramEmulator.start();
  smtp = new TestSmtp(await freePort());
  await smtp.start();
  database = await freshDatabase();
  const config = whatsappConfig({
    TELEGRAM_BOT_TOKEN: emulator.token,
    TELEGRAM_API_ROOT: emulator.apiRoot,
    SMTP_URL: smtp.url,
    MAIL_FROM: 'SIPUT Ortala <siput@ortala.example.go.id>',
  });
  app = await testApp(database, config, {
    adapters: [fakeAdapter(config, wa), new TelegramAdapter(config, createLogger(config), { retryBaseMs: 100 })],
    receive: true,
    retryDelayMs: 50,
  });
  await stateIs(app, 'connected');
  official = await addOfficial(database.db, {
    nip: '1',
    name: 'Staf Wati',
    roleId: 'staf-pelaksana',
    unitId: 'ortala',
  });
  admin = await addOfficial(database.db, { nip: '2', name: 'Kabag Admin', roleId: 'kabag-ortala', unitId: 'ortala' });
  await database.db.update(officials).set({ receivesAlerts: true }).where(eq(officials.id, admin));
  await linkChannel(database.db, { kind: 'official', id: admin }, 'telegram', String(ADMIN_TG));
  await linkChannel(database.db, { kind: 'official', id: official }, 'telegram', String(OFFICIAL_TG));
  // Linked on WhatsApp last, so that is where her messages go; she wrote there once.
  await linkChannel(database.db, { kind: 'official', id: official }, 'whatsapp', OFFICIAL_WA);
  await new WhatsAppPerson(app, wa, OFFICIAL_WA).say('halo');
  wa.autoAck = false;
});

afterAll(async () => {
  await app?.close();
  await database?.close();
  await emulator?.close();
  await smtp?.stop();
});

/** A task notice for the official, through the outbox as the engine puts it there. */
async function notify(text: string): Promise<string> {
  const [queued] = await database.db.transaction((tx) =>
    insertMessage(
      tx,
      { kind: 'official', id: official },
      { caseId: null, instanceId: null, template: 'flow.text', params: { text } },
    ),
  );
  if (!queued) throw new Error('not queued');
  expect(queued.channel).toBe('whatsapp');
  await app.queues.addMessage(queued.id, queued.channel);
  return queued.id;
}

const waSends = (text: string) => wa.sentTo(OFFICIAL_WA).filter((s) => textOf(s) === text);
const tgTexts = (chat: number) => emulator.messagesIn(chat).map((m) => m.text ?? '');

async function refusedWith463(text: string): Promise<string> {
  const id = await notify(text);
  const sent = await eventually('the WhatsApp send', async () => waSends(text)[0] as Sent | undefined);
  wa.current.errorAck(sent.id, 463);
  return id;
}

describe('a message WhatsApp refuses with error 463', () => {
  it('fails with its code, is not tried on WhatsApp again, reaches the official’s Telegram once, and the admins hear of it once', async () => {
    const id = await refusedWith463('Tugas baru: tiket SMS-2026-000001');
    const row = await eventually('the row to be rerouted', async () => {
      const [r] = await database.db.select().from(messages).where(eq(messages.id, id));
      return r?.status === 'rerouted' ? r : undefined;
    });
    expect(row).toMatchObject({ delivery: 'error', errorCode: '463' });
    expect(row.lastError).toContain('error ack 463');

    await emulator.until('the notice on Telegram', () =>
      tgTexts(OFFICIAL_TG).includes('Tugas baru: tiket SMS-2026-000001'),
    );
    const alert = await emulator.until('the admins’ alert', () =>
      tgTexts(ADMIN_TG).find((t) => t.includes('WhatsApp menolak')),
    );
    expect(alert).toContain('Staf Wati');
    expect(alert).toContain('463');
    expect(alert).toContain('telegram');
    expect(alert).toContain('DAFTAR');

    // A second refusal the same day is rerouted too, without a second alert.
    await refusedWith463('Pengingat: tiket SMS-2026-000001');
    await emulator.until('the second notice on Telegram', () =>
      tgTexts(OFFICIAL_TG).includes('Pengingat: tiket SMS-2026-000001'),
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(tgTexts(OFFICIAL_TG).filter((t) => t === 'Tugas baru: tiket SMS-2026-000001')).toHaveLength(1);
    expect(tgTexts(ADMIN_TG).filter((t) => t.includes('WhatsApp menolak'))).toHaveLength(1);
    expect(waSends('Tugas baru: tiket SMS-2026-000001')).toHaveLength(1);
    const copies = await database.db
      .select()
      .from(messages)
      .where(and(eq(messages.recipientId, official), eq(messages.channel, 'telegram')));
    expect(copies.map((c) => c.status)).toEqual(['sent', 'sent']);
  });

  it('stays failed, with what fixes it, when the person has no other way in', async () => {
    const lone = await addOfficial(database.db, {
      nip: '3',
      name: 'Staf Lain',
      roleId: 'staf-pelaksana',
      unitId: 'ortala',
    });
    const jid = '6282100000003@s.whatsapp.net';
    await linkChannel(database.db, { kind: 'official', id: lone }, 'whatsapp', jid);
    wa.autoAck = true;
    await new WhatsAppPerson(app, wa, jid).say('halo');
    wa.autoAck = false;
    const [queued] = await database.db.transaction((tx) =>
      insertMessage(
        tx,
        { kind: 'official', id: lone },
        { caseId: null, instanceId: null, template: 'flow.text', params: { text: 'Tugas lain' } },
      ),
    );
    if (!queued) throw new Error('not queued');
    await app.queues.addMessage(queued.id, queued.channel);
    const sent = await eventually('the WhatsApp send', async () =>
      wa.sentTo(jid).find((s) => textOf(s) === 'Tugas lain'),
    );
    wa.current.errorAck(sent.id, 463);
    await eventually('the row to fail', async () => {
      const [r] = await database.db.select().from(messages).where(eq(messages.id, queued.id));
      return r?.status === 'dead' && r.errorCode === '463';
    });
    await emulator.until('the admins’ alert about her', () =>
      tgTexts(ADMIN_TG).find((t) => t.includes('Staf Lain') && t.includes('Pesan dialihkan ke: -')),
    );
  });

  it('reaches a reporter with no other chat by email, once', async () => {
    const rina = randomUUID();
    await database.db
      .insert(stakeholders)
      .values({ id: rina, name: 'Rina', email: 'rina@contoh.go.id', phone: null, language: 'id' });
    const { caseId, ticket } = await app.cases.submit({
      sopId: app.config.COMPLAINT_SOP,
      unitId: app.config.DEFAULT_UNIT,
      stakeholderId: rina,
      category: 'keluhan',
      body: 'Keluhan uji',
    });
    const jid = '6282100000004@s.whatsapp.net';
    await linkChannel(database.db, { kind: 'stakeholder', id: rina }, 'whatsapp', jid);
    wa.autoAck = true;
    await new WhatsAppPerson(app, wa, jid).say('halo');
    wa.autoAck = false;
    const [queued] = await database.db.transaction((tx) =>
      insertMessage(
        tx,
        { kind: 'stakeholder', id: rina },
        { caseId, instanceId: null, template: 'flow.text', params: { text: 'Kabar tindak lanjut uji' } },
      ),
    );
    if (!queued) throw new Error('not queued');
    expect(queued.channel).toBe('whatsapp');
    await app.queues.addMessage(queued.id, queued.channel);
    const sent = await eventually('the WhatsApp send', async () =>
      wa.sentTo(jid).find((m) => textOf(m) === 'Kabar tindak lanjut uji'),
    );
    wa.current.errorAck(sent.id, 463);
    await eventually('the email', async () =>
      smtp.mails.some((m) => m.to.includes('rina@contoh.go.id') && m.decoded.includes('Kabar tindak lanjut uji')),
    );
    const [row] = await database.db.select().from(messages).where(eq(messages.id, queued.id));
    expect(row).toMatchObject({ status: 'rerouted', errorCode: '463' });
    await emulator.until('the admins’ alert about the reporter', () =>
      tgTexts(ADMIN_TG).find((t) => t.includes(`pelapor tiket ${ticket}`) && t.includes('email')),
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.mails.filter((m) => m.decoded.includes('Kabar tindak lanjut uji'))).toHaveLength(1);
    // The alert names the ticket, never the reporter.
    expect(tgTexts(ADMIN_TG).some((t) => t.includes('Rina'))).toBe(false);
  });
});
