import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { createLinkCode } from '../src/db/link-codes.js';
import { addOfficial } from '../src/db/officials.js';
import { cases, stepInstances } from '../src/db/schema.js';
import { buildWeb } from '../src/web/server.js';
import { eventually, testApp, testConfig } from './support/app.js';
import { Chat, TestChannel, texts } from './support/chat-driver.js';
import { freshDatabase } from './support/postgres.js';

const config = testConfig();
let database: Database;
let app: App;
let web: FastifyInstance;
const channel = new TestChannel();
const officials: Record<string, Chat> = {};

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, config, { channels: [channel] });
  web = await buildWeb(app);
  await web.ready();
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
    const chat = new Chat(app, channel, `official-${role}`);
    const { code } = await createLinkCode(database.db, nip);
    const reply = await chat.send(`DAFTAR ${code}`);
    expect(texts(reply)).toContain('Akun Anda tertaut');
    officials[role] = chat;
  }
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

/** Files a complaint from a new stakeholder chat, all the way to the receipt; returns the chat and ticket. */
async function fileComplaint(name = 'Budi Santoso'): Promise<{ chat: Chat; ticket: string }> {
  const chat = new Chat(app, channel);
  expect(texts(await chat.send('halo'))).toContain('Silakan pilih menu');
  await chat.send('2');
  expect(chat.last().text).toContain('Apa yang ingin Anda sampaikan');
  await chat.press('Keluhan');
  expect(chat.last().text).toContain('Tentang dokumen atau layanan apa');
  await chat.send('Lewati');
  expect(chat.last().text).toContain('Silakan tuliskan keluhan Anda');
  await chat.send('Dokumen SOP pelayanan tidak dapat diunduh dari situs.');
  await chat.press('Lewati');
  expect(chat.last().text).toContain('nama lengkap');
  await chat.send(name);
  await chat.send('0812 3456 7890, budi@contoh.go.id');
  expect(chat.last().text).toContain('UU No. 27 Tahun 2022');
  await chat.press('Setuju');
  expect(chat.last().text).toContain('identitas Anda ingin dirahasiakan');
  await chat.press('Tidak perlu dirahasiakan');
  const summary = chat.last().text;
  expect(summary).toContain('Jenis: Keluhan');
  expect(summary).toContain(`Pengirim: ${name} (budi@contoh.go.id, +6281234567890)`);
  const receipt = texts(await chat.press('Kirim'));
  const ticket = /SMS-\d{4}-\d{6}/.exec(receipt)?.[0];
  if (!ticket) throw new Error(`no ticket in ${receipt}`);
  expect(receipt).toContain('paling lambat');
  return { chat, ticket };
}

/** The official presses an action on the newest task message for `ticket`. */
async function act(role: string, ticket: string, action: string) {
  const chat = officials[role] as Chat;
  await eventually(`${role} to be given ${ticket}`, async () => {
    await chat.settle();
    return chat.received.some(
      (m) => m.text.includes(ticket) && m.choices.some((c) => c.label.toLowerCase().includes(action.toLowerCase())),
    );
  });
  return chat.press(action);
}

async function stepOf(ticket: string) {
  const [row] = await database.db.select().from(cases).where(eq(cases.ticket, ticket));
  if (!row?.openInstanceId) return row?.status ?? 'missing';
  const [step] = await database.db.select().from(stepInstances).where(eq(stepInstances.id, row.openInstanceId));
  return step?.stepId;
}

