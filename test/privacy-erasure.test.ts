import { and, eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { queryRows } from '../src/db/raw.js';
import { attachments, auditLog, cases, channelLinks, conversations, stakeholders } from '../src/db/schema.js';
import { buildReport, stepFigure } from '../src/web/admin/report-figures.js';
import { parsePeriod } from '../src/web/admin/report-period.js';
import { buildWeb } from '../src/web/server.js';
import { eventually, testApp, testConfig } from './support/app.js';
import { Chat, TestChannel, texts } from './support/chat-driver.js';
import { act, addSmsOfficials, fileComplaint } from './support/complaints.js';
import { signIn } from './support/console.js';
import { freshDatabase } from './support/postgres.js';

const NAME = 'Rahmat Hidayat';
const EMAIL = 'rahmat.h@contoh.go.id';
const PHONE = '+6281399998888';
/** The forms the person and the officials may have written them in. */
const NEEDLES = [NAME, EMAIL, PHONE, '81399998888', '0813 9999 8888', '0813-9999-8888'];

let database: Database;
let app: App;
let web: FastifyInstance;
const channel = new TestChannel();
let officials: Awaited<ReturnType<typeof addSmsOfficials>>;
let admin: { cookie: string; csrf: string };

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, testConfig(), { channels: [channel] });
  web = await buildWeb(app);
  await web.ready();
  officials = await addSmsOfficials(app, channel, '19800101200501500');
  admin = await signIn(app, web, 'penghapus');
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

/** Every text, varchar and json(b) column of every table in the schema, from the catalogue itself. */
async function textColumns(): Promise<{ table: string; column: string }[]> {
  return queryRows<{ table: string; column: string }>(
    database.db,
    sql`select c.table_name as "table", c.column_name as "column"
from information_schema.columns c join information_schema.tables t
  on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
where c.table_schema = 'public' and c.data_type in ('text', 'character varying', 'character', 'json', 'jsonb')
order by 1, 2`,
  );
}

/** Where any of the needles still occurs: "table.column: needle". */
async function occurrences(needles: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const { table, column } of await textColumns()) {
    for (const needle of needles) {
      const [row] = await queryRows<{ n: number }>(
        database.db,
        sql`select count(*)::int as n from ${sql.identifier(table)} where ${sql.identifier(column)}::text ilike ${`%${needle}%`}`,
      );
      if (Number(row?.n) > 0) found.push(`${table}.${column}: ${needle}`);
    }
  }
  return found;
}

