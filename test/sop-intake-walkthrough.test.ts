import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { intakeFieldsOf, intakeFilesOf } from '../src/cases/intake.js';
import type { Database } from '../src/db/client.js';
import { createLinkCode } from '../src/db/link-codes.js';
import { createLoginToken } from '../src/db/official-login-tokens.js';
import { addOfficial } from '../src/db/officials.js';
import { attachments, caseEvents, cases, units } from '../src/db/schema.js';
import type { SopDefinition } from '../src/sop/definition.js';
import { stepOf } from '../src/sop/engine.js';
import { buildWeb } from '../src/web/server.js';
import { testApp, testConfig } from './support/app.js';
import { Chat, TestChannel, texts } from './support/chat-driver.js';
import { fileComplaint } from './support/complaints.js';
import { signIn } from './support/console.js';
import { shippedSops } from './support/engine-harness.js';
import { PDF } from './support/files.js';
import { answerForm, openInChat, ticketIn, walkCase } from './support/intake.js';
import { multipartForm } from './support/multipart.js';
import { freshDatabase } from './support/postgres.js';
import { ROUTES } from './support/sop-routes.js';

const config = testConfig({ PUBLIC_URL: 'https://siput.contoh.go.id' });
let database: Database;
let app: App;
let web: FastifyInstance;
let admin: { cookie: string; csrf: string };
const channel = new TestChannel();
const chats = new Map<string, Chat>();
const ids = new Map<string, string>();

const sopOf = (id: string) => shippedSops().find((s) => s.id === id) as SopDefinition;

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, config, { channels: [channel] });
  web = await buildWeb(app);
  admin = await signIn(app, web, 'admin-intake');
  // One linked official for every role of the five SOPs, all in the unit the chat serves.
  const roles = [...new Set(shippedSops().flatMap((s) => s.roles.map((r) => r.id)))].filter((r) => r !== 'stakeholder');
  for (const [i, role] of roles.entries()) {
    const nip = `1990010120200110${String(i).padStart(2, '0')}`;
    ids.set(role, await addOfficial(database.db, { nip, name: `Pejabat ${role}`, roleId: role, unitId: 'ortala' }));
    const chat = new Chat(app, channel, `official-${role}`);
    const { code } = await createLinkCode(database.db, nip);
    expect(texts(await chat.send(`DAFTAR ${code}`))).toContain('tertaut');
    chats.set(role, chat);
  }
  await database.db
    .update(units)
    // The unit runs all five: the two the public opens, in menu order, and the three officials open.
    .set({ offeredSops: ['siput-sms', 'fasilitasi-sop', 'pedoman-juklak', 'sisprosedur', 'pemantauan-dumas'] })
    .where(eq(units.id, 'ortala'));
}, 120_000);

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

/** An admin opens a case from the console's Kasus baru form; returns its ticket. */
async function openInConsole(sop: SopDefinition, session = admin): Promise<string> {
  const form = await web.inject({
    method: 'GET',
    url: `/admin/cases/new?sop=${sop.id}`,
    headers: { cookie: session.cookie },
  });
  expect(form.statusCode).toBe(200);
  for (const kelengkapan of intakeFilesOf(sop)) expect(form.body).toContain(kelengkapan);
  const fields: Record<string, string> = {
    _csrf: session.csrf,
    subject: `Usulan konsol ${sop.id}`,
    body: 'Dibuka dari konsol.',
  };
  for (const f of intakeFieldsOf(sop)) fields[`field-${f.id}`] = f.options?.[0]?.value ?? 'Biro Umum';
  const { payload, headers } = multipartForm(
    fields,
    intakeFilesOf(sop).map((_, i) => ({ name: `berkas-${i}.pdf`, bytes: PDF, field: `file-${i}` })),
  );
  const res = await web.inject({
    method: 'POST',
    url: `/admin/cases/new?sop=${sop.id}`,
    payload,
    headers: { ...headers, cookie: session.cookie },
  });
  expect(res.statusCode, res.body).toBe(303);
  return ticketIn(res.headers.location as string);
}