describe('a complaint filed in the chat', () => {
  it('runs SIPUT SMS to "selesai" by the explanation branch, with a return on the way', async () => {
    const { chat, ticket } = await fileComplaint();
    expect(await stepOf(ticket)).toBe('4');
    const staf = officials['staf-pelaksana'] as Chat;
    await eventually('the task to reach the staf', async () => {
      await staf.settle();
      return staf.received.some(
        (m) => m.text.includes(ticket) && m.text.includes('Dokumen SOP pelayanan tidak dapat diunduh'),
      );
    });

    // Each kelengkapan is asked for by its name, and the action waits until both are attached.
    expect(texts(await act('staf-pelaksana', ticket, 'Selesai dengan penjelasan'))).toContain(
      'Kelengkapan 1 dari 2 untuk "a) Selesai dengan penjelasan: laporkan penyelesaian ke Kasubag TL": kirim berkas BA konfirmasi penyelesaian',
    );
    const first = texts(await staf.sendFile('ba-konfirmasi.pdf'));
    expect(first).toContain('Diterima sebagai BA konfirmasi penyelesaian: ba-konfirmasi.pdf');
    expect(first).toContain('Kelengkapan 2 dari 2');
    expect(first).toContain('kirim berkas draf Laporan penyelesaian');
    expect(await stepOf(ticket)).toBe('4');
    expect(texts(await staf.sendFile('laporan.docx'))).toContain('Tercatat');
    expect(await stepOf(ticket)).toBe('5a');

    expect(texts(await act('kasubag-tl', ticket, 'Kembalikan'))).toContain('Tuliskan catatan');
    await officials['kasubag-tl']?.send('BA belum ditandatangani, mohon dilengkapi.');
    expect(await stepOf(ticket)).toBe('4');
    await eventually('the returned task with its note', async () => {
      await staf.settle();
      return staf.received.some((m) => m.text.startsWith('Dikembalikan') && m.text.includes('BA belum ditandatangani'));
    });

    await act('staf-pelaksana', ticket, 'Selesai dengan penjelasan');
    await staf.sendFile('ba-konfirmasi-ttd.pdf');
    await staf.sendFile('laporan-2.docx');
    // The approval offers a note and takes one: the next step's message leads with it.
    expect(texts(await act('kasubag-tl', ticket, 'Sahkan'))).toContain('catatan tidak wajib');
    await officials['kasubag-tl']?.send('Sudah benar, unggah ke situs hari ini.');
    expect(await stepOf(ticket)).toBe('11');
    await staf.settle();
    const step11 = staf.received.findLast((m) => m.text.includes(ticket) && m.text.includes('langkah 11'))?.text;
    // Ticket, what is asked, the deadline and the latest note first; the SOP's words after them.
    expect(step11).toMatch(
      /^Tugas baru — tiket SMS-\d{4}-\d{6}\nDiminta: Progres.*\nBatas waktu: .+\nCatatan terakhir \(.+\): Sudah benar, unggah ke situs hari ini\.\n\nMenurut SOP, langkah 11: /,
    );
    expect(texts(await act('staf-pelaksana', ticket, 'progres'))).toContain('Tuliskan tindak lanjut');
    await staf.send('SOP pelayanan sudah diunggah ulang di situs; tautan unduhan diperbaiki.');
    expect(await stepOf(ticket)).toBe('11');
    expect(texts(await staf.press('Tampilkan ke pelapor'))).toContain('Tercatat');
    expect(await stepOf(ticket)).toBe('closed');

    const closing = await eventually('the stakeholder to hear the case is done', async () => {
      await chat.settle();
      return chat.received.find((m) => m.text.includes(`Tiket ${ticket} telah selesai`));
    });
    // The outcome: the tindak lanjut the staff chose to show, and the laporan under its own name.
    expect(closing.text).toContain('Tindak lanjut: SOP pelayanan sudah diunggah ulang di situs');
    // Only the laporan sent last (not the returned one, nor the BA beside it) is the reporter's.
    expect(closing.text.match(/Laporan Penyelesaian\.docx: \S+\/berkas\/[\w-]+\?e=\d+&s=/g)).toHaveLength(1);
    // The link downloads the laporan under its own name; changing its expiry or signature does not.
    const link = /\/berkas\/[\w-]+\?e=(\d+)&s=([\w-]+)/.exec(closing.text);
    const download = await web.inject({ method: 'GET', url: link?.[0] ?? '/berkas/none' });
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-disposition']).toContain('Laporan Penyelesaian');
    expect(download.rawPayload.length).toBeGreaterThan(0);
    const later = (link?.[0] ?? '').replace(`e=${link?.[1]}`, `e=${Number(link?.[1]) + 86_400}`);
    expect((await web.inject({ method: 'GET', url: later })).statusCode).toBe(403);
    const forged = (link?.[0] ?? '').replace(/s=([\w-])/, (_m, c: string) => `s=${c === 'A' ? 'B' : 'A'}`);
    expect((await web.inject({ method: 'GET', url: forged })).statusCode).toBe(403);
    // A file gone from the disk is answered as gone, not as a server error.
    await rm(join(config.DATA_DIR, 'uploads', /\/berkas\/([\w-]+)/.exec(link?.[0] ?? '')?.[1] ?? 'none'));
    expect((await web.inject({ method: 'GET', url: link?.[0] ?? '/berkas/none' })).statusCode).toBe(410);
    expect(closing.choices.map((c) => c.label)).toEqual(['Sudah selesai', 'Belum']);

    // The chat's status answer shows the same history, with the tindak lanjut and the laporan.
    const status = texts(await chat.send(`STATUS ${ticket}`));
    expect(status).toContain('Tindak lanjut: SOP pelayanan sudah diunggah ulang');
    expect(status).toContain('Laporan Penyelesaian.docx');

    // "Belum" with a reason reopens it at verification, with the reason in front of the staff.
    expect(texts(await chat.press('Belum'))).toContain('Mohon tuliskan apa yang belum terselesaikan');
    expect(texts(await chat.send('Tautan unduhan masih rusak di ponsel.'))).toContain('dibuka kembali');
    expect(await stepOf(ticket)).toBe('4');
    await eventually('the staff to get the reason', async () => {
      await staf.settle();
      return staf.received.some((m) => m.text.startsWith('Dikembalikan') && m.text.includes('masih rusak di ponsel'));
    });
  });

  it('runs the revision branch up to Karo POK and back down as disposisi, telling the stakeholder on the way', async () => {
    const { chat, ticket } = await fileComplaint('Siti Aminah');
    await act('staf-pelaksana', ticket, 'Perlu revisi');
    await officials['staf-pelaksana']?.sendFile('nota-dinas.docx');
    await act('kasubag-tl', ticket, 'nota dinas');
    expect(await stepOf(ticket)).toBe('6');
    await act('kabag-ortala', ticket, 'Karo');
    expect(await stepOf(ticket)).toBe('7');
    expect(texts(await act('karo-pok', ticket, 'Setujui'))).toContain('Tuliskan catatan');
    await officials['karo-pok']?.send('Setuju, lanjutkan revisi SOP.');
    expect(await stepOf(ticket)).toBe('8');
    await act('kabag-ortala', ticket, 'Teruskan');
    await act('kasubag-tl', ticket, 'Teruskan');
    expect(await stepOf(ticket)).toBe('10');
    await act('staf-pelaksana', ticket, 'Unggah');
    await officials['staf-pelaksana']?.press('Lewati');
    await act('staf-pelaksana', ticket, 'progres');
    await officials['staf-pelaksana']?.press('Lewati');
    expect(await stepOf(ticket)).toBe('closed');
    await eventually('every update to reach the stakeholder', async () => {
      await chat.settle();
      const updates = chat.received.filter((m) => m.text.startsWith(`Kabar tiket ${ticket}`));
      return updates.length >= 4 && chat.received.some((m) => m.text.includes('telah selesai'));
    });
  });
});

