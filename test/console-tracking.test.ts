import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { queryRows } from '../src/db/index.js';
import { parseFilters, trackingPage } from '../src/web/admin/tracking-query.js';
import { buildWeb } from '../src/web/server.js';
import { testApp, testConfig } from './support/app.js';
import { TestChannel } from './support/chat-driver.js';
import { act, addSmsOfficials, fileComplaint, type SmsRole } from './support/complaints.js';
import { signIn } from './support/console.js';
import { freshDatabase } from './support/postgres.js';

let database: Database;
let app: App;
let web: FastifyInstance;
const channel = new TestChannel();
let officials: Awaited<ReturnType<typeof addSmsOfficials>>;
let cookie: string;

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, testConfig(), { channels: [channel] });
  web = await buildWeb(app);
  await web.ready();
  officials = await addSmsOfficials(app, channel, '19800101200501300');
  ({ cookie } = await signIn(app, web, 'pelacak', 'pimpinan'));
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

const chatOf = (role: SmsRole) => officials.chats[role];

async function tableRowOf(ticket: string): Promise<string> {
  const res = await web.inject({ method: 'GET', url: `/admin/tracking?q=${ticket}`, headers: { cookie } });
  expect(res.statusCode).toBe(200);
  const row = res.body.split('<tr').find((r) => r.includes(`>${ticket}</a>`));
  if (!row) throw new Error(`no row for ${ticket} in the tracking table`);
  return row;
}

describe('the tracking table', () => {
  it('lists a case filed in the chat with its stage in words, and the next stage once an official acts', async () => {
    const { ticket } = await fileComplaint(app, channel, { name: 'Budi Santoso' });

    const first = await tableRowOf(ticket);
    expect(first).toContain('Sedang diverifikasi dan dianalisis petugas');
    expect(first).toContain('Pejabat staf-pelaksana');
    expect(first).toContain('keluhan');
    expect(first).toContain('Dokumen SOP pelayanan tidak dapat diunduh');
    expect(first).not.toContain('Terlambat');

    const staf = chatOf('staf-pelaksana');
    expect(await act(staf, ticket, 'Selesai dengan penjelasan')).toContain('kirim berkas BA konfirmasi penyelesaian');
    await staf.sendFile('ba-konfirmasi.pdf');
    await staf.sendFile('laporan.docx');

    const second = await tableRowOf(ticket);
    expect(second).toContain('Laporan penyelesaian menunggu pengesahan');
    expect(second).toContain('Pejabat kasubag-tl');
  });

  it('counts a return as a revision, with its date', async () => {
    const { ticket } = await fileComplaint(app, channel, { name: 'Siti Aminah' });
    const staf = chatOf('staf-pelaksana');
    await act(staf, ticket, 'Selesai dengan penjelasan');
    await staf.sendFile('ba.pdf');
    await staf.sendFile('laporan.docx');
    await act(chatOf('kasubag-tl'), ticket, 'Kembalikan');
    await chatOf('kasubag-tl').send('BA belum ditandatangani.');
    const row = await tableRowOf(ticket);
    const cells = [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => m[1]?.trim());
    expect(cells[3]).toBe('1');
    expect(cells[4]).toMatch(/^\d{1,2} [A-Z][a-z]{2} \d{4}$/);
    expect(row).toContain('Sedang diverifikasi dan dianalisis petugas');
  });

  it('filters by the step a case is at now, not the one it left, and sorts by that step’s due time', async () => {
    const { ticket } = await fileComplaint(app, channel, { name: 'Dewi Lestari' });
    const staf = chatOf('staf-pelaksana');
    await act(staf, ticket, 'Selesai dengan penjelasan');
    await staf.sendFile('ba.pdf');
    await staf.sendFile('laporan.docx');
    const visits = await queryRows<{ step_id: string; left: boolean; due_at: Date }>(
      database.db,
      sql`select s.step_id, s.left_at is not null as left, s.due_at from step_instances s join cases c on c.id = s.case_id
where c.ticket = ${ticket} order by s.seq`,
    );
    const [left, open] = visits;
    expect(visits.map((v) => v.left)).toEqual([true, false]);
    if (!left || !open) throw new Error('two visits expected');
    expect(left.step_id).not.toBe(open.step_id);

    const tickets = async (query: string) => {
      const res = await web.inject({ method: 'GET', url: `/admin/tracking${query}`, headers: { cookie } });
      expect(res.statusCode).toBe(200);
      return [...res.body.matchAll(/<a href="\/admin\/cases\/([^"]+)">/g)].map((m) => m[1]);
    };
    expect(await tickets(`?status=step:siput-sms:${open.step_id}`)).toContain(ticket);
    expect(await tickets(`?status=step:siput-sms:${left.step_id}`)).not.toContain(ticket);
    // Due at the open step's time, not the left one's: overdue only once that time has passed.
    const rows = await trackingPage(database.db, parseFilters({ q: ticket, sort: 'due' }), new Date(), 'Asia/Jakarta');
    expect(rows.rows.map((r) => [r.stepId, r.dueAt?.getTime()])).toEqual([
      [open.step_id, new Date(open.due_at).getTime()],
    ]);
    const after = new Date(new Date(open.due_at).getTime() + 1000);
    const overdue = await trackingPage(database.db, parseFilters({ overdue: '1', sort: 'due' }), after, 'Asia/Jakarta');
    expect(overdue.rows.map((r) => r.ticket)).toContain(ticket);
    const before = new Date(new Date(open.due_at).getTime() - 1000);
    const notYet = await trackingPage(database.db, parseFilters({ q: ticket, overdue: '1' }), before, 'Asia/Jakarta');
    expect(notYet.total).toBe(0);
  });

  it('is refused without a session', async () => {
    const res = await web.inject({ method: 'GET', url: '/admin/tracking' });
    expect(res.statusCode).toBe(302);
  });
});
