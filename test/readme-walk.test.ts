import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, startApp } from '../src/app.js';
import { run } from '../src/cli/run.js';
import { loadConfig } from '../src/config.js';
import { cases, stepInstances } from '../src/db/schema.js';
import { createLogger } from '../src/log.js';
import type { HistoryItem, OutboundItem } from '../src/web/chat-history.js';
import { CHAT_COOKIE } from '../src/web/chat-session.js';
import { buildWeb } from '../src/web/server.js';
import { eventually, REDIS_URL } from './support/app.js';
import { multipartFile, PDF } from './support/files.js';

const README = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');

/** The shell block of the README's first walk, one command a line, comments dropped. */
function walkCommands(): string[] {
  const from = README.indexOf('A first walk through');
  const block = /```sh\n([\s\S]*?)```/.exec(README.slice(from));
  if (from < 0 || !block?.[1]) throw new Error('the README has no first walk');
  return block[1]
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter(Boolean);
}

/** Splits a command line as the shell would for the README's quoting (plain words and '…' or "…"). */
function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

const env = { DATA_DIR: mkdtempSync(join(tmpdir(), 'siput-walk-')), REDIS_URL, LOG_LEVEL: 'silent' };
let app: App | undefined;
let web: FastifyInstance | undefined;

afterAll(async () => {
  await web?.close();
  await app?.close();
});

/** One browser on /chat: its session cookie, what it sends and what the page would show. */
class Browser {
  cookie = '';

  async open(): Promise<void> {
    const res = await (web as FastifyInstance).inject({ method: 'GET', url: '/chat' });
    this.cookie = String(res.headers['set-cookie']).split(';')[0] ?? '';
    expect(this.cookie.startsWith(`${CHAT_COOKIE}=`)).toBe(true);
  }

  async post(body: Record<string, string>): Promise<void> {
    const res = await (web as FastifyInstance).inject({
      method: 'POST',
      url: '/chat/api/send',
      headers: { cookie: this.cookie },
      payload: { id: randomUUID(), ...body },
    });
    expect(res.statusCode).toBe(200);
  }

  send = (text: string) => this.post({ text });

  async items(): Promise<HistoryItem[]> {
    const res = await (web as FastifyInstance).inject({
      method: 'GET',
      url: '/chat/api/history',
      headers: { cookie: this.cookie },
    });
    return (res.json() as { items: HistoryItem[] }).items;
  }

  /** Waits for a message from the service containing `text`; returns it. */
  async sees(text: string): Promise<OutboundItem> {
    return eventually(`"${text}" in the chat`, async () => {
      const found = (await this.items()).filter((i): i is OutboundItem => i.kind === 'out' && i.text.includes(text));
      return found.at(-1);
    });
  }

  /** Presses the button whose label starts with `label` on the newest message, once it is shown. */
  async press(label: string): Promise<void> {
    const choice = await eventually(`a "${label}" button`, async () => {
      const newest = (await this.items()).filter((i): i is OutboundItem => i.kind === 'out').at(-1);
      return newest?.choices.find((c) => c.label.startsWith(label));
    });
    await this.post({ choice: choice.value });
  }

  async attach(name: string): Promise<void> {
    const file = multipartFile(name, PDF, 'application/pdf');
    const upload = await (web as FastifyInstance).inject({
      method: 'POST',
      url: '/chat/api/upload',
      headers: { cookie: this.cookie, ...file.headers },
      payload: file.payload,
    });
    expect(upload.statusCode).toBe(200);
    await this.post({ attachmentId: (upload.json() as { id: string }).id });
  }
}

