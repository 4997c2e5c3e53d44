import { randomUUID } from 'node:crypto';
import type { HistoryItem, OutboundItem } from '../../src/web/chat-history.js';
import { eventually } from './app.js';

/**
 * One browser on /chat of a service in another process, over HTTP. Each request goes to the next
 * of `bases` in turn, as behind a load balancer: the conversation lives in Postgres and Redis, not
 * in one web process (the processes share APP_SECRET, which signs the session cookie).
 */
export class WebChatClient {
  #cookie = '';
  #turn = 0;

  constructor(private readonly bases: readonly string[]) {}

  #base(): string {
    const base = this.bases[this.#turn++ % this.bases.length];
    if (!base) throw new Error('no web process to talk to');
    return base;
  }

  async #fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(`${this.#base()}${path}`, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), ...(this.#cookie ? { cookie: this.#cookie } : {}) },
      signal: AbortSignal.timeout(10_000),
    });
    const set = res.headers.get('set-cookie');
    if (set && !this.#cookie) this.#cookie = set.split(';')[0] ?? '';
    return res;
  }

  async post(body: Record<string, string>): Promise<void> {
    const res = await this.#fetch('/chat/api/send', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: randomUUID(), ...body }),
    });
    if (res.status !== 200) throw new Error(`send answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  }

  send = (text: string) => this.post({ text });

  async items(): Promise<HistoryItem[]> {
    const res = await this.#fetch('/chat/api/history');
    return ((await res.json()) as { items: HistoryItem[] }).items;
  }

  /** Waits for a message from the service containing `text`; returns it. */
  async sees(text: string, ms = 60_000): Promise<OutboundItem> {
    return eventually(
      `"${text}" in the chat`,
      async () => {
        const found = (await this.items()).filter((i): i is OutboundItem => i.kind === 'out' && i.text.includes(text));
        return found.at(-1);
      },
      ms,
    );
  }

  /** Presses the button whose label starts with `label` on the newest message, once it is shown. */
  async press(label: string, ms = 60_000): Promise<void> {
    const choice = await eventually(
      `a "${label}" button`,
      async () => {
        const newest = (await this.items()).filter((i): i is OutboundItem => i.kind === 'out').at(-1);
        return newest?.choices.find((c) => c.label.startsWith(label));
      },
      ms,
    );
    await this.post({ choice: choice.value });
  }

  /** Files a keluhan from the menu to the receipt, as the README's walk does; returns the ticket. */
  async fileComplaint(text: string, ticketPrefix: string): Promise<string> {
    await this.send('MENU');
    await this.press('Saran/Keluhan/Masukan');
    await this.press('Keluhan');
    await this.sees('Tentang dokumen atau layanan apa');
    await this.send('Lewati');
    await this.sees('Silakan tuliskan keluhan Anda');
    await this.send(text);
    await this.press('Lewati');
    await this.sees('nama lengkap');
    await this.send('Budi Santoso');
    await this.sees('nomor');
    await this.send('0812 3456 7890');
    await this.press('Setuju');
    await this.press('Tidak perlu dirahasiakan');
    await this.press('Kirim');
    const receipt = await this.sees(`${ticketPrefix}-`);
    const ticket = new RegExp(`${ticketPrefix}-\\d{4}-\\d{6}`).exec(receipt.text)?.[0];
    if (!ticket) throw new Error(`no ticket in ${receipt.text}`);
    return ticket;
  }
}
