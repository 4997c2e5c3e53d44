import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachments, cases, channelStates, conversations, inboundMessages } from '../../src/db/schema.js';
import { PNG } from '../support/files.js';
import { TelegramPerson, type TelegramWorld, telegramWorld, texts } from './harness.js';

let world: TelegramWorld;

beforeAll(async () => {
  world = await telegramWorld();
});

afterAll(async () => {
  await world?.close();
});

describe('a stakeholder on Telegram', () => {
  it('files a complaint with a photo over long polling and gets the ticket', async () => {
    const budi = new TelegramPerson(world, world.emulator.user(5001, 'Budi'));
    expect(texts(await budi.say('halo'))).toContain('Silakan pilih menu');
    expect(budi.last().reply_markup?.inline_keyboard.flat().length).toBeGreaterThan(2);

    await budi.press('Saran/Keluhan/Masukan');
    expect(budi.last().text).toContain('Apa yang ingin Anda sampaikan');
    await budi.press('Keluhan');
    await budi.press('Lewati');
    expect(budi.last().text).toContain('Silakan tuliskan keluhan Anda');
    await budi.say('Dokumen SOP pelayanan tidak dapat diunduh dari situs.');
    expect(budi.last().text).toContain('lampiran');

    expect(texts(await budi.sendPhoto(PNG, 'tangkapan layar'))).toContain('Lampiran diterima: foto-');
    await budi.say('Budi Santoso');
    await budi.say('0812 3456 7890, budi@contoh.go.id');
    await budi.press('Setuju');
    await budi.press('Tidak perlu');
    expect(budi.last().text).toContain('Lampiran: foto-');
    const receipt = texts(await budi.press('Kirim'));
    const ticket = /SMS-\d{4}-\d{6}/.exec(receipt)?.[0];
    expect(ticket, receipt).toBeDefined();
    // The receipt leads on: its buttons check the ticket (shown here) and go back to the menu.
    expect(budi.last().text).toContain(ticket);
    expect(
      budi
        .last()
        .reply_markup?.inline_keyboard.flat()
        .map((b) => b.text),
    ).toEqual(['Cek Status', 'Menu utama']);
    const status = texts(await budi.press('Cek Status'));
    expect(status).toContain(`Tiket ${ticket} (Keluhan)`);
    expect(status).toContain('Riwayat');

    const [row] = await world.database.db
      .select()
      .from(cases)
      .where(eq(cases.ticket, ticket as string));
    expect(row?.channel).toBe('telegram');
    const files = await world.database.db
      .select()
      .from(attachments)
      .where(eq(attachments.caseId, row?.id ?? ''));
    expect(files).toMatchObject([{ mime: 'image/png', size: PNG.length, uploadedBy: 'telegram:5001' }]);
    // The largest size of the photo was fetched, through getFile and the file path.
    expect(world.emulator.callsOf('getFile')).toHaveLength(1);
  });

  it('is answered in Indonesian by default and in English when the app is set to English', async () => {
    const ana = new TelegramPerson(world, world.emulator.user(5002, 'Ana', 'en-GB'));
    expect(texts(await ana.say('/start'))).toContain('Welcome');
    const rina = new TelegramPerson(world, world.emulator.user(5003, 'Rina', 'id'));
    expect(texts(await rina.say('/start'))).toContain('Selamat datang');
  });

  it('is told at once why a file is refused, and the conversation stays where it was', async () => {
    const sari = new TelegramPerson(world, world.emulator.user(5004, 'Sari'));
    await sari.say('/menu');
    const update = world.emulator.sendDocument(sari.user, Buffer.from('bukan pdf'), 'catatan.txt', 'text/plain');
    const refusal = await world.emulator.until('the refusal', () =>
      sari.received.find((m) => m.text?.includes('tidak diterima')),
    );
    expect(refusal.text).toContain('jpg');
    const handed = await world.database.db
      .select()
      .from(inboundMessages)
      .where(eq(inboundMessages.key, `tg:${world.emulator.bot.id}:${update.update_id}`));
    expect(handed).toEqual([]);
    const [conversation] = await world.database.db
      .select()
      .from(conversations)
      .where(eq(conversations.address, sari.address));
    expect(conversation).toMatchObject({ flow: 'menu', step: 'start' });
  });

  it('registers the commands in Indonesian and English, and reports the bot as polling', async () => {
    const calls = world.emulator.callsOf('setMyCommands');
    const id = calls.find((c) => !c.payload.language_code);
    const en = calls.find((c) => c.payload.language_code === 'en');
    const names = (c: typeof id) => ((c?.payload.commands ?? []) as { command: string }[]).map((x) => x.command);
    expect(names(id)).toEqual(['start', 'menu', 'status', 'dokumen', 'tugas', 'batal', 'bahasa']);
    expect(names(en)).toEqual(names(id));
    expect(JSON.stringify(en?.payload.commands)).toContain('My tasks');
    expect(world.emulator.callsOf('deleteWebhook')).toHaveLength(1);
    const [state] = await world.database.db.select().from(channelStates).where(eq(channelStates.channel, 'telegram'));
    expect(state).toMatchObject({ state: 'polling', detail: '@siput_test_bot', lastError: null });
  });
});
