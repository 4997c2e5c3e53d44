import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Database } from '../../src/db/client.js';
import { createLinkCode } from '../../src/db/link-codes.js';
import { addOfficial } from '../../src/db/officials.js';
import { attachments, cases, stepInstances } from '../../src/db/schema.js';
import { buildWeb } from '../../src/web/server.js';
import { eventually } from '../support/app.js';
import { PDF, PNG } from '../support/files.js';
import { freshDatabase } from '../support/postgres.js';
import { FakeWhatsApp, textMessage, textOf } from './support/fake-whatsapp.js';
import { WhatsAppPerson, whatsappApp, whatsappConfig } from './support/whatsapp-app.js';

const config = whatsappConfig();
const wa = new FakeWhatsApp();
let database: Database;
let app: App;
const officials: Record<string, WhatsAppPerson> = {};

beforeAll(async () => {
  database = await freshDatabase();
  ({ app } = await whatsappApp(database, config, wa));
  const roles = ['karo-pok', 'kabag-ortala', 'kasubag-tl', 'staf-pelaksana'];
  let superior: string | undefined;
  for (const [i, role] of roles.entries()) {
    const nip = `19800101200501100${i}`;
    await addOfficial(database.db, {
      nip,
      name: `Pejabat ${role}`,
      roleId: role,
      unitId: 'ortala',
      superiorNip: superior,
    });
    superior = nip;
    const official = new WhatsAppPerson(app, wa, `62811000000${i}@s.whatsapp.net`);
    const { code } = await createLinkCode(database.db, nip);
    expect((await official.say(`DAFTAR ${code}`)).join('\n')).toContain('Akun Anda tertaut');
    officials[role] = official;
  }
});

afterAll(async () => {
  await app?.close();
  await database?.close();
});

async function stepOf(ticket: string) {
  const [row] = await database.db.select().from(cases).where(eq(cases.ticket, ticket));
  if (!row?.openInstanceId) return row?.status ?? 'missing';
  const [step] = await database.db.select().from(stepInstances).where(eq(stepInstances.id, row.openInstanceId));
  return step?.stepId;
}

/** Waits for the official's task on `ticket`, then answers its numbered menu with `action`. */
async function act(role: string, ticket: string, action: string): Promise<string[]> {
  const official = officials[role] as WhatsAppPerson;
  await eventually(`${role} to be given ${ticket}`, async () => {
    await official.delivered();
    return official.lastText().includes(ticket) && official.lastText().toLowerCase().includes(action.toLowerCase());
  });
  official.fresh();
  return official.choose(action);
}

/** Files a complaint from a new WhatsApp chat by numbered replies, with a photo; returns the chat and ticket. */
async function fileComplaint(phone: string, name: string): Promise<{ person: WhatsAppPerson; ticket: string }> {
  const person = new WhatsAppPerson(app, wa, phone);
  const welcome = (await person.say('halo')).join('\n');
  expect(welcome).toContain('Silakan pilih menu');
  expect(welcome).toMatch(/^2\. Saran\/Keluhan\/Masukan$/m);

  expect((await person.choose('Saran/Keluhan')).join('\n')).toContain('Apa yang ingin Anda sampaikan');
  expect((await person.choose('Keluhan')).join('\n')).toContain('Tentang dokumen atau layanan apa');
  expect((await person.say('1')).join('\n')).toContain('Silakan tuliskan keluhan Anda');
  await person.say('Dokumen SOP pelayanan tidak dapat diunduh dari situs.');
  expect(person.lastText()).toContain('Ada lampiran');
  expect((await person.sendPhoto(PNG)).join('\n')).toContain('Lampiran diterima');
  expect(person.lastText()).toContain('nama lengkap');
  await person.say(name);
  await person.say('0812 3456 7890, budi@contoh.go.id');
  expect(person.lastText()).toContain('UU No. 27 Tahun 2022');
  await person.choose('Setuju');
  if (person.lastText().includes('dirahasiakan')) await person.choose('Tidak perlu');
  expect(person.lastText()).toContain('Jenis: Keluhan');
  const receipt = (await person.choose('Kirim')).join('\n');
  const ticket = /SMS-\d{4}-\d{6}/.exec(receipt)?.[0];
  if (!ticket) throw new Error(`no ticket in ${receipt}`);
  return { person, ticket };
}

