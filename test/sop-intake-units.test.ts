import { count, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { run } from '../src/cli/run.js';
import type { Database } from '../src/db/client.js';
import { createLinkCode } from '../src/db/link-codes.js';
import { createLoginToken } from '../src/db/official-login-tokens.js';
import { addOfficial } from '../src/db/officials.js';
import { attachments, cases, units } from '../src/db/schema.js';
import { ensureUnit } from '../src/db/units.js';
import type { SopDefinition } from '../src/sop/definition.js';
import { buildWeb } from '../src/web/server.js';
import { REDIS_URL, testApp, testConfig } from './support/app.js';
import { Chat, TestChannel, texts } from './support/chat-driver.js';
import { signIn } from './support/console.js';
import { shippedSops } from './support/engine-harness.js';
import { PDF } from './support/files.js';
import { answerForm, ticketIn } from './support/intake.js';
import { multipartForm } from './support/multipart.js';
import { freshDatabase } from './support/postgres.js';

const config = testConfig();
let database: Database & { url: string };
let app: App;
let web: FastifyInstance;
let admin: { cookie: string; csrf: string };
const channel = new TestChannel();
let kabag: Chat;
let kabagId: string;
const KABAG_NIP = '199001012020011201';
const fasilitasi = shippedSops().find((s) => s.id === 'fasilitasi-sop') as SopDefinition;

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, config, { channels: [channel] });
  web = await buildWeb(app);
  admin = await signIn(app, web, 'admin-units');
  await ensureUnit(database.db, { id: 'tatalaksana', name: 'Bagian Tata Laksana', timeZone: 'Asia/Jakarta' });
  await ensureUnit(database.db, { id: 'humas', name: 'Bagian Humas', timeZone: 'Asia/Makassar' });
  kabagId = await addOfficial(database.db, {
    nip: KABAG_NIP,
    name: 'Kabag Ortala',
    roleId: 'kabag-ortala',
    unitId: 'ortala',
  });
  kabag = new Chat(app, channel, 'units-kabag');
  const { code } = await createLinkCode(database.db, KABAG_NIP);
  expect(texts(await kabag.send(`DAFTAR ${code}`))).toContain('tertaut');
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

beforeEach(async () => {
  await database.db.update(units).set({ offeredSops: null });
});

const runs = (unitId: string, offeredSops: string[] | null) =>
  database.db.update(units).set({ offeredSops }).where(eq(units.id, unitId));

async function caseCount(): Promise<number> {
  const [row] = await database.db.select({ n: count() }).from(cases);
  return row?.n ?? 0;
}

describe('an official’s unit that lists the SOPs it runs', () => {
  it('offers /baru only the listed SOPs, and refuses a choice of another politely', async () => {
    const before = await caseCount();
    // Unset, the unit runs every SOP officials open: the Kabag may open pedoman-juklak.
    expect((await kabag.send('/baru')).at(-1)?.choices.map((c) => c.value)).toEqual(['sop:pedoman-juklak']);
    // The unit's list changes before the Kabag chooses: the choice offered a moment ago is refused.
    await runs('ortala', ['siput-sms', 'sisprosedur']);
    expect(texts(await kabag.press('Pelayanan Ketatalaksanaan'))).toContain(
      'Maaf, layanan "Pelayanan Ketatalaksanaan (Pedoman/Petunjuk Pelaksanaan)" tidak tersedia di unit ini.',
    );
    expect(texts(await kabag.send('/baru'))).toContain(
      'Tidak ada SOP yang dapat dibuka dengan peran Anda di unit Anda.',
    );
    expect(await caseCount()).toBe(before);
  });

  it('refuses it in the console, for the official and for an admin choosing that unit', async () => {
    await runs('ortala', ['siput-sms']);
    const before = await caseCount();
    const { token } = await createLoginToken(database.db, kabagId, new Date());
    const signed = await web.inject({ method: 'POST', url: `/admin/masuk/${token}` });
    const cookie = `siput_admin=${signed.cookies.find((c) => c.name === 'siput_admin')?.value}`;
    const list = await web.inject({ method: 'GET', url: '/admin/cases/new', headers: { cookie } });
    expect(list.body).not.toContain('?sop=pedoman-juklak');
    const asked = await web.inject({ method: 'GET', url: '/admin/cases/new?sop=pedoman-juklak', headers: { cookie } });
    expect(asked.statusCode).toBe(403);
    expect(asked.body).toContain('tidak tersedia di unit ini');

    // The admin's form offers only the units that run it; a unit forged into the form is refused.
    const form = await web.inject({
      method: 'GET',
      url: '/admin/cases/new?sop=pedoman-juklak',
      headers: { cookie: admin.cookie },
    });
    expect(form.body).toContain('<option value="tatalaksana"');
    expect(form.body).not.toContain('<option value="ortala"');
    const { payload, headers } = multipartForm(
      { _csrf: admin.csrf, unit: 'ortala', subject: 'Usulan', body: 'Uraian' },
      [{ name: 'usulan.pdf', bytes: PDF, field: 'file-0' }],
    );
    const posted = await web.inject({
      method: 'POST',
      url: '/admin/cases/new?sop=pedoman-juklak',
      payload,
      headers: { ...headers, cookie: admin.cookie },
    });
    expect(posted.statusCode).toBe(400);
    expect(posted.body).toContain('tidak tersedia di unit ini');
    expect(await caseCount()).toBe(before);
  });

  it('refuses it from the CLI with one line, before storing a file', async () => {
    await runs('ortala', ['siput-sms']);
    const [files] = await database.db.select({ n: count() }).from(attachments);
    let stderr = '';
    const code = await run(
      [
        ...['case', 'open', '--sop', 'pedoman-juklak', '--by', KABAG_NIP],
        ...['--subject', 'x', '--text', 'y', '--file', 'package.json'],
      ],
      {
        stdout: { write: () => true },
        stderr: { write: (text: string) => (stderr += text) },
        env: { DATABASE_URL: database.url, DATA_DIR: config.DATA_DIR, REDIS_URL, REDIS_PREFIX: app.prefix },
      },
    );
    expect(code).toBe(1);
    expect(stderr).toContain('tidak tersedia di unit ini');
    // Nor may they open it in a unit that runs it but is not theirs.
    await runs('tatalaksana', ['pedoman-juklak']);
    stderr = '';
    const elsewhere = await run(
      [
        ...['case', 'open', '--sop', 'pedoman-juklak', '--by', KABAG_NIP, '--unit', 'tatalaksana'],
        ...['--subject', 'x', '--text', 'y', '--file', 'package.json'],
      ],
      {
        stdout: { write: () => true },
        stderr: { write: (text: string) => (stderr += text) },
        env: { DATABASE_URL: database.url, DATA_DIR: config.DATA_DIR, REDIS_URL, REDIS_PREFIX: app.prefix },
      },
    );
    expect(elsewhere).toBe(1);
    expect(stderr).toContain('works in unit "ortala"');
    const [after] = await database.db.select({ n: count() }).from(attachments);
    expect(after?.n).toBe(files?.n);
  });
});

