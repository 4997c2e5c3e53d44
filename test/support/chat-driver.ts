import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import type { App } from '../../src/app.js';
import { attachments, messages } from '../../src/db/schema.js';
import type { Channel, OutgoingMessage } from '../../src/outbox/channel.js';
import { eventually } from './app.js';

/** An in-process channel: what the service sends is kept per chat for the test to read. */
export class TestChannel implements Channel {
  readonly name = 'test';
  readonly limits = { perSecond: 1000, perChatIntervalMs: 0 };
  readonly inbox = new Map<string, OutgoingMessage[]>();

  async send(message: OutgoingMessage): Promise<void> {
    const list = this.inbox.get(message.address) ?? [];
    list.push(message);
    this.inbox.set(message.address, list);
  }
}

/** One person's chat with the service over the test channel. */
export class Chat {
  #seen = 0;

  constructor(
    private readonly app: App,
    private readonly channel: TestChannel,
    readonly address: string = `chat-${randomUUID().slice(0, 8)}`,
  ) {}

  /** Everything this chat received so far. */
  get received(): OutgoingMessage[] {
    return this.channel.inbox.get(this.address) ?? [];
  }

  /** The messages that arrived since the last call. */
  fresh(): OutgoingMessage[] {
    const all = this.received;
    const out = all.slice(this.#seen);
    this.#seen = all.length;
    return out;
  }

  last(): OutgoingMessage {
    const message = this.received.at(-1);
    if (!message) throw new Error(`${this.address} has received nothing`);
    return message;
  }

  async send(text: string, key: string = randomUUID()): Promise<OutgoingMessage[]> {
    await this.app.flows.handle({ channel: 'test', address: this.address, key, text });
    return this.settle();
  }

  /** Presses the button whose label contains `label`, on the latest message that has it. */
  async press(label: string): Promise<OutgoingMessage[]> {
    const choice = this.findChoice(label);
    await this.app.flows.handle({ channel: 'test', address: this.address, key: randomUUID(), choice: choice.value });
    return this.settle();
  }

  findChoice(label: string): { value: string; label: string } {
    for (const message of [...this.received].reverse()) {
      const choice = message.choices.find((c) => c.label.toLowerCase().includes(label.toLowerCase()));
      if (choice) return choice;
    }
    throw new Error(
      `${this.address}: no button "${label}" in ${JSON.stringify(this.received.map((m) => m.choices.map((c) => c.label)))}`,
    );
  }

  async sendFile(name: string, mime = 'application/pdf'): Promise<OutgoingMessage[]> {
    const id = randomUUID();
    await this.app.database.db
      .insert(attachments)
      .values({ id, name, mime, size: 4, sha256: 'test', uploadedBy: this.address });
    const uploads = join(this.app.config.DATA_DIR, 'uploads');
    await mkdir(uploads, { recursive: true });
    await writeFile(join(uploads, id), '%PDF');
    await this.app.flows.handle({
      channel: 'test',
      address: this.address,
      key: randomUUID(),
      attachment: { id, name, mime },
    });
    return this.settle();
  }

  /** Waits until the outbox has delivered everything addressed to this chat. */
  async settle(): Promise<OutgoingMessage[]> {
    await eventually(`the outbox to deliver to ${this.address}`, async () => {
      const pending = await this.app.database.db
        .select({ id: messages.id })
        .from(messages)
        .where(and(eq(messages.address, this.address), eq(messages.status, 'pending')));
      return pending.length === 0;
    });
    return this.fresh();
  }
}

export const texts = (list: readonly OutgoingMessage[]) => list.map((m) => m.text).join('\n---\n');