describe('an official pressing buttons', () => {
  it('cannot act on a step assigned to someone else', async () => {
    const { ticket } = await fileComplaint('Andi');
    const staf = officials['staf-pelaksana'] as Chat;
    await eventually('the task', async () => {
      await staf.settle();
      return staf.received.some((m) => m.text.includes(ticket));
    });
    const message = staf.received.find((m) => m.text.includes(ticket) && m.choices.length > 0);
    const value = message?.choices.find((c) => c.label.includes('Perlu revisi'))?.value ?? '';
    const kabag = officials['kabag-ortala'] as Chat;
    await app.flows.handle({ channel: 'test', address: kabag.address, key: `k-${ticket}`, choice: value });
    expect(texts(await kabag.settle())).toContain('bukan tugas Anda');
    expect(await stepOf(ticket)).toBe('4');
  });

  it('refuses a forged button and acts once on a double press', async () => {
    const { ticket } = await fileComplaint('Rina');
    const staf = officials['staf-pelaksana'] as Chat;
    await eventually('the task', async () => {
      await staf.settle();
      return staf.received.some((m) => m.text.includes(ticket) && m.choices.length > 0);
    });
    const value = staf.findChoice('Perlu revisi').value;
    const forged = `${value.slice(0, -3)}abc`;
    await app.flows.handle({ channel: 'test', address: staf.address, key: `f-${ticket}`, choice: forged });
    expect(texts(await staf.settle())).toContain('tidak sah');
    // Another action of the same step, its index changed and the signature kept: refused too.
    const [a, instance, index, tag] = value.split('.');
    const otherAction = [a, instance, String(Number(index) === 0 ? 1 : 0), tag].join('.');
    await app.flows.handle({ channel: 'test', address: staf.address, key: `i-${ticket}`, choice: otherAction });
    expect(texts(await staf.settle())).toContain('tidak sah');
    expect(await stepOf(ticket)).toBe('4');
    await staf.press('Perlu revisi');
    await staf.sendFile('nd.docx');
    expect(await stepOf(ticket)).toBe('5b');
    await app.flows.handle({ channel: 'test', address: staf.address, key: `again-${ticket}`, choice: value });
    expect(texts(await staf.settle())).toContain('sudah berpindah');
    expect(await stepOf(ticket)).toBe('5b');
  });
});