describe('a stakeholder SOP offered by a unit other than the chat’s default', () => {
  /** A registration answered up to its summary, with the pemrakarsa's identity. */
  async function register(chat: Chat): Promise<string> {
    expect(chat.last().text).toContain('Judul SOP yang diajukan');
    await answerForm(chat, fasilitasi, {
      subject: 'SOP Layanan Informasi Publik',
      body: 'Mohon fasilitasi penyusunan SOP baru.',
      fields: { 'unit-pemrakarsa': 'Biro Umum', kategori: 'baru' },
    });
    await chat.send('Rina Pemrakarsa');
    await chat.send('rina@contoh.go.id');
    await chat.press('Setuju');
    return ticketIn(texts(await chat.press('Kirim')));
  }

  it('appears in the menu after the default unit’s, and its registration runs in that unit', async () => {
    await runs('tatalaksana', ['fasilitasi-sop']);
    const chat = new Chat(app, channel);
    const menu = (await chat.send('halo')).at(-1);
    expect(menu?.choices.map((c) => c.label).slice(0, 3)).toEqual([
      'Dokumen',
      'Saran/Keluhan/Masukan',
      'Fasilitasi penyusunan SOP',
    ]);
    await chat.press('Fasilitasi penyusunan SOP');
    const ticket = await register(chat);
    const [row] = await database.db.select().from(cases).where(eq(cases.ticket, ticket));
    expect(row?.unitId).toBe('tatalaksana');
    const [draft] = await database.db
      .select()
      .from(attachments)
      .where(eq(attachments.caseId, row?.id ?? ''));
    expect(draft?.kelengkapan).toBe('Konsep SOP (disusun online/offline)');
  });

  it('asks which unit when several offer it, and the case runs in the one chosen', async () => {
    await runs('tatalaksana', ['fasilitasi-sop']);
    await runs('humas', ['siput-sms', 'fasilitasi-sop']);
    const chat = new Chat(app, channel);
    const menu = (await chat.send('halo')).at(-1);
    // Each SOP once, however many units offer it.
    expect(menu?.choices.filter((c) => c.label === 'Fasilitasi penyusunan SOP')).toHaveLength(1);
    const asked = (await chat.press('Fasilitasi penyusunan SOP')).at(-1);
    expect(asked?.text).toContain('"Fasilitasi penyusunan SOP" dilayani beberapa unit');
    expect(asked?.choices.map((c) => c.label)).toEqual(['Bagian Humas', 'Bagian Tata Laksana']);
    // A unit that does not offer it, forged into the answer, is not taken.
    await app.flows.handle({ channel: 'test', address: chat.address, key: 'forged-unit-2', choice: 'unit:ortala' });
    expect(texts(await chat.settle())).toContain('Mohon pilih salah satu pilihan');
    await chat.press('Bagian Humas');
    const ticket = await register(chat);
    const [row] = await database.db.select().from(cases).where(eq(cases.ticket, ticket));
    expect(row?.unitId).toBe('humas');
  });

  it('sends a complaint to the unit chosen when the default unit and another both take them', async () => {
    await runs('humas', ['siput-sms']);
    const chat = new Chat(app, channel);
    await chat.send('halo');
    const asked = (await chat.press('Saran/Keluhan/Masukan')).at(-1);
    expect(asked?.choices.map((c) => c.label)).toEqual(['Bagian Organisasi dan Tata Laksana', 'Bagian Humas']);
    await chat.press('Bagian Humas');
    await chat.press('Keluhan');
    await chat.send('Lewati');
    await chat.send('Layanan informasi di loket humas lambat sekali.');
    await chat.press('Lewati');
    await chat.send('Budi Pelapor');
    await chat.send('0812 3456 7890, budi@contoh.go.id');
    await chat.press('Setuju');
    await chat.press('Tidak');
    const ticket = ticketIn(texts(await chat.press('Kirim')));
    const [row] = await database.db.select().from(cases).where(eq(cases.ticket, ticket));
    expect(row?.unitId).toBe('humas');
  });
});
