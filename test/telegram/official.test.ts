import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLinkCode } from '../../src/db/link-codes.js';
import { addOfficial } from '../../src/db/officials.js';
import { caseEvents, cases, channelLinks, inboundMessages, stepInstances } from '../../src/db/schema.js';
import { eventually } from '../support/app.js';
import { PDF } from '../support/files.js';
import { TelegramPerson, type TelegramWorld, telegramWorld, texts } from './harness.js';

let world: TelegramWorld;
const people: Record<string, TelegramPerson> = {};
const ids: Record<string, string> = {};

beforeAll(async () => {
  world = await telegramWorld();
  const roles = ['karo-pok', 'kabag-ortala', 'kasubag-tl', 'staf-pelaksana'];
  let superior: string | undefined;
  for (const [i, role] of roles.entries()) {
    const nip = `19850101201001100${i}`;
    ids[role] = await addOfficial(world.database.db, {
      nip,
      name: `Pejabat ${role}`,
      roleId: role,
      unitId: 'ortala',
      superiorNip: superior,
    });
    superior = nip;
    people[role] = new TelegramPerson(world, world.emulator.user(7000 + i, role));
  }
});

afterAll(async () => {
  await world?.close();
});

const person = (role: string) => people[role] as TelegramPerson;

async function link(role: string): Promise<void> {
  const [official] = await world.database.db
    .select()
    .from(channelLinks)
    .where(eq(channelLinks.ownerId, ids[role] ?? ''));
  if (official) return;
  const nip = `19850101201001100${['karo-pok', 'kabag-ortala', 'kasubag-tl', 'staf-pelaksana'].indexOf(role)}`;
  const { code } = await createLinkCode(world.database.db, nip);
  expect(texts(await person(role).say(`/start ${code}`))).toContain('Akun Anda tertaut');
}

async function fileCase(body: string): Promise<{ caseId: string; ticket: string }> {
  const { caseId, ticket } = await world.app.cases.submit({
    sopId: 'siput-sms',
    unitId: 'ortala',
    category: 'keluhan',
    subject: null,
    body,
  });
  return { caseId, ticket };
}

async function stepOf(caseId: string): Promise<string | undefined> {
  const [row] = await world.database.db.select().from(cases).where(eq(cases.id, caseId));
  if (!row?.openInstanceId) return row?.status;
  const [step] = await world.database.db.select().from(stepInstances).where(eq(stepInstances.id, row.openInstanceId));
  return step?.stepId;
}

/** Waits for the task message of `ticket` with a button labelled `label` in the person's chat. */
function taskMessage(who: TelegramPerson, ticket: string, label: string) {
  return world.emulator.until(`${who.user.first_name} to get ${ticket}`, () =>
    who.received.find(
      (m) => m.text?.includes(ticket) && m.reply_markup?.inline_keyboard.flat().some((b) => b.text.includes(label)),
    ),
  );
}

function answerTo(callbackId: string) {
  return world.emulator.until('the button to be answered', () =>
    world.emulator.callsOf('answerCallbackQuery').find((c) => c.payload.callback_query_id === callbackId),
  );
}

describe('an official on Telegram', () => {
  it('links their chat with /start CODE', async () => {
    await link('staf-pelaksana');
    await link('kasubag-tl');
    const rows = await world.database.db
      .select({ address: channelLinks.address, active: channelLinks.active })
      .from(channelLinks)
      .where(and(eq(channelLinks.channel, 'telegram'), eq(channelLinks.ownerKind, 'official')));
    expect(rows).toEqual(
      expect.arrayContaining([
        { address: String(person('staf-pelaksana').user.id), active: true },
        { address: String(person('kasubag-tl').user.id), active: true },
      ]),
    );
  });

  it('approves by an inline button; the message shows the choice and loses its keyboard; a double press acts once', async () => {
    await link('staf-pelaksana');
    await link('kasubag-tl');
    const { caseId, ticket } = await fileCase('Tautan unduhan SOP di situs rusak.');
    const staf = person('staf-pelaksana');
    await taskMessage(staf, ticket, 'Selesai dengan penjelasan');
    expect(texts(await staf.press('Selesai dengan penjelasan'))).toContain('kirim berkas BA konfirmasi penyelesaian');
    expect(texts(await staf.sendDocument(PDF, 'ba-konfirmasi.pdf', 'application/pdf'))).toContain(
      'kirim berkas draf Laporan penyelesaian',
    );
    expect(texts(await staf.sendDocument(PDF, 'laporan.pdf', 'application/pdf'))).toContain('Tercatat');
    expect(await stepOf(caseId)).toBe('5a');

    const kasubag = person('kasubag-tl');
    const task = await taskMessage(kasubag, ticket, 'Sahkan');
    // Two quick taps on the same keyboard, both on their way before the bot has seen either.
    const first = world.emulator.press(kasubag.user, task, 'Sahkan');
    const second = world.emulator.press(kasubag.user, task, 'Kembalikan');
    const again = await answerTo((second.callback_query as { id: string }).id);
    expect(again.payload.text).toBe('Pilihan pada pesan ini sudah dibuat.');
    await answerTo((first.callback_query as { id: string }).id);
    await world.emulator.until('the optional note to be offered', () =>
      kasubag.received.find((m) => m.text?.includes('catatan tidak wajib')),
    );
    await kasubag.press('Lewati');
    await eventually('the case to move on', async () => (await stepOf(caseId)) === '11');

    const edited = await world.emulator.until('the message to be edited', () =>
      kasubag.received.find((m) => m.message_id === task.message_id && m.edits > 0),
    );
    expect(edited.text).toContain('✅ Sahkan laporan penyelesaian');
    expect(edited.reply_markup).toBeUndefined();

    // A press from a keyboard still on another device's screen: the same message, already chosen.
    const stale = world.emulator.pressData(
      kasubag.user,
      task,
      task.reply_markup?.inline_keyboard[0]?.[0]?.callback_data ?? '',
    );
    expect((await answerTo((stale.callback_query as { id: string }).id)).payload.text).toBe(
      'Pilihan pada pesan ini sudah dibuat.',
    );
    const acted = await world.database.db
      .select()
      .from(caseEvents)
      .where(and(eq(caseEvents.caseId, caseId), eq(caseEvents.action, 'sahkan')));
    expect(acted).toHaveLength(1);
    expect(await stepOf(caseId)).toBe('11');
  });
});