/** An official's console session, from the one-time link their chat's MASUK sends. */
async function officialSession(role: string): Promise<{ cookie: string; csrf: string }> {
  const { token } = await createLoginToken(database.db, ids.get(role) as string, new Date());
  const res = await web.inject({ method: 'POST', url: `/admin/masuk/${token}` });
  const cookie = `siput_admin=${res.cookies.find((c) => c.name === 'siput_admin')?.value}`;
  const page = await web.inject({ method: 'GET', url: '/admin/cases/new', headers: { cookie } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] as string;
  return { cookie, csrf };
}

/** Who opens the official SOP's cases from a chat: the start step's actor. */
const starter = (sop: SopDefinition) => chats.get(stepOf(sop, sop.start).actor) as Chat;

describe.each(['pedoman-juklak', 'sisprosedur', 'pemantauan-dumas'])('%s (intake official)', (sopId) => {
  const sop = sopOf(sopId);
  const routes = ROUTES[sopId] ?? [];

  it.each(routes.map((r, i) => [r.name, r, i] as const))('opened by chat and console, then: %s', async (_n, r, i) => {
    // Routes alternate between /baru in the chat and the console's form, so each SOP goes through both.
    const ticket = i % 2 === 0 ? await openInChat(starter(sop), sop) : await openInConsole(sop);
    const [row] = await database.db.select().from(cases).where(eq(cases.ticket, ticket));
    expect(row?.sopId).toBe(sopId);
    expect(row?.channel).toBe(i % 2 === 0 ? 'test' : 'console');
    const files = await database.db
      .select()
      .from(attachments)
      .where(eq(attachments.caseId, row?.id as string));
    // Each file is named for the kelengkapan it is, and the start step's holder reads it that way, with its link.
    expect(files.map((f) => f.kelengkapan).sort()).toEqual([...intakeFilesOf(sop)].sort());
    const holder = starter(sop);
    await holder.settle();
    const notice = holder.received.find((m) => m.text.includes(ticket) && m.text.includes('/lampiran/'))?.text ?? '';
    for (const kelengkapan of intakeFilesOf(sop)) expect(notice).toContain(`• ${kelengkapan}: `);
    const result = await walkCase(app, ticket, r.choices);
    expect(result.visited).toEqual(r.visited);
    expect(result.outcome).toBe(r.outcome);
  });

  it('is opened from the console by an official of its start role, who is then told of each stage', async () => {
    const session = await officialSession(stepOf(sop, sop.start).actor);
    const ticket = await openInConsole(sop, session);
    const [row] = await database.db.select().from(cases).where(eq(cases.ticket, ticket));
    expect(row?.initiatorId).toBe(ids.get(stepOf(sop, sop.start).actor));
    const route = routes[0];
    if (!route) throw new Error('no route');
    await walkCase(app, ticket, route.choices);
    await starter(sop).settle();
    const told = texts(starter(sop).received);
    expect(told).toContain(`Tiket Anda ${ticket} telah kami terima`);
    expect(told).toContain(`Tiket ${ticket} telah selesai ditindaklanjuti`);
  });
});

describe('pedoman-juklak opened by an initiator who is not its first actor', () => {
  it('records the Kabag Ortala as initiator and tells them of each stage they do not hold', async () => {
    const sop = sopOf('pedoman-juklak');
    const kabag = chats.get('kabag-ortala') as Chat;
    await kabag.settle();
    const ticket = await openInChat(kabag, sop, 'Usulan pedoman tata naskah');
    const [row] = await database.db.select().from(cases).where(eq(cases.ticket, ticket));
    expect(row?.initiatorId).toBe(ids.get('kabag-ortala'));
    const [submitted] = await database.db
      .select()
      .from(caseEvents)
      .where(eq(caseEvents.caseId, row?.id as string));
    expect(submitted?.kind).toBe('submitted');
    expect(submitted?.attachments.map((a) => (a as { kelengkapan?: string }).kelengkapan)).toEqual([
      'Usulan unit organisasi + program kerja',
    ]);
    const route = ROUTES['pedoman-juklak']?.[0];
    if (!route) throw new Error('no route');
    await walkCase(app, ticket, route.choices);
    await kabag.settle();
    const told = texts(kabag.received);
    expect(told).toContain(`Tiket Anda ${ticket} telah kami terima`);
    // Step 3 is the Kasubbag's: the Kabag, who opened the case, hears of it.
    expect(told).toContain(`Kabar tiket ${ticket}: Rencana kegiatan dan rancangan teknis disiapkan`);
    // Step 4 is the Kabag's own: a task, not a "kabar".
    expect(told).not.toContain(`Kabar tiket ${ticket}: Rencana dan rancangan dipelajari Kabag Ortala`);
    expect(told).toContain(`Tiket ${ticket} telah selesai`);
  });
});

describe('siput-sms (intake stakeholder, the complaint menu item)', () => {
  it.each((ROUTES['siput-sms'] ?? []).map((r) => [r.name, r] as const))('%s', async (_n, r) => {
    const { ticket } = await fileComplaint(app, channel, { name: 'Budi Santoso' });
    const result = await walkCase(app, ticket, r.choices);
    expect(result.visited).toEqual(r.visited);
    expect(result.outcome).toBe(r.outcome);
  });
});

describe('fasilitasi-sop (intake stakeholder, the pemrakarsa registers)', () => {
  const sop = sopOf('fasilitasi-sop');

  async function register(): Promise<{ chat: Chat; ticket: string }> {
    const chat = new Chat(app, channel);
    await chat.send('halo');
    await chat.press('Fasilitasi penyusunan SOP');
    expect(chat.last().text).toContain('Judul SOP yang diajukan');
    await answerForm(chat, sop, {
      subject: 'SOP Pengelolaan Arsip Dinamis',
      body: 'Mohon fasilitasi penyusunan SOP arsip.',
      fields: { 'unit-pemrakarsa': 'Biro Umum', kategori: 'revisi' },
    });
    await chat.send('Sari Dewi');
    await chat.send('sari@contoh.go.id');
    await chat.press('Setuju');
    const summary = chat.last().text;
    expect(summary).toContain('Unit pemrakarsa: Biro Umum');
    expect(summary).toContain('Kategori (SOP baru atau revisi): Revisi');
    expect(summary).toContain('Konsep SOP (disusun online/offline): kelengkapan-1.pdf');
    const ticket = ticketIn(texts(await chat.press('Kirim')));
    expect(ticket).toMatch(/^FSOP-/);
    return { chat, ticket };
  }

  it.each((ROUTES['fasilitasi-sop'] ?? []).map((r) => [r.name, r] as const))('%s', async (_n, r) => {
    const { chat, ticket } = await register();
    const result = await walkCase(app, ticket, r.choices);
    expect(result.visited).toEqual(r.visited);
    expect(result.outcome).toBe(r.outcome);
    const told = texts(await chat.settle());
    expect(told).toContain(`Kabar tiket ${ticket}: Tahap 2`);
    expect(told).toContain(`Tiket ${ticket} telah selesai`);
  });

  it('records the SOP document’s number, revision and date, shown to the pemrakarsa and in the tracking table', async () => {
    const { chat, ticket } = await register();
    const [row] = await database.db.select().from(cases).where(eq(cases.ticket, ticket));
    expect(row?.fields).toEqual({ 'unit-pemrakarsa': 'Biro Umum', kategori: 'revisi' });
    expect(row?.category).toBe('revisi');
    const saved = await web.inject({
      method: 'POST',
      url: `/admin/cases/${ticket}/fields`,
      payload: {
        _csrf: admin.csrf,
        'field-nomor-dokumen': 'SOP-BU/07/2026',
        'field-revisi': '2',
        'field-tanggal-revisi': '2026-03-05',
        'field-kategori': 'revisi',
        'field-unit-pemrakarsa': 'Biro Umum',
      },
      headers: { cookie: admin.cookie },
    });
    expect(saved.statusCode).toBe(303);

    const status = texts(await chat.send(`STATUS ${ticket}`));
    expect(status).toContain('No. dokumen SOP: SOP-BU/07/2026');
    expect(status).toContain('Revisi dokumen: 2');
    expect(status).toContain('Kategori (SOP baru atau revisi): Revisi');

    const [withSecret] = await database.db.select().from(cases).where(eq(cases.ticket, ticket));
    const publicPage = await web.inject({ method: 'GET', url: `/status/${ticket}?k=${withSecret?.statusSecret}` });
    expect(publicPage.body).toContain('SOP-BU/07/2026');

    const table = await web.inject({
      method: 'GET',
      url: `/admin/tracking?q=${ticket}`,
      headers: { cookie: admin.cookie },
    });
    const line =
      table.body
        .split('<tbody>')[1]
        ?.split('<tr')
        .find((r) => r.includes(ticket)) ?? '';
    const cells = [...line.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => m[1]?.trim());
    expect(cells[1]).toContain(ticket);
    expect(cells.slice(2, 7)).toEqual(['SOP-BU/07/2026', '2', '2026-03-05', 'SOP Pengelolaan Arsip Dinamis', 'Revisi']);

    const page = await web.inject({ method: 'GET', url: `/admin/cases/${ticket}`, headers: { cookie: admin.cookie } });
    expect(page.body).toContain('No. dokumen SOP');
    expect(page.body).toContain('SOP-BU/07/2026');
  });
});