describe('a complaint filed on WhatsApp by numbered replies', () => {
  it('runs to an official approval given by numbered reply, and tells the stakeholder', async () => {
    const { person: budi, ticket } = await fileComplaint('6281234567890@s.whatsapp.net', 'Budi Santoso');
    expect(await stepOf(ticket)).toBe('4');
    const [caseRow] = await database.db.select().from(cases).where(eq(cases.ticket, ticket));
    const files = await database.db
      .select()
      .from(attachments)
      .where(eq(attachments.caseId, caseRow?.id ?? ''));
    expect(files.map((f) => f.mime)).toEqual(['image/png']);

    expect((await act('staf-pelaksana', ticket, 'Selesai dengan penjelasan')).join('\n')).toContain(
      'kirim berkas BA konfirmasi penyelesaian',
    );
    expect((await officials['staf-pelaksana']?.sendDocument('ba-konfirmasi.pdf', PDF))?.join('\n')).toContain(
      'kirim berkas draf Laporan penyelesaian',
    );
    expect((await officials['staf-pelaksana']?.sendDocument('laporan.pdf', PDF))?.join('\n')).toContain('Tercatat');
    expect(await stepOf(ticket)).toBe('5a');

    expect((await act('kasubag-tl', ticket, 'Sahkan')).join('\n')).toContain('catatan tidak wajib');
    await officials['kasubag-tl']?.choose('Lewati');
    expect(await stepOf(ticket)).toBe('11');
    expect((await act('staf-pelaksana', ticket, 'progres')).join('\n')).toContain('Tuliskan tindak lanjut');
    await officials['staf-pelaksana']?.say('Tautan unduhan SOP sudah diperbaiki.');
    await officials['staf-pelaksana']?.choose('Tampilkan ke pelapor');
    expect(await stepOf(ticket)).toBe('closed');
    const closing = await eventually('the stakeholder to hear the case is done', async () => {
      await budi.delivered();
      return budi.received().find((s) => textOf(s).includes(`Tiket ${ticket} telah selesai`));
    });
    // The outcome itself: the tindak lanjut and the laporan's signed link under the document's name.
    expect(textOf(closing)).toContain('Tindak lanjut: Tautan unduhan SOP sudah diperbaiki.');
    expect(textOf(closing)).toMatch(/Laporan Penyelesaian\.pdf: \S+\/berkas\/[\w-]+\?e=\d+&s=/);
    // The link gives the file the staff sent, under the document's name, not the uploaded file's.
    const web = await buildWeb(app);
    try {
      const link = /\/berkas\/[\w-]+\?e=\d+&s=[\w-]+/.exec(textOf(closing))?.[0] as string;
      const download = await web.inject({ method: 'GET', url: link });
      expect(download.statusCode).toBe(200);
      expect(download.headers['content-disposition']).toContain('filename="Laporan Penyelesaian.pdf"');
      expect(download.rawPayload.equals(PDF)).toBe(true);
    } finally {
      await web.close();
    }
  });

  it('lets an official answer an older task by quoting it', async () => {
    const older = await fileComplaint('6281234567891@s.whatsapp.net', 'Siti Aminah');
    const staf = officials['staf-pelaksana'] as WhatsAppPerson;
    const task = await eventually('the older task', async () => {
      await staf.delivered();
      return staf.received().find((s) => textOf(s).includes(older.ticket) && textOf(s).includes('Perlu revisi'));
    });
    const newer = await fileComplaint('6281234567892@s.whatsapp.net', 'Andi Wijaya');
    await eventually('the newer task', async () => {
      await staf.delivered();
      return staf.lastText().includes(newer.ticket);
    });

    const number = /^(\d+)\. .*Selesai dengan penjelasan/m.exec(textOf(task))?.[1] ?? '';
    expect(number).not.toBe('');
    staf.fresh();
    const reply = textMessage(staf.jid, number, { quoting: task.id });
    wa.current.receive(reply);
    expect((await staf.settle(reply.key.id ?? '')).join('\n')).toContain('kirim berkas BA konfirmasi penyelesaian');
    await staf.sendDocument('ba-konfirmasi.pdf', PDF);
    await staf.sendDocument('laporan.pdf', PDF);
    expect(await stepOf(older.ticket)).toBe('5a');
    expect(await stepOf(newer.ticket)).toBe('4');
  });
});