describe('a conversation interrupted by a restart', () => {
  it('resumes where it was', async () => {
    const chat = new Chat(app, channel);
    await chat.send('menu');
    await chat.send('2');
    await chat.press('Saran');
    await chat.send('SOP Pengadaan');
    expect(chat.last().text).toContain('Silakan tuliskan saran Anda');
    await app.close();
    app = await testApp(database, config, { channels: [channel] });
    const resumed = new Chat(app, channel, chat.address);
    await resumed.send('Mohon SOP pengadaan dilengkapi diagram alir.');
    expect(resumed.last().text).toContain('Ada lampiran');
  });
});

describe('declining consent', () => {
  it('keeps the complaint’s draft, says why it cannot go without consent, and sends it once agreed', async () => {
    const chat = new Chat(app, channel);
    await chat.send('halo');
    await chat.press('Saran/Keluhan');
    await chat.press('Saran');
    await chat.send('Lewati');
    await chat.send('Mohon jam layanan diperpanjang sampai sore.');
    await chat.press('Lewati');
    await chat.send('Rina Wati');
    await chat.send('rina@contoh.go.id');
    const declined = texts(await chat.press('Tidak setuju'));
    expect(declined).toContain('Draf Anda tetap tersimpan');
    expect(declined).toContain('petugas memerlukan nama dan kontak Anda');
    expect(chat.last().choices.map((c) => c.label)).toEqual(['Setuju', 'Hapus draf']);
    await chat.press('Setuju');
    await chat.press('Tidak perlu dirahasiakan');
    expect(chat.last().text).toContain('Pesan: Mohon jam layanan diperpanjang sampai sore.');
    expect(texts(await chat.press('Kirim'))).toMatch(/SMS-\d{4}-\d{6}/);
  });

  it('drops the draft only when asked to', async () => {
    const chat = new Chat(app, channel);
    await chat.send('halo');
    await chat.press('Saran/Keluhan');
    await chat.press('Masukan');
    await chat.send('Lewati');
    await chat.send('Formulir daring sulit dibaca.');
    await chat.press('Lewati');
    await chat.send('Rudi');
    await chat.send('rudi@contoh.go.id');
    await chat.press('Tidak setuju');
    expect(texts(await chat.press('Hapus draf'))).toContain('Dibatalkan');
    expect(chat.last().text).toContain('Silakan pilih menu');
  });
});

describe('a greeting at the menu', () => {
  it('is answered with the welcome again, where other words get the hint', async () => {
    const chat = new Chat(app, channel);
    await chat.send('halo');
    for (const greeting of ['halo', 'Selamat pagi, Pak!', 'assalamualaikum', 'Hai admin']) {
      const answer = texts(await chat.send(greeting));
      expect(answer).toContain('Selamat datang di SIPUT');
      expect(answer).not.toContain('belum memahami');
    }
    expect(texts(await chat.send('halo, dokumen saya hilang di mana ya'))).toContain('belum memahami');
  });
});

