import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundMessages, messages } from '../../src/db/schema.js';
import { senderLogRef } from '../../src/flows/index.js';
import { buildWeb } from '../../src/web/server.js';
import { eventually } from '../support/app.js';
import { signIn } from '../support/console.js';
import { PNG } from '../support/files.js';
import { TelegramPerson, type TelegramWorld, telegramWorld, texts } from './harness.js';

const LIMIT = 3;
let world: TelegramWorld;

beforeAll(async () => {
  world = await telegramWorld({ CHAT_MESSAGES_PER_MINUTE: String(LIMIT) });
});

afterAll(async () => {
  await world?.close();
});

const taken = async (address: string) =>
  (
    await world.database.db
      .select({ id: inboundMessages.id })
      .from(inboundMessages)
      .where(and(eq(inboundMessages.channel, 'telegram'), eq(inboundMessages.address, address)))
  ).length;

/** How many of a sender's messages and presses the limit has counted this minute. */
const counted = async (address: string) =>
  Number(await world.app.connection.get(`${world.app.prefix}:rate:sender:telegram:${address}`));

describe('a sender flooding the Telegram bot', () => {
  it('has the minute’s messages past the limit dropped, is asked once to slow down, and holds up nobody else', async () => {
    const { emulator } = world;
    const flooder = new TelegramPerson(world, emulator.user(8201, 'Joko'));
    await flooder.say('halo');
    const menu = flooder.last();
    for (const text of ['menu', 'bantuan', 'lagi']) emulator.sendText(flooder.user, text);
    emulator.sendPhoto(flooder.user, PNG, 'foto');
    const press = emulator.press(flooder.user, menu, 'Cek Status');
    const sent = 6;

    // Someone else writing meanwhile is answered as usual.
    const other = new TelegramPerson(world, emulator.user(8202, 'Wati'));
    expect(texts(await other.say('halo'))).toContain('Silakan pilih menu');

    await eventually('every message and press to be counted', async () => (await counted(flooder.address)) === sent);
    expect(await taken(flooder.address)).toBe(LIMIT);
    // The photo came past the limit: it was never fetched from Telegram.
    expect(emulator.callsOf('getFile')).toEqual([]);
    // The press past the limit is answered all the same, so the button does not spin.
    const pressId = (press as { callback_query?: { id: string } }).callback_query?.id;
    await eventually('the press to be answered', async () =>
      emulator.callsOf('answerCallbackQuery').some((c) => c.payload.callback_query_id === pressId),
    );
    await eventually('the outbox to deliver everything to the flooder', async () => {
      const pending = await world.database.db
        .select({ id: messages.id })
        .from(messages)
        .where(and(eq(messages.address, flooder.address), eq(messages.status, 'pending')));
      return pending.length === 0;
    });
    const asked = flooder.received.filter((m) => m.text?.includes('terlalu cepat'));
    expect(asked.map((m) => m.text)).toEqual([expect.stringMatching(/dalam \d+ detik ke depan/)]);

    // The admins see the sender and how many messages were dropped, without the chat id.
    const web = await buildWeb(world.app);
    try {
      const { cookie } = await signIn(world.app, web, 'admin-flood');
      const page = await web.inject({ method: 'GET', url: '/admin/health', headers: { cookie } });
      const panel = page.body.slice(page.body.indexOf('id="dropped"'));
      expect(panel).toMatch(/<td>Pengirim yang belum dikenal<\/td><td>Telegram<\/td>\s*<td>3 pesan<\/td>/);
      expect(panel).toContain(senderLogRef(world.app.signer, { channel: 'telegram', address: flooder.address }));
      expect(page.body).not.toContain(flooder.address);
    } finally {
      await web.close();
    }
  });
});
