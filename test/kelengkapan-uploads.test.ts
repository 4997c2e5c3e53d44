import { randomUUID } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { createLinkCode } from '../src/db/link-codes.js';
import { addOfficial } from '../src/db/officials.js';
import { attachments, caseEvents, cases, stepInstances } from '../src/db/schema.js';
import { CHAT_COOKIE } from '../src/web/chat-session.js';
import { buildWeb } from '../src/web/server.js';
import { eventually, testApp, testConfig } from './support/app.js';
import { TestChannel } from './support/chat-driver.js';
import { fileComplaint } from './support/complaints.js';
import { multipartFile, PDF, PNG, TEXT } from './support/files.js';
import { freshDatabase } from './support/postgres.js';

const config = testConfig();
let database: Database;
let app: App;
let web: FastifyInstance;
const channel = new TestChannel();

interface Item {
  readonly kind: 'in' | 'out';
  readonly text?: string;
  readonly choices?: readonly { value: string; label: string }[];
}

/** One browser on the web chat: its session cookie, what it sends, and the history it reads back. */
class Browser {
  private constructor(private readonly cookie: string) {}

  static async open(): Promise<Browser> {
    const res = await web.inject({ method: 'GET', url: '/chat' });
    const set = [res.headers['set-cookie']].flat().find((c) => c?.startsWith(`${CHAT_COOKIE}=`));
    if (!set) throw new Error('no chat session');
    return new Browser(set.split(';')[0] as string);
  }

  async send(body: { text?: string; choice?: string; attachmentId?: string }) {
    const res = await web.inject({
      method: 'POST',
      url: '/chat/api/send',
      headers: { cookie: this.cookie },
      payload: { id: randomUUID(), ...body },
    });
    expect(res.statusCode, res.body).toBe(200);
  }

  upload(name: string, bytes: Buffer) {
    const file = multipartFile(name, bytes);
    return web.inject({
      method: 'POST',
      url: '/chat/api/upload',
      payload: file.payload,
      headers: { ...file.headers, cookie: this.cookie },
    });
  }

  async history(): Promise<Item[]> {
    const res = await web.inject({ method: 'GET', url: '/chat/api/history', headers: { cookie: this.cookie } });
    return (res.json() as { items: Item[] }).items;
  }

  /** Messages from the service already looked at by `heard`. */
  #seen = 0;

  /** Waits for a message the service sent since the last one heard to contain `text`; returns it. */
  async heard(text: string): Promise<Item> {
    return eventually(`the chat to say "${text}"`, async () => {
      const out = (await this.history()).filter((i) => i.kind === 'out');
      const at = out.findIndex((i, n) => n >= this.#seen && i.text?.includes(text));
      if (at < 0) return undefined;
      this.#seen = at + 1;
      return out[at];
    });
  }
}

let staf: Browser;
let ticket: string;
let caseId: string;

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, config, { channels: [channel] });
  web = await buildWeb(app);
  await addOfficial(database.db, {
    nip: '199001012020011401',
    name: 'Kasubag TL',
    roleId: 'kasubag-tl',
    unitId: 'ortala',
  });
  await addOfficial(database.db, {
    nip: '199001012020011402',
    name: 'Staf Pelaksana',
    roleId: 'staf-pelaksana',
    unitId: 'ortala',
    superiorNip: '199001012020011401',
  });
  staf = await Browser.open();
  const { code } = await createLinkCode(database.db, '199001012020011402');
  await staf.send({ text: `DAFTAR ${code}` });
  await staf.heard('tertaut');
  ({ ticket } = await fileComplaint(app, channel, { name: 'Sri Pelapor' }));
  const [row] = await database.db.select({ id: cases.id }).from(cases).where(eq(cases.ticket, ticket));
  caseId = row?.id as string;
  // The step reaches the staf's web chat with its actions; they choose the one with two kelengkapan.
  const step = await staf.heard(ticket);
  const action = step.choices?.find((c) => c.label.startsWith('a) Selesai dengan penjelasan'));
  await staf.send({ choice: action?.value as string });
  await staf.heard('Kelengkapan 1 dari 2');
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