describe('wrong input at each prompt', () => {
  it('answers with a hint and keeps the conversation where it was', async () => {
    const chat = new Chat(app, channel);
    await chat.send('halo');
    expect(texts(await chat.send('qwerty'))).toContain('belum memahami');
    await chat.send('2');
    expect(texts(await chat.send('semangka'))).toContain('Mohon pilih salah satu');
    await chat.press('Masukan');
    await chat.send('x'.repeat(201));
    expect(chat.last().text).toContain('paling banyak 200');
    await chat.press('Lewati');
    expect(texts(await chat.send('y'.repeat(2001)))).toContain('2001 karakter');
    await chat.send('Masukan yang singkat.');
    expect(texts(await chat.send('ini bukan berkas'))).toContain('Kami menunggu berkas');
    await chat.press('Lewati');
    expect(texts(await chat.send('1'))).toContain('2 sampai 100 huruf');
    await chat.send('Dewi Lestari');
    expect(texts(await chat.send('12345'))).toContain('bukan email atau nomor HP');
    expect(texts(await chat.send('dewi@'))).toContain('bukan email');
    await chat.send('+62 811 2222 333');
    expect(texts(await chat.send('mungkin'))).toContain('Mohon pilih salah satu');
    await chat.press('Setuju');
    expect(texts(await chat.send('entahlah'))).toContain('Mohon pilih salah satu');
    await chat.press('Tidak perlu');
    expect(chat.last().text).toContain('Masukan yang singkat.');
  });

  it('processes a redelivered message once', async () => {
    const chat = new Chat(app, channel);
    await chat.send('halo', 'same-key');
    const first = chat.received.length;
    await chat.send('halo', 'same-key');
    expect(chat.received.length).toBe(first);
  });
});

describe('checking a ticket', () => {
  it('shows the owner its stage and history, and tells anyone else it does not exist', async () => {
    const { chat, ticket } = await fileComplaint('Joko');
    const status = texts(await chat.send(`STATUS ${ticket}`));
    expect(status).toContain(`Tiket ${ticket}`);
    expect(status).toContain('Riwayat');
    const stranger = new Chat(app, channel);
    await stranger.send('halo');
    await stranger.send('menu');
    expect(texts(await stranger.send(`status ${ticket}`))).toContain('tidak kami temukan');
  });

  it('is a button on the receipt, working from wherever the chat went since; its other button opens the menu', async () => {
    const { chat, ticket } = await fileComplaint('Sari');
    const receipt = chat.received.find((m) => m.text.includes(ticket) && m.text.includes('paling lambat'));
    expect(receipt?.choices.map((c) => c.label)).toEqual(['Cek Status', 'Menu utama']);
    // Somewhere else by now: writing a second complaint.
    await chat.send('menu');
    await chat.send('2');
    expect(chat.last().text).toContain('Apa yang ingin Anda sampaikan');
    const press = (label: string) => {
      const choice = receipt?.choices.find((c) => c.label === label);
      return app.flows
        .handle({ channel: 'test', address: chat.address, key: randomUUID(), choice: choice?.value ?? '' })
        .then(() => chat.settle());
    };
    const status = texts(await press('Cek Status'));
    expect(status).toContain(`Tiket ${ticket}`);
    expect(status).toContain('Riwayat');
    expect(texts(await press('Menu utama'))).toContain('Silakan pilih menu');
  });

  it('speaks English after /lang en', async () => {
    const chat = new Chat(app, channel);
    await chat.send('halo');
    expect(texts(await chat.send('/lang en'))).toContain('Language set to English');
    expect(chat.last().text).toContain('Please choose');
  });

  it('tells an English reporter their ticket in English: its type, its stage and its history', async () => {
    const chat = new Chat(app, channel);
    await chat.send('halo');
    await chat.send('/lang en');
    await chat.press('Suggestion/Complaint');
    await chat.press('Complaint');
    await chat.press('Skip');
    await chat.send('The SOP page does not load.');
    await chat.press('Skip');
    await chat.send('Jane Doe');
    await chat.send('jane@contoh.go.id');
    await chat.press('I agree');
    await chat.press('No need');
    const receipt = texts(await chat.press('Send'));
    const ticket = /SMS-\d{4}-\d{6}/.exec(receipt)?.[0] ?? '';
    expect(receipt).toContain(`Your ticket ${ticket} has been received`);
    await chat.send('status');
    const status = texts(await chat.press(ticket));
    expect(status).toContain(`Ticket ${ticket} (Complaint)`);
    expect(status).toContain('History:');
    expect(status).not.toMatch(/keluhan|Sedang|Tiket/);
  });
});
