import type { Config } from '../../config.js';
import type { Channel, ChannelLimits, OutgoingMessage } from '../../outbox/index.js';
import { ChannelRateLimitedError } from '../../outbox/index.js';
import { CHANNEL } from './channel-name.js';
import type { Sender } from './sender.js';

// How soon a message is offered again when the socket is in another process.
const ELSEWHERE_RETRY_MS = 2_000;

/**
 * WhatsApp as the outbox sees it. Only the process holding the socket can send, and only it runs
 * WhatsApp's outbox worker (see WhatsAppAdapter). A send that worker still had in hand as the
 * socket was handed over goes back to the queue, its BullMQ attempts untouched, for the new holder.
 */
export class WhatsAppChannel implements Channel {
  readonly name = CHANNEL;
  readonly limits: ChannelLimits;
  #sender: Sender | undefined;
  #holding: () => boolean = () => false;

  constructor(config: Pick<Config, 'WHATSAPP_RATE_PER_SECOND' | 'WHATSAPP_CHAT_INTERVAL_MS'>) {
    this.limits = { perSecond: config.WHATSAPP_RATE_PER_SECOND, perChatIntervalMs: config.WHATSAPP_CHAT_INTERVAL_MS };
  }

  /** Set by the adapter when it starts: sends go through `sender` while `holding()` says the socket is ours. */
  attach(sender: Sender | undefined, holding: () => boolean = () => false): void {
    this.#sender = sender;
    this.#holding = holding;
  }

  async send(message: OutgoingMessage): Promise<void> {
    if (!this.#sender || !this.#holding()) throw new ChannelRateLimitedError(ELSEWHERE_RETRY_MS);
    await this.#sender.send(message);
  }
}