/** The case has not moved: still at step 4, no action recorded, no file taken. */
async function unmoved() {
  const [kase] = await database.db.select().from(cases).where(eq(cases.id, caseId));
  const [open] = await database.db
    .select()
    .from(stepInstances)
    .where(eq(stepInstances.id, kase?.openInstanceId ?? ''));
  expect(open?.stepId).toBe('4');
  const acted = await database.db.select().from(caseEvents).where(eq(caseEvents.caseId, caseId));
  expect(acted.filter((e) => e.kind === 'acted')).toHaveLength(0);
  const [taken] = await database.db.select({ n: count() }).from(attachments).where(eq(attachments.caseId, caseId));
  expect(taken?.n).toBe(0);
}

describe('an official answering a step’s named kelengkapan in the web chat', () => {
  it('is asked again by name when they send words instead of the file', async () => {
    await staf.send({ text: 'sudah saya kirim lewat email' });
    const again = await staf.heard('wajib dilampirkan');
    expect(again.text).toBe(
      'Mohon maaf, BA konfirmasi penyelesaian wajib dilampirkan sebagai berkas sebelum tindakan ini dapat dilanjutkan. Kirim berkasnya, atau ketik BATAL untuk membatalkan.',
    );
    await unmoved();
  });

  it('has an oversized, an empty and a wrong-type file refused politely, the step still waiting for it', async () => {
    const huge = await staf.upload('ba-konfirmasi.pdf', Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024)]));
    expect(huge.statusCode).toBe(413);
    expect(huge.json()).toMatchObject({
      error: 'file_too_large',
      message: 'Berkas terlalu besar: paling besar 10 MB.',
    });

    const empty = await staf.upload('ba-konfirmasi.pdf', Buffer.alloc(0));
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toMatchObject({ error: 'file_empty', message: 'Berkas kosong. Pilih berkas lain.' });

    const text = await staf.upload('ba-konfirmasi.pdf', TEXT);
    expect(text.statusCode).toBe(415);
    expect(text.json().message).toContain('Jenis berkas ini tidak diterima. Yang diterima:');

    const photoNamedPdf = await staf.upload('ba-konfirmasi.pdf', PNG);
    expect(photoNamedPdf.statusCode).toBe(415);
    expect(photoNamedPdf.json().message).toContain('Isi berkas tidak sesuai dengan ekstensi namanya.');

    // Nothing reached the conversation: it still asks for the first kelengkapan.
    await staf.send({ text: 'bagaimana?' });
    expect((await staf.heard('wajib dilampirkan')).text).toContain('BA konfirmasi penyelesaian');
    await unmoved();
  });

  it('hears the same refusals in English after BAHASA EN, with the question kept', async () => {
    await staf.send({ text: 'BAHASA EN' });
    expect((await staf.heard('Required item 1 of 2')).text).toContain('BA konfirmasi penyelesaian');
    const huge = await staf.upload('ba.pdf', Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024)]));
    expect(huge.json()).toMatchObject({ error: 'file_too_large', message: 'The file is too large: at most 10 MB.' });
    const text = await staf.upload('ba.pdf', TEXT);
    expect(text.json().message).toContain('This kind of file is not accepted.');
    await staf.send({ text: 'done?' });
    expect((await staf.heard('must be attached')).text).toBe(
      'Sorry, BA konfirmasi penyelesaian must be attached as a file before this action can go on. Send the file, or type BATAL to cancel.',
    );
    await unmoved();
  });

  it('goes on once each kelengkapan is a right file, each kept under its name', async () => {
    const first = await staf.upload('ba-konfirmasi.pdf', PDF);
    expect(first.statusCode).toBe(200);
    await staf.send({ attachmentId: first.json().id });
    await staf.heard('Required item 2 of 2');
    const second = await staf.upload('draf-laporan.png', PNG);
    await staf.send({ attachmentId: second.json().id });
    await staf.heard(`for ticket ${ticket}`);
    const files = await database.db
      .select({ name: attachments.name, kelengkapan: attachments.kelengkapan })
      .from(attachments)
      .where(eq(attachments.caseId, caseId));
    expect(files).toEqual(
      expect.arrayContaining([
        { name: 'ba-konfirmasi.pdf', kelengkapan: 'BA konfirmasi penyelesaian' },
        { name: 'draf-laporan.png', kelengkapan: 'draf Laporan penyelesaian' },
      ]),
    );
  });
});
