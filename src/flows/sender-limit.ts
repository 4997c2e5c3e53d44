import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { conversations, insertChatMessage } from '../db/index.js';
import { isLanguage, type Language, t } from '../i18n/index.js';
import type { RateWindow } from '../limits/index.js';
import type { Logger } from '../log.js';
import type { Signer } from '../signing.js';
import type { Inbound } from './inbound.js';
import type { ReplyQueue } from './runtime.js';

export interface SenderLimitDeps {
  readonly db: Db;
  readonly replies: ReplyQueue;
  readonly log: Logger;
  /** Names a sender in the logs by a keyed hash: chat ids and phone numbers stay out of them. */
  readonly signer: Signer;
  /** Messages per sender in a window (CHAT_MESSAGES_PER_MINUTE). */
  readonly window: RateWindow;
  /** Where each dropped message is counted, for the admins (Antrian & kanal). */
  readonly dropped: { count(channel: string, address: string): Promise<void> };
}

/** Who wrote, as the chat receivers know before they hand a message to the flows. */
export type Sender = Pick<Inbound, 'channel' | 'address' | 'replyTo' | 'languageHint'>;

/** A sender named in the logs (and on the console next to its dropped messages) by a keyed hash. */
export const senderLogRef = (signer: Signer, sender: Pick<Sender, 'channel' | 'address'>): string =>
  signer.sign(`sender-log:${sender.channel}:${sender.address}`, 10);

/**
 * The message limit of the chat platforms' receivers (Telegram, WhatsApp), per sender. A sender
 * past it has the rest of the window's messages dropped before anything is downloaded, stored or
 * run through the flows, so one flood does not hold up everyone else's replies; the first message
 * over the limit is answered, once a window, with a polite request to slow down. Every message
 * counts, the dropped ones too, so a flood that goes on stays limited.
 */
export class SenderLimit {
  constructor(private readonly deps: SenderLimitDeps) {}

  /** Counts a message from `sender`: true when it may go on to the flows. */
  async admit(sender: Sender): Promise<boolean> {
    const verdict = await this.deps.window.hit(`${sender.channel}:${sender.address}`);
    if (verdict.allowed) return true;
    await this.deps.dropped.count(sender.channel, sender.address);
    if (verdict.first) {
      const seconds = String(Math.ceil(verdict.retryAfterMs / 1000));
      const ref = senderLogRef(this.deps.signer, sender);
      this.deps.log.warn({ channel: sender.channel, sender: ref, seconds }, 'sender over the message limit; dropping');
      await this.#askToSlowDown(sender, seconds);
    }
    return false;
  }

  async #askToSlowDown(sender: Sender, seconds: string): Promise<void> {
    const { db, replies } = this.deps;
    const language = await this.#languageOf(sender);
    const queued = await db.transaction((tx) =>
      insertChatMessage(tx, sender.channel, sender.replyTo ?? sender.address, {
        caseId: null,
        instanceId: null,
        template: 'flow.text',
        params: { text: t(language, 'flow.slow_down', { seconds }) },
      }),
    );
    await replies.addMessage(queued.id, queued.channel);
  }

  async #languageOf(sender: Sender): Promise<Language> {
    const [row] = await this.deps.db
      .select({ language: conversations.language })
      .from(conversations)
      .where(and(eq(conversations.channel, sender.channel), eq(conversations.address, sender.address)));
    if (row && isLanguage(row.language)) return row.language;
    return sender.languageHint?.toLowerCase().startsWith('en') ? 'en' : 'id';
  }
}
