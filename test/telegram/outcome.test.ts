import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLinkCode } from '../../src/db/link-codes.js';
import { addOfficial } from '../../src/db/officials.js';
import { buildWeb } from '../../src/web/server.js';
import { PDF } from '../support/files.js';
import { TelegramPerson, type TelegramWorld, telegramWorld, texts } from './harness.js';

const ROLES = ['karo-pok', 'kabag-ortala', 'kasubag-tl', 'staf-pelaksana'] as const;

let world: TelegramWorld;
const officials = {} as Record<(typeof ROLES)[number], TelegramPerson>;

beforeAll(async () => {
  world = await telegramWorld();
  let superior: string | undefined;
  for (const [i, role] of ROLES.entries()) {
    const nip = `19850101201001300${i}`;
    await addOfficial(world.database.db, {
      nip,
      name: `Pejabat ${role}`,
      roleId: role,
      unitId: 'ortala',
      superiorNip: superior,
    });
    superior = nip;
    officials[role] = new TelegramPerson(world, world.emulator.user(7300 + i, role));
    const { code } = await createLinkCode(world.database.db, nip);
    expect(texts(await officials[role].say(`/start ${code}`))).toContain('Akun Anda tertaut');
  }
});

afterAll(async () => {
  await world?.close();
});

/** The official presses `label` on their newest message about `ticket`, once it has come. */
async function act(who: TelegramPerson, ticket: string, label: string): Promise<string> {
  await world.emulator.until(`${who.user.first_name} to get ${ticket}`, () =>
    who.received.find(
      (m) => m.text?.includes(ticket) && m.reply_markup?.inline_keyboard.flat().some((b) => b.text.includes(label)),
    ),
  );
  return texts(await who.press(label));
}

describe('a stakeholder on Telegram whose complaint is finished', () => {
  it('receives the tindak lanjut and the laporan’s link, which downloads it under its name, and confirms with a button', async () => {
    const rina = new TelegramPerson(world, world.emulator.user(7400, 'Rina'));
    await rina.say('halo');
    await rina.press('Saran/Keluhan/Masukan');
    await rina.press('Keluhan');
    await rina.press('Lewati');
    await rina.say('Dokumen SOP pelayanan tidak dapat diunduh dari situs.');
    await rina.press('Lewati');
    await rina.say('Rina Kurniawati');
    await rina.say('0812 3456 7890, rina@contoh.go.id');
    await rina.press('Setuju');
    await rina.press('Tidak perlu');
    const ticket = /SMS-\d{4}-\d{6}/.exec(texts(await rina.press('Kirim')))?.[0] as string;
    expect(ticket).toBeDefined();

    const staf = officials['staf-pelaksana'];
    expect(await act(staf, ticket, 'Selesai dengan penjelasan')).toContain('kirim berkas BA konfirmasi penyelesaian');
    // The BA stays internal: only the laporan is the SOP's published document.
    await staf.sendDocument(Buffer.concat([PDF, Buffer.from('% BA\n')]), 'ba-konfirmasi.pdf', 'application/pdf');
    expect(texts(await staf.sendDocument(PDF, 'laporan-rina.pdf', 'application/pdf'))).toContain('Tercatat');
    await act(officials['kasubag-tl'], ticket, 'Sahkan');
    await officials['kasubag-tl'].press('Lewati');
    expect(await act(staf, ticket, 'Progres sudah diperbarui')).toContain('Tuliskan tindak lanjut');
    await staf.say('SOP pelayanan sudah diunggah ulang; tautan unduhan diperbaiki.');
    await staf.press('Tampilkan ke pelapor');

    const closing = await world.emulator.until('the closing to reach the stakeholder', () =>
      rina.received.find((m) => m.text?.includes(`Tiket ${ticket} telah selesai`)),
    );
    expect(closing.text).toContain('Tindak lanjut: SOP pelayanan sudah diunggah ulang; tautan unduhan diperbaiki.');
    expect(closing.text?.match(/Laporan Penyelesaian\.pdf: \S+\/berkas\/[\w-]+\?e=\d+&s=/g)).toHaveLength(1);
    expect(closing.reply_markup?.inline_keyboard.flat().map((b) => b.text)).toEqual(['Sudah selesai', 'Belum']);

    const web = await buildWeb(world.app);
    try {
      const link = /\/berkas\/[\w-]+\?e=\d+&s=[\w-]+/.exec(closing.text ?? '')?.[0] as string;
      const download = await web.inject({ method: 'GET', url: link });
      expect(download.statusCode).toBe(200);
      expect(download.headers['content-disposition']).toContain('filename="Laporan Penyelesaian.pdf"');
      expect(download.rawPayload.equals(PDF)).toBe(true);
    } finally {
      await web.close();
    }

    expect(texts(await rina.press('Sudah selesai'))).toContain(
      `Terima kasih atas konfirmasinya. Tiket ${ticket} ditutup.`,
    );
    const offer = await world.emulator.until('the survey to be offered', () =>
      rina.received.find((m) => m.text?.includes('Survei Kepuasan Masyarakat')),
    );
    expect(offer.reply_markup?.inline_keyboard.flat().map((b) => b.text)).toEqual(['Isi survei', 'Lewati']);
  }, 120_000);
});
