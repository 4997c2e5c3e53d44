import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { count, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { run } from '../src/cli/run.js';
import type { Database } from '../src/db/client.js';
import { createLinkCode } from '../src/db/link-codes.js';
import { createLoginToken } from '../src/db/official-login-tokens.js';
import { addOfficial } from '../src/db/officials.js';
import { attachments, cases, units } from '../src/db/schema.js';
import { buildWeb } from '../src/web/server.js';
import { eventually, REDIS_URL, testApp, testConfig } from './support/app.js';
import { Chat, TestChannel, texts } from './support/chat-driver.js';
import { signIn } from './support/console.js';
import { PDF, PNG, TEXT } from './support/files.js';
import { multipartForm } from './support/multipart.js';
import { freshDatabase } from './support/postgres.js';

const config = testConfig();
let database: Database & { url: string };
let app: App;
let web: FastifyInstance;
let admin: { cookie: string; csrf: string };
const channel = new TestChannel();
let kabag: Chat;
let staf: Chat;
let karo: Chat;
let kabagId: string;

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, config, { channels: [channel] });
  web = await buildWeb(app);
  admin = await signIn(app, web, 'admin-refusals');
  const people = [
    ['199001012020011101', 'kabag-ortala'],
    ['199001012020011102', 'staf-pelaksana'],
    ['199001012020011103', 'karo-po'],
  ] as const;
  const chats: Chat[] = [];
  for (const [nip, role] of people) {
    const id = await addOfficial(database.db, { nip, name: `Pejabat ${role}`, roleId: role, unitId: 'ortala' });
    if (role === 'kabag-ortala') kabagId = id;
    const chat = new Chat(app, channel, `refusals-${role}`);
    const { code } = await createLinkCode(database.db, nip);
    await chat.send(`DAFTAR ${code}`);
    chats.push(chat);
  }
  [kabag, staf, karo] = chats as [Chat, Chat, Chat];
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

/** Cases and stored files: a refusal must leave both as they were. */
async function counts() {
  const [c] = await database.db.select({ n: count() }).from(cases);
  const [a] = await database.db.select({ n: count() }).from(attachments);
  return { cases: c?.n ?? 0, attachments: a?.n ?? 0 };
}

describe('a stakeholder asking for an SOP the unit does not offer', () => {
  it('sees only the unit’s own SOPs in the menu, and a forged menu choice is refused politely', async () => {
    const before = await counts();
    const chat = new Chat(app, channel);
    const menu = (await chat.send('halo')).at(-1);
    expect(menu?.choices.map((c) => c.label)).toContain('Saran/Keluhan/Masukan');
    expect(menu?.choices.map((c) => c.label)).not.toContain('Fasilitasi penyusunan SOP');
    await app.flows.handle({
      channel: 'test',
      address: chat.address,
      key: 'forged-1',
      choice: 'menu:sop:fasilitasi-sop',
    });
    expect(texts(await chat.settle())).toContain('Maaf, layanan "fasilitasi-sop" tidak tersedia di unit ini.');
    await app.flows.handle({
      channel: 'test',
      address: chat.address,
      key: 'forged-2',
      choice: 'menu:sop:pedoman-juklak',
    });
    expect(texts(await chat.settle())).toContain('tidak tersedia di unit ini');
    expect(await counts()).toEqual(before);
  });

  it('gets the SOPs of the unit setting, in its order, each under its own name', async () => {
    await database.db
      .update(units)
      .set({ offeredSops: ['fasilitasi-sop', 'siput-sms'] })
      .where(eq(units.id, 'ortala'));
    try {
      const chat = new Chat(app, channel);
      const menu = (await chat.send('halo')).at(-1);
      expect(menu?.choices.map((c) => c.label).slice(0, 3)).toEqual([
        'Dokumen',
        'Fasilitasi penyusunan SOP',
        'Saran/Keluhan/Masukan',
      ]);
    } finally {
      await database.db.update(units).set({ offeredSops: null }).where(eq(units.id, 'ortala'));
    }
  });
});