describe('erasing a stakeholder', () => {
  it('leaves no text column of any table holding their name, email or phone, and the reports still count their cases', async () => {
    const { chat, ticket } = await fileComplaint(app, channel, {
      name: NAME,
      contact: `0813 9999 8888, ${EMAIL}`,
      about: `Unduhan SOP atas nama ${NAME}`,
      text: `Saya ${NAME} (0813-9999-8888) tidak dapat mengunduh SOP pelayanan.`,
      file: `Surat ${NAME}.pdf`,
    });
    // Someone else, half-way through their own complaint, quotes them in its subject, its text and
    // the name of the file they sent; the draft waits for their identity.
    const other = new Chat(app, channel);
    await other.send('halo');
    await other.send('2');
    await other.press('Keluhan');
    await other.send(`Pelayanan kepada ${NAME}`);
    await other.send(`Saya melihat ${NAME} (${EMAIL}) ditolak di loket.`);
    await other.sendFile(`Foto antrean ${NAME}.pdf`);
    const staf = officials.chats['staf-pelaksana'];
    const kasubag = officials.chats['kasubag-tl'];
    // The official opens the task (its detail names the reporter), then acts with a file named after them.
    await eventually('the task', async () => {
      await staf.settle();
      return staf.received.some((m) => m.text.includes(ticket));
    });
    await staf.send('TUGAS');
    expect(texts(await staf.press(ticket))).toContain(`Pelapor: ${NAME}`);
    await act(staf, ticket, 'Selesai dengan penjelasan');
    await staf.sendFile(`BA konfirmasi ${NAME}.pdf`);
    await staf.sendFile('laporan-penyelesaian.docx');
    await act(kasubag, ticket, 'Kembalikan');
    await kasubag.send(`Mohon hubungi ${NAME} di ${EMAIL} atau 0813-9999-8888 dulu.`);
    await chat.send(`STATUS ${ticket}`);
    // Before: they are in the case, the officials' notes and files, the chats and the outbox.
    expect(await occurrences(NEEDLES)).toEqual(
      expect.arrayContaining([
        `stakeholders.name: ${NAME}`,
        `cases.subject: ${NAME}`,
        `cases.body: ${NAME}`,
        `attachments.name: ${NAME}`,
        `conversations.data: ${NAME}`,
        `conversations.data: ${EMAIL}`,
        `step_instances.note: ${EMAIL}`,
        `case_events.note: 0813-9999-8888`,
        'inbound_messages.text: 0813 9999 8888',
        `messages.params: ${PHONE}`,
      ]),
    );

    const period = parsePeriod({ period: 'year' }, 'Asia/Jakarta', new Date());
    const deps = { db: database.db, sops: app.sops, calendars: app.calendars };
    const before = await buildReport(deps, period);

    const found = await web.inject({
      method: 'GET',
      url: `/admin/privacy?q=${encodeURIComponent('Rahmat')}`,
      headers: { cookie: admin.cookie },
    });
    const id = /href="\/admin\/privacy\/([^"]+)"/.exec(found.body)?.[1] ?? '';
    expect(id).not.toBe('');

    const exported = await web.inject({
      method: 'GET',
      url: `/admin/privacy/${id}/export`,
      headers: { cookie: admin.cookie },
    });
    expect(exported.statusCode).toBe(200);
    const data = exported.json() as { stakeholder: { name: string; email: string }; cases: { ticket: string }[] };
    expect(data.stakeholder).toMatchObject({ name: NAME, email: EMAIL });
    expect(data.cases.map((c) => c.ticket)).toEqual([ticket]);
    expect(exported.body).toContain('consentVersion');

    const unconfirmed = await web.inject({
      method: 'POST',
      url: `/admin/privacy/${id}/erase`,
      headers: { cookie: admin.cookie },
      payload: { _csrf: admin.csrf, confirm: 'ya' },
    });
    expect(unconfirmed.headers.location).toContain('error=confirm');
    const erase = await web.inject({
      method: 'POST',
      url: `/admin/privacy/${id}/erase`,
      headers: { cookie: admin.cookie },
      payload: { _csrf: admin.csrf, confirm: 'HAPUS' },
    });
    expect(erase.statusCode).toBe(302);
    expect(erase.headers.location).toContain('done=erased');

    expect(await occurrences(NEEDLES)).toEqual([]);

    const [person] = await database.db.select().from(stakeholders).where(eq(stakeholders.id, id));
    expect(person?.erasedAt).toBeInstanceOf(Date);
    const links = await database.db
      .select()
      .from(channelLinks)
      .where(and(eq(channelLinks.ownerKind, 'stakeholder'), eq(channelLinks.ownerId, id)));
    expect(links.every((l) => !l.active && l.address !== chat.address)).toBe(true);
    const [row] = await database.db.select().from(cases).where(eq(cases.ticket, ticket));
    expect(row?.body).toContain('[dihapus]');
    expect(row?.body).toContain('tidak dapat mengunduh SOP pelayanan');
    expect(row?.subject).toBe('Unduhan SOP atas nama [dihapus]');
    // The other person's draft goes on without the name: their own words and file stay theirs.
    const [draft] = await database.db.select().from(conversations).where(eq(conversations.address, other.address));
    expect(draft?.flow).toBe('identity');
    expect(JSON.stringify(draft?.data)).toContain('Saya melihat [dihapus] ([dihapus]) ditolak di loket.');
    const [theirFile] = await database.db.select().from(attachments).where(eq(attachments.uploadedBy, other.address));
    expect(theirFile?.name).toBe('Foto antrean [dihapus].pdf');

    const after = await buildReport(deps, period);
    expect(after.totals.opened).toBe(before.totals.opened);
    expect(after.categories).toEqual(before.categories);
    expect(stepFigure(after, 'siput-sms', '4')?.count).toBe(stepFigure(before, 'siput-sms', '4')?.count);
    expect(after.units).toEqual(before.units);

    const actions = (await database.db.select().from(auditLog)).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['stakeholder.export', 'stakeholder.erase']));

    // The chat they wrote from is a stranger's now: asked who they are again before filing.
    await chat.send('halo');
    expect(chat.last().text).toContain('Silakan pilih menu');
  });

  it('is for admins only, pimpinan included', async () => {
    const { cookie } = await signIn(app, web, 'pimpinan-pdp', 'pimpinan');
    const res = await web.inject({ method: 'GET', url: '/admin/privacy', headers: { cookie } });
    expect(res.statusCode).toBe(403);
  });
});
