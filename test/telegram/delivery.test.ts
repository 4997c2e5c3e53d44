import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLinkCode } from '../../src/db/link-codes.js';
import { addOfficial } from '../../src/db/officials.js';
import { insertMessage } from '../../src/db/outbox.js';
import { channelFileCache, channelLinks, messages } from '../../src/db/schema.js';
import { eventually } from '../support/app.js';
import { PDF } from '../support/files.js';
import { settled, TelegramPerson, type TelegramWorld, telegramWorld, texts } from './harness.js';

let world: TelegramWorld;
let official: TelegramPerson;
let officialId: string;
let documentId: string;

beforeAll(async () => {
  world = await telegramWorld();
  officialId = await addOfficial(world.database.db, {
    nip: '199001012015011001',
    name: 'Pejabat Uji',
    roleId: 'staf-pelaksana',
    unitId: 'ortala',
  });
  official = new TelegramPerson(world, world.emulator.user(8001, 'Pejabat'));
  const { code } = await createLinkCode(world.database.db, '199001012015011001');
  expect(texts(await official.say(`/start ${code}`))).toContain('Akun Anda tertaut');
  const doc = await world.app.documents.add({
    number: 'SOP-ORTALA-001',
    title: 'SOP Penanganan Pengaduan',
    synopsis: 'Tata cara menerima dan menindaklanjuti pengaduan.',
    fileName: 'sop-pengaduan.pdf',
    bytes: PDF,
  });
  await world.app.documents.publish(doc.id);
  documentId = doc.id;
});

afterAll(async () => {
  await world?.close();
});

const sendsTo = (chatId: number) =>
  world.emulator.calls.filter((c) => c.method.startsWith('send') && String(c.payload.chat_id) === String(chatId));

describe('sending through the outbox', () => {
  it('waits out a 429 for its retry_after, then delivers', async () => {
    const rina = new TelegramPerson(world, world.emulator.user(8002, 'Rina'));
    world.emulator.failNext('sendMessage', {
      code: 429,
      description: 'Too Many Requests: retry after 2',
      retryAfter: 2,
    });
    expect(texts(await rina.say('halo'))).toContain('Silakan pilih menu');
    const [refused, delivered] = sendsTo(rina.chat.id);
    expect(refused?.status).toBe(429);
    expect(delivered?.status).toBe(200);
    expect((delivered?.at ?? 0) - (refused?.at ?? 0)).toBeGreaterThanOrEqual(2000);
    const [row] = await world.database.db.select().from(messages).where(eq(messages.address, rina.address));
    expect(row?.status).toBe('sent');
  });

  it('dead-letters a message Telegram refuses with 403 and deactivates the link, until the person writes again', async () => {
    world.emulator.failNext('sendMessage', { code: 403, description: 'Forbidden: bot was blocked by the user' });
    const before = sendsTo(official.chat.id).length;
    const [queued] = await world.database.db.transaction((tx) =>
      insertMessage(
        tx,
        { kind: 'official', id: officialId },
        { caseId: null, instanceId: null, template: 'flow.text', params: { text: 'Pemberitahuan uji' } },
      ),
    );
    // Queued after the commit, as the service does: the worker reads the row the job names.
    if (queued) await world.app.queues.addMessage(queued.id, queued.channel);
    const dead = await eventually('the message to be dead-lettered', async () => {
      const [row] = await world.database.db
        .select()
        .from(messages)
        .where(and(eq(messages.address, official.address), eq(messages.status, 'dead')));
      return row;
    });
    expect(dead.lastError).toContain('403');
    expect(sendsTo(official.chat.id).length - before).toBe(1);
    const [link] = await world.database.db.select().from(channelLinks).where(eq(channelLinks.ownerId, officialId));
    expect(link).toMatchObject({ active: false, lastError: 'telegram 403: Forbidden: bot was blocked by the user' });

    // Unblocking and writing again brings the link back: the official is known again.
    expect(texts(await official.say('/menu'))).toContain('Selamat datang, Pejabat Uji');
    const [back] = await world.database.db.select().from(channelLinks).where(eq(channelLinks.ownerId, officialId));
    expect(back).toMatchObject({ active: true, lastError: null });
  });

  it('deactivates the link when Telegram reports the bot blocked (my_chat_member)', async () => {
    const update = world.emulator.push({
      my_chat_member: {
        chat: official.chat,
        from: official.user,
        date: Math.floor(Date.now() / 1000),
        old_chat_member: { status: 'member', user: world.emulator.bot },
        new_chat_member: { status: 'kicked', user: world.emulator.bot, until_date: 0 },
      },
    });
    await eventually('the link to be deactivated', async () => {
      const [link] = await world.database.db.select().from(channelLinks).where(eq(channelLinks.ownerId, officialId));
      return link?.active === false;
    });
    await world.emulator.until('the update to be confirmed', () =>
      world.emulator.pending.every((u) => u.update_id !== update.update_id),
    );
    await official.say('/menu');
    const [back] = await world.database.db.select().from(channelLinks).where(eq(channelLinks.ownerId, officialId));
    expect(back?.active).toBe(true);
  });

  it('gives the link back to a person who writes right after blocking the bot, both in one polled batch', async () => {
    let message: { update_id: number } | undefined;
    // Pushed while the service is down: its first getUpdates gets both, the block first.
    await world.restart(() => {
      world.emulator.push({
        my_chat_member: {
          chat: official.chat,
          from: official.user,
          date: Math.floor(Date.now() / 1000),
          old_chat_member: { status: 'member', user: world.emulator.bot },
          new_chat_member: { status: 'kicked', user: world.emulator.bot, until_date: 0 },
        },
      });
      message = world.emulator.sendText(official.user, '/menu');
    });
    await settled(world, message?.update_id ?? 0, official.address);
    const [back] = await world.database.db.select().from(channelLinks).where(eq(channelLinks.ownerId, officialId));
    expect(back).toMatchObject({ active: true, lastError: null });
  });
});

