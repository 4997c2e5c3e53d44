import { and, eq } from 'drizzle-orm';
import type { App } from '../../../src/app.js';
import { WhatsAppAdapter, type WhatsAppAdapterOptions } from '../../../src/bots/whatsapp/index.js';
import type { Config } from '../../../src/config.js';
import type { Database } from '../../../src/db/client.js';
import { inboundKeyTaken } from '../../../src/db/inbound-messages.js';
import { channelStates, messages } from '../../../src/db/schema.js';
import { eventually, testApp, testConfig } from '../../support/app.js';
import { documentMessage, type FakeWhatsApp, imageMessage, type Sent, textMessage, textOf } from './fake-whatsapp.js';

/** Test settings for WhatsApp: no pacing, jitter or typing unless a test asks for them. */
export function whatsappConfig(overrides: Record<string, string> = {}): Config {
  return testConfig({
    WHATSAPP_ENABLED: 'true',
    WHATSAPP_CHAT_INTERVAL_MS: '0',
    WHATSAPP_TYPING_MS: '0',
    WHATSAPP_JITTER_MS: '0',
    WHATSAPP_RATE_PER_SECOND: '20',
    ...overrides,
  });
}

/** An adapter on the fake network, quick to reconnect and to take a dead holder's lock over. */
export function fakeAdapter(config: Config, wa: FakeWhatsApp, opts: WhatsAppAdapterOptions = {}): WhatsAppAdapter {
  return new WhatsAppAdapter(config, {
    connect: wa.connect,
    download: wa.download,
    terminal: null,
    // Short enough to take a dead holder's lock over quickly, long enough that a busy machine
    // (event-loop stalls of most of a second) does not make the holder lose it and reopen a socket.
    lockTtlMs: 2000,
    reconnect: { baseMs: 20, maxMs: 200 },
    ...opts,
  });
}

type AppOptions = WhatsAppAdapterOptions & {
  queuePrefix?: string;
  /** false: no outbox workers of the app's own, as with ROLE=bot. */
  workers?: boolean;
};

/** The app with a WhatsApp adapter on the fake network, receiving. */
export async function startWhatsApp(
  database: Database,
  config: Config,
  wa: FakeWhatsApp,
  opts: AppOptions = {},
): Promise<{ app: App; adapter: WhatsAppAdapter }> {
  const { queuePrefix, workers, ...adapterOpts } = opts;
  const adapter = fakeAdapter(config, wa, adapterOpts);
  const app = await testApp(database, config, {
    adapters: [adapter],
    receive: true,
    retryDelayMs: 50,
    ...(queuePrefix ? { queuePrefix } : {}),
    ...(workers === undefined ? {} : { workers }),
  });
  return { app, adapter };
}

/** The same, once its first socket is open. */
export async function whatsappApp(
  database: Database,
  config: Config,
  wa: FakeWhatsApp,
  opts: AppOptions = {},
): Promise<{ app: App; adapter: WhatsAppAdapter }> {
  const started = await startWhatsApp(database, config, wa, opts);
  await stateIs(started.app, 'connected');
  return started;
}

/** Waits for channel_states to show WhatsApp in `state`; returns the row. */
export function stateIs(app: App, state: string) {
  return eventually(`whatsapp to be ${state}`, async () => {
    const [row] = await app.database.db.select().from(channelStates).where(eq(channelStates.channel, 'whatsapp'));
    return row?.state === state ? row : undefined;
  });
}

/** Drops the current socket with `code` and waits until a new one is connected. */
export async function reconnectAfter(app: App, wa: FakeWhatsApp, code: number): Promise<void> {
  const before = wa.sockets.length;
  wa.current.drop(code);
  await wa.socket(before);
  await stateIs(app, 'connected');
}

/** One person on WhatsApp writing to the service, and reading what comes back. */
export class WhatsAppPerson {
  #seen = 0;

  constructor(
    private readonly app: App,
    private readonly wa: FakeWhatsApp,
    /** The phone JID: the chat's address, where answers go. */
    readonly jid: string,
    /** Writes as this LID instead, when set. */
    private readonly as?: string,
  ) {}

  received(): Sent[] {
    return this.wa.sentTo(this.jid);
  }

  /** What arrived since the last call, as texts. */
  fresh(): string[] {
    const all = this.received();
    const out = all.slice(this.#seen);
    this.#seen = all.length;
    return out.map(textOf);
  }

  lastText(): string {
    const last = this.received().at(-1);
    if (!last) throw new Error('nothing received');
    return textOf(last);
  }

  async say(text: string, opts: { id?: string; quoting?: string } = {}): Promise<string[]> {
    const message = textMessage(this.as ?? this.jid, text, opts);
    this.wa.current.receive(message);
    return this.settle(message.key.id ?? '');
  }

  /** Answers the latest numbered menu with the number of the item whose label contains `label`. */
  async choose(label: string): Promise<string[]> {
    return this.say(String(this.numberOf(label)));
  }

  numberOf(label: string): number {
    for (const sent of [...this.received()].reverse()) {
      for (const line of textOf(sent).split('\n')) {
        const item = /^(\d+)\. (.+)$/.exec(line);
        if (item?.[2]?.toLowerCase().includes(label.toLowerCase())) return Number(item[1]);
      }
    }
    throw new Error(`no menu item "${label}" in ${JSON.stringify(this.received().map(textOf))}`);
  }

  async sendPhoto(bytes: Buffer): Promise<string[]> {
    const message = imageMessage(this.as ?? this.jid, bytes, this.wa);
    this.wa.current.receive(message);
    return this.settle(message.key.id ?? '');
  }

  async sendDocument(name: string, bytes: Buffer): Promise<string[]> {
    const message = documentMessage(this.as ?? this.jid, name, bytes, this.wa);
    this.wa.current.receive(message);
    return this.settle(message.key.id ?? '');
  }

  /** Waits until the flows took message `id` and the outbox delivered every answer to this chat. */
  async settle(id: string): Promise<string[]> {
    const db = this.app.database.db;
    const key = `wa:${this.as ?? this.jid}:${id}`;
    await eventually(`the flows to take ${key}`, () => inboundKeyTaken(db, 'whatsapp', key));
    await this.delivered();
    return this.fresh();
  }

  /** Waits until nothing is pending for this chat. */
  async delivered(): Promise<void> {
    await eventually(`the outbox to deliver to ${this.jid}`, async () => {
      const pending = await this.app.database.db
        .select({ id: messages.id })
        .from(messages)
        .where(and(eq(messages.address, this.jid), eq(messages.status, 'pending')));
      return pending.length === 0;
    });
  }
}
