import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLinkCode } from '../../src/db/link-codes.js';
import { addOfficial } from '../../src/db/officials.js';
import { attachments, downloads, inboundMessages } from '../../src/db/schema.js';
import { PDF, PNG } from '../support/files.js';
import { settled, TelegramPerson, type TelegramWorld, telegramWorld, texts } from './harness.js';

let world: TelegramWorld;

beforeAll(async () => {
  world = await telegramWorld();
});

afterAll(async () => {
  await world?.close();
});

describe('an update Telegram delivers again after a restart', () => {
  it('acts once: the button press is neither answered nor acted on a second time', async () => {
    await addOfficial(world.database.db, {
      nip: '199201012018011001',
      name: 'Pejabat',
      roleId: 'staf-pelaksana',
      unitId: 'ortala',
    });
    const doc = await world.app.documents.add({
      number: 'SOP-ORTALA-002',
      title: 'SOP Surat Masuk',
      synopsis: 'Alur surat masuk.',
      fileName: 'surat-masuk.pdf',
      bytes: PDF,
    });
    await world.app.documents.publish(doc.id);
    const official = new TelegramPerson(world, world.emulator.user(9001, 'Pejabat'));
    const { code } = await createLinkCode(world.database.db, '199201012018011001');
    const link = world.emulator.sendText(official.user, `/start ${code}`);
    await settled(world, link.update_id, official.address);
    await official.say('/dokumen');
    await official.press('SOP-ORTALA-002');
    const press = world.emulator.press(official.user, official.withButton('Unduh'), 'Unduh');
    await settled(world, press.update_id, official.address);
    expect(official.last().document?.file_name).toBe('SOP-ORTALA-002 SOP Surat Masuk rev 0.pdf');
    const counts = () => ({
      sends: world.emulator.callsOf('sendDocument').length + world.emulator.callsOf('sendMessage').length,
      answers: world.emulator.callsOf('answerCallbackQuery').length,
      edits: world.emulator.callsOf('editMessageText').length,
    });
    const before = counts();

    // The service stops before Telegram learnt the updates were handled; Telegram sends them again.
    await world.restart();
    world.emulator.push(link);
    world.emulator.push(press);
    const marker = world.emulator.sendText(official.user, '/menu');
    await settled(world, marker.update_id, official.address);

    const after = counts();
    expect(after.answers).toBe(before.answers);
    expect(after.edits).toBe(before.edits);
    // Only the marker's own menu went out: no second file, no "code already used".
    expect(after.sends - before.sends).toBe(1);
    expect(texts(official.fresh())).not.toContain('tidak berlaku');
    expect(await world.database.db.select().from(downloads).where(eq(downloads.documentId, doc.id))).toHaveLength(1);
    const handled = await world.database.db
      .select()
      .from(inboundMessages)
      .where(eq(inboundMessages.key, `tg:${world.emulator.bot.id}:${press.update_id}`));
    expect(handled).toHaveLength(1);
  });

  it('is not downloaded again: a photo sent once is stored once and answered once', async () => {
    const person = new TelegramPerson(world, world.emulator.user(9002, 'Warga'));
    const stored = async () => (await world.database.db.select({ id: attachments.id }).from(attachments)).length;
    const photo = world.emulator.sendPhoto(person.user, PNG, 'foto jalan rusak');
    await settled(world, photo.update_id, person.address);
    const downloadsBefore = world.emulator.callsOf('getFile').length;
    const storedBefore = await stored();
    person.fresh();
    expect(downloadsBefore).toBeGreaterThan(0);

    await world.restart();
    world.emulator.push(photo);
    const marker = world.emulator.sendText(person.user, '/menu');
    await settled(world, marker.update_id, person.address);

    expect(world.emulator.callsOf('getFile')).toHaveLength(downloadsBefore);
    expect(await stored()).toBe(storedBefore);
    // Only the marker's menu is new.
    expect(person.fresh()).toHaveLength(1);
  });
});