describe('an official opening an SOP outside their role', () => {
  it('is offered none in the chat when their role opens no SOP', async () => {
    expect(texts(await staf.send('/baru'))).toContain(
      'Tidak ada SOP yang dapat dibuka dengan peran Anda di unit Anda.',
    );
  });

  it('is offered only the SOPs their role may open, and a forged choice is refused', async () => {
    const before = await counts();
    const offered = (await kabag.send('/baru')).at(-1);
    expect(offered?.choices.map((c) => c.value)).toEqual(['sop:pedoman-juklak']);
    await app.flows.handle({ channel: 'test', address: kabag.address, key: 'forged-3', choice: 'sop:sisprosedur' });
    expect(texts(await kabag.settle())).toContain('Maaf, peran Anda tidak dapat membuka kasus');
    expect(await counts()).toEqual(before);
  });

  it('is refused by the console, which lists only the SOPs they may open', async () => {
    const before = await counts();
    const { token } = await createLoginToken(database.db, kabagId, new Date());
    const signed = await web.inject({ method: 'POST', url: `/admin/masuk/${token}` });
    const cookie = `siput_admin=${signed.cookies.find((c) => c.name === 'siput_admin')?.value}`;
    const list = await web.inject({ method: 'GET', url: '/admin/cases/new', headers: { cookie } });
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('?sop=pedoman-juklak');
    expect(list.body).not.toContain('?sop=sisprosedur');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(list.body)?.[1] as string;
    const asked = await web.inject({ method: 'GET', url: '/admin/cases/new?sop=sisprosedur', headers: { cookie } });
    expect(asked.statusCode).toBe(403);
    expect(asked.body).toContain('Maaf, peran Anda tidak dapat membuka kasus');
    const { payload, headers } = multipartForm({ _csrf: csrf, subject: 'x', body: 'y' }, [
      { name: 'a.pdf', bytes: PDF, field: 'file-0' },
      { name: 'b.pdf', bytes: PDF, field: 'file-1' },
    ]);
    const posted = await web.inject({
      method: 'POST',
      url: '/admin/cases/new?sop=sisprosedur',
      payload,
      headers: { ...headers, cookie },
    });
    expect(posted.statusCode).toBe(403);
    expect(await counts()).toEqual(before);
  });

  it('cannot have the console open a stakeholder SOP, even as an admin', async () => {
    const res = await web.inject({
      method: 'GET',
      url: '/admin/cases/new?sop=fasilitasi-sop',
      headers: { cookie: admin.cookie },
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('empty, oversized and wrong kelengkapan', () => {
  async function post(fields: Record<string, string>, files: Parameters<typeof multipartForm>[1]) {
    const { payload, headers } = multipartForm({ _csrf: admin.csrf, ...fields }, files);
    return web.inject({
      method: 'POST',
      url: '/admin/cases/new?sop=pedoman-juklak',
      payload,
      headers: { ...headers, cookie: admin.cookie },
    });
  }
  const usulan = (bytes: Buffer, name = 'usulan.pdf') => [{ name, bytes, field: 'file-0' }];

  it('refuses each one politely in the console, keeping the answers, and creates nothing', async () => {
    const before = await counts();
    const empty = await post({ subject: '   ', body: 'Uraian' }, usulan(PDF));
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Perihal masih kosong. Mohon diisi.');
    expect(empty.body).toContain('Uraian</textarea>');

    const long = await post({ subject: 'Perihal', body: 'x'.repeat(2001) }, usulan(PDF));
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain('Uraian terlalu panjang; paling banyak 2000 karakter.');

    const missing = await post({ subject: 'Perihal', body: 'Uraian' }, []);
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('Berkas &quot;Usulan unit organisasi + program kerja&quot; belum dilampirkan.');

    const zero = await post({ subject: 'Perihal', body: 'Uraian' }, usulan(Buffer.alloc(0)));
    expect(zero.statusCode).toBe(400);

    const wrong = await post({ subject: 'Perihal', body: 'Uraian' }, usulan(TEXT, 'usulan.pdf'));
    expect(wrong.statusCode).toBe(415);
    expect(wrong.body).toContain('Usulan unit organisasi + program kerja:');

    const huge = await post({ subject: 'Perihal', body: 'Uraian' }, usulan(Buffer.alloc(11 * 1024 * 1024, 1)));
    expect(huge.statusCode).toBe(413);
    expect(huge.body).toContain('10 MB');
    expect(await counts()).toEqual(before);
  });

  it('refuses a form without its CSRF token before reading a file', async () => {
    const before = await counts();
    const { payload, headers } = multipartForm({ subject: 'Perihal', body: 'Uraian' }, usulan(PDF));
    const res = await web.inject({
      method: 'POST',
      url: '/admin/cases/new?sop=pedoman-juklak',
      payload,
      headers: { ...headers, cookie: admin.cookie },
    });
    expect(res.statusCode).toBe(403);
    expect(await counts()).toEqual(before);
  });

  it('opens the case once every kelengkapan is right, with the file under its kelengkapan', async () => {
    const res = await post({ subject: 'Usulan juklak', body: 'Uraian usulan' }, usulan(PNG, 'usulan.png'));
    expect(res.statusCode).toBe(303);
    const ticket = /PJK-\d{4}-\d{6}/.exec(res.headers.location as string)?.[0] as string;
    const [row] = await database.db.select().from(cases).where(eq(cases.ticket, ticket));
    expect(row).toMatchObject({ subject: 'Usulan juklak', body: 'Uraian usulan', channel: 'console' });
    expect(row?.openedBy).toBe('admin:admin-refusals');
    const page = await web.inject({ method: 'GET', url: `/admin/cases/${ticket}`, headers: { cookie: admin.cookie } });
    expect(page.body).toContain('usulan.png');
  });

  it('asks again in the chat for an empty or oversized answer and for a file that is not one', async () => {
    const before = await counts();
    await kabag.send('/baru');
    await kabag.press('Pedoman');
    expect(texts(await kabag.send('   '))).toContain('Perihal masih kosong');
    expect(texts(await kabag.send('p'.repeat(201)))).toContain('Perihal terlalu panjang; paling banyak 200 karakter.');
    await kabag.send('Perihal usulan');
    expect(texts(await kabag.send('u'.repeat(2001)))).toContain('Uraian terlalu panjang');
    await kabag.send('Uraian usulan');
    expect(texts(await kabag.send('ini bukan berkas'))).toContain(
      'Kami menunggu berkas "Usulan unit organisasi + program kerja"',
    );
    expect(texts(await kabag.send('BATAL'))).toContain('Dibatalkan');
    expect(await counts()).toEqual(before);
  });
});

describe('siput case open and siput unit sops', () => {
  async function siput(argv: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await run(argv, {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      // This app's Redis and prefix: what the command queues goes to its workers.
      env: { DATABASE_URL: database.url, DATA_DIR: config.DATA_DIR, REDIS_URL, REDIS_PREFIX: app.prefix },
    });
    return { code, stdout, stderr };
  }

  it('opens a case as the official named by --by, with the file by its kelengkapan', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'siput-cli-'));
    const file = join(dir, 'usulan.pdf');
    writeFileSync(file, PDF);
    const out = await siput([
      ...['case', 'open', '--sop', 'pedoman-juklak', '--by', '199001012020011101'],
      ...['--subject', 'Usulan dari CLI', '--text', 'Uraian dari CLI'],
      ...['--file', `Usulan unit organisasi + program kerja=${file}`],
    ]);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const ticket = out.stdout.trim();
    const [row] = await database.db.select().from(cases).where(eq(cases.ticket, ticket));
    expect(row).toMatchObject({ sopId: 'pedoman-juklak', initiatorId: kabagId, channel: 'cli' });
    const [stored] = await database.db
      .select()
      .from(attachments)
      .where(eq(attachments.caseId, row?.id ?? ''));
    expect(stored?.kelengkapan).toBe('Usulan unit organisasi + program kerja');
    // The command queued the step's notice itself: the Karo PO has it now, not at the next reconcile.
    await eventually('the Karo PO’s notice', async () => texts(karo.received).includes(ticket));
  });

  it('refuses an official outside the SOP’s roles, and a missing file, with one line', async () => {
    const before = await counts();
    const outside = await siput([
      ...['case', 'open', '--sop', 'pedoman-juklak', '--by', '199001012020011102'],
      ...['--subject', 'x', '--text', 'y'],
    ]);
    expect(outside).toMatchObject({ code: 1, stdout: '' });
    expect(outside.stderr).toContain('peran Anda tidak dapat membuka kasus');
    const noFile = await siput(['case', 'open', '--sop', 'sisprosedur', '--subject', 'x', '--text', 'y']);
    expect(noFile.code).toBe(1);
    expect(noFile.stderr).toContain('belum dilampirkan');
    expect(await counts()).toEqual(before);
  });

  it('sets, shows and resets the SOPs a unit runs', async () => {
    expect((await siput(['unit', 'sops', 'ortala'])).stdout).toBe('siput-sms (default)\n');
    expect((await siput(['unit', 'sops', 'ortala', 'siput-sms', 'fasilitasi-sop'])).stdout).toBe(
      'siput-sms, fasilitasi-sop\n',
    );
    const [unit] = await database.db.select().from(units).where(eq(units.id, 'ortala'));
    expect(unit?.offeredSops).toEqual(['siput-sms', 'fasilitasi-sop']);
    const unknown = await siput(['unit', 'sops', 'ortala', 'tidak-ada']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no SOP "tidak-ada"');
    expect((await siput(['unit', 'sops', 'ortala', '--default'])).stdout).toBe('siput-sms (default)\n');
  });
});