describe("the README's first walk, on a fresh data folder", () => {
  const codes: string[] = [];
  const staf = new Browser();
  const stakeholder = new Browser();
  let ticket = '';

  beforeAll(async () => {
    for (const line of walkCommands()) {
      if (line === 'npm start') break;
      const piped = /^echo (.*?) \| (.*)$/.exec(line);
      const argv = words(piped?.[2] ?? line);
      expect(argv.slice(0, 4)).toEqual(['npm', 'run', 'siput', '--']);
      let stdout = '';
      let stderr = '';
      const code = await run(argv.slice(4), {
        stdout: { write: (text: string) => (stdout += text) },
        stderr: { write: (text: string) => (stderr += text) },
        env,
        stdin: (async function* () {
          if (piped?.[1]) yield `${words(piped[1])[0]}\n`;
        })(),
      });
      expect({ line, code, stderr }).toEqual({ line, code: 0, stderr: '' });
      if (argv[5] === 'link-code') codes.push(stdout.trim().split(/\s+/)[0] ?? '');
    }
    const config = loadConfig(env);
    app = await startApp(config, createLogger(config), { queuePrefix: `siput-walk-${randomUUID()}` });
    web = await buildWeb(app);
  }, 300_000);

  it('runs every command and reaches the Kasubag TL’s approval in the chat', async () => {
    expect(codes).toHaveLength(2);
    for (const code of codes) expect(code).toMatch(/^[A-Z0-9]{6,}$/);
    const [stafCode, kasubagCode] = codes;

    const kasubag = new Browser();
    for (const b of [staf, kasubag, stakeholder]) await b.open();

    await staf.send(`DAFTAR ${stafCode}`);
    await staf.sees('tertaut');
    await kasubag.send(`DAFTAR ${kasubagCode}`);
    await kasubag.sees('tertaut');

    await stakeholder.send('MENU');
    await stakeholder.press('Saran/Keluhan/Masukan');
    await stakeholder.press('Keluhan');
    await stakeholder.sees('Tentang dokumen atau layanan apa');
    await stakeholder.send('Lewati');
    await stakeholder.sees('Silakan tuliskan keluhan Anda');
    await stakeholder.send('Formulir pengaduan di situs tidak bisa dikirim.');
    await stakeholder.press('Lewati');
    await stakeholder.sees('nama lengkap');
    await stakeholder.send('Budi Santoso');
    await stakeholder.sees('nomor');
    await stakeholder.send('0812 3456 7890');
    await stakeholder.press('Setuju');
    await stakeholder.press('Tidak perlu dirahasiakan');
    await stakeholder.press('Kirim');
    const receipt = await stakeholder.sees('SMS-');
    ticket = /SMS-\d{4}-\d{6}/.exec(receipt.text)?.[0] as string;
    expect(ticket).toBeTruthy();

    await staf.sees(ticket);
    await staf.press('a) Selesai dengan penjelasan');
    await staf.sees('Kelengkapan 1 dari 2');
    await staf.attach('ba-konfirmasi.pdf');
    await staf.sees('Kelengkapan 2 dari 2');
    await staf.attach('draf-laporan.pdf');

    const approval = await kasubag.sees(ticket);
    expect(approval.choices.map((c) => c.label)).toContain('Sahkan laporan penyelesaian');
    await kasubag.press('Sahkan laporan penyelesaian');
    await kasubag.sees('catatan tidak wajib');
    await kasubag.press('Lewati');

    const db = (app as App).database.db;
    const step = await eventually('the case to move on to step 11', async () => {
      const [row] = await db
        .select({ step: stepInstances.stepId })
        .from(cases)
        .innerJoin(stepInstances, eq(stepInstances.id, cases.openInstanceId))
        .where(eq(cases.ticket, ticket));
      return row?.step === '11' ? row.step : undefined;
    });
    expect(step).toBe('11');
  }, 120_000);

  it('ends on the web chat with the tindak lanjut and the laporan’s link, which downloads it under its name', async () => {
    expect(ticket).toBeTruthy();
    await staf.sees(`${ticket}`);
    await staf.press('Progres sudah diperbarui');
    await staf.sees('Tuliskan tindak lanjut');
    await staf.send('Formulir pengaduan sudah diperbaiki dan dapat dikirim lagi.');
    await staf.press('Tampilkan ke pelapor');

    const closing = await stakeholder.sees(`Tiket ${ticket} telah selesai`);
    expect(closing.text).toContain('Tindak lanjut: Formulir pengaduan sudah diperbaiki dan dapat dikirim lagi.');
    const links = closing.text.match(/Laporan Penyelesaian\.pdf: \S+\/berkas\/[\w-]+\?e=\d+&s=[\w-]+/g) ?? [];
    expect(links).toHaveLength(1);
    const path = /\/berkas\/[\w-]+\?e=\d+&s=[\w-]+/.exec(links[0] as string)?.[0] as string;
    const download = await (web as FastifyInstance).inject({ method: 'GET', url: path });
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-disposition']).toContain('filename="Laporan Penyelesaian.pdf"');
    expect(download.rawPayload.equals(PDF)).toBe(true);
  }, 120_000);
});