describe('a published document', () => {
  async function download(): Promise<void> {
    await official.say('/dokumen');
    await official.press('SOP-ORTALA-001');
    await official.press('Unduh');
  }

  it('is uploaded as a file the first time, then sent by its cached file_id', async () => {
    await download();
    const first = world.emulator.callsOf('sendDocument').at(-1);
    expect(first?.payload.document).toMatchObject({
      upload: { name: 'SOP-ORTALA-001 SOP Penanganan Pengaduan rev 0.pdf' },
    });
    expect(String(first?.payload.caption)).toContain('/unduh/');
    const [cached] = await world.database.db
      .select()
      .from(channelFileCache)
      .where(eq(channelFileCache.documentId, documentId));
    expect(world.emulator.fileBytes(cached?.fileRef ?? '')?.equals(PDF)).toBe(true);

    await download();
    const second = world.emulator.callsOf('sendDocument').at(-1);
    expect(second?.payload.document).toBe(cached?.fileRef);
    expect(official.last().document?.file_name).toBe('SOP-ORTALA-001 SOP Penanganan Pengaduan rev 0.pdf');
  });

  it('is uploaded again when Telegram no longer knows the cached file_id', async () => {
    world.emulator.failNext('sendDocument', {
      code: 400,
      description: 'Bad Request: wrong file identifier/HTTP URL specified',
    });
    const calls = world.emulator.callsOf('sendDocument').length;
    await download();
    const [refused, uploaded] = world.emulator.callsOf('sendDocument').slice(calls);
    expect(refused?.status).toBe(400);
    expect(uploaded?.payload.document).toMatchObject({
      upload: { name: 'SOP-ORTALA-001 SOP Penanganan Pengaduan rev 0.pdf' },
    });
    expect(official.last().document).toBeDefined();
  });

  it('goes as its link when Telegram will not take the file', async () => {
    await world.database.db.delete(channelFileCache);
    world.emulator.failNext('sendDocument', { code: 413, description: 'Request Entity Too Large' });
    await download();
    expect(official.last().document).toBeUndefined();
    expect(official.last().text).toContain('/unduh/');
  });
});