describe('the bot in a unit’s group', () => {
  it('answers only what is addressed to it, binds each keyboard to its person, and lets officials act on their own steps', async () => {
    await link('staf-pelaksana');
    await link('kasubag-tl');
    const group = world.emulator.group(-1009001);
    const staf = new TelegramPerson(world, person('staf-pelaksana').user, group);
    const kasubag = new TelegramPerson(world, person('kasubag-tl').user, group);
    const { caseId, ticket } = await fileCase('Formulir pengaduan di loket tidak tersedia.');
    await taskMessage(person('staf-pelaksana'), ticket, 'Selesai dengan penjelasan');

    const chatter = world.emulator.sendText(kasubag.user, 'Rapat jam 10 ya, semua.', group);
    const otherBot = world.emulator.sendText(kasubag.user, '/tugas@bot_lain', group);
    expect(texts(await staf.say('/tugas@siput_test_bot'))).toContain('Tugas Anda');
    const list = staf.withButton(ticket);
    const ignored = await world.database.db
      .select()
      .from(inboundMessages)
      .where(eq(inboundMessages.key, `tg:${world.emulator.bot.id}:${chatter.update_id}`));
    const ignoredToo = await world.database.db
      .select()
      .from(inboundMessages)
      .where(eq(inboundMessages.key, `tg:${world.emulator.bot.id}:${otherBot.update_id}`));
    expect([...ignored, ...ignoredToo]).toEqual([]);

    // The kasubag presses the staf's task list: not theirs, so nothing happens to it.
    const foreign = world.emulator.press(kasubag.user, list, ticket);
    const refused = await answerTo((foreign.callback_query as { id: string }).id);
    expect(refused.payload.text).toBe('Tombol ini untuk orang lain.');
    expect(world.emulator.messagesIn(group.id).find((m) => m.message_id === list.message_id)?.edits).toBe(0);

    expect(texts(await staf.press(ticket))).toContain('Pilih tindakan');
    expect(texts(await staf.press('Selesai dengan penjelasan'))).toContain('kirim berkas BA konfirmasi penyelesaian');
    // In a group each file is a reply to the bot's question: that is how it is addressed to the bot.
    await staf.sendDocument(PDF, 'ba-grup.pdf', 'application/pdf', { reply_to_message: staf.last() });
    expect(staf.last().text).toContain('kirim berkas draf Laporan penyelesaian');
    const done = await staf.sendDocument(PDF, 'laporan-grup.pdf', 'application/pdf', { reply_to_message: staf.last() });
    expect(texts(done)).toContain('Tercatat');
    expect(await stepOf(caseId)).toBe('5a');
    const [step] = await world.database.db
      .select({ actorId: stepInstances.actorId })
      .from(stepInstances)
      .where(and(eq(stepInstances.caseId, caseId), eq(stepInstances.stepId, '4')));
    expect(step?.actorId).toBe(ids['staf-pelaksana']);

    // The kasubag's own list, asked for in the group, answers in the group with their task.
    expect(texts(await kasubag.say('@siput_test_bot tugas'))).toContain('Tugas Anda');
    expect(texts(await kasubag.press(ticket))).toContain('langkah 5a');
  });
});
