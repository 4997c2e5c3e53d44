import type { Logger } from '../log.js';
import type { Channel, ChannelLimits, OutgoingMessage } from '../outbox/index.js';

/**
 * A channel that writes each send to the log (ids only, no text) and keeps the latest messages in
 * memory, for tests and for running the engine with no chat configured.
 */
export class LogChannel implements Channel {
  readonly name = 'log';
  readonly sent: OutgoingMessage[] = [];

  constructor(
    private readonly log: Logger,
    readonly limits: ChannelLimits = {
      perSecond: 10_000,
      perChatIntervalMs: 0,
      yieldsToTimers: true,
      sendsAtOnce: true,
    },
  ) {}

  async send(message: OutgoingMessage): Promise<void> {
    // A service left running on it must not keep every message it ever sent.
    if (this.sent.length >= KEPT) this.sent.splice(0, KEPT / 2);
    this.sent.push(message);
    this.log.info({ channel: this.name, messageId: message.id, choices: message.choices.length }, 'message sent');
  }
}

/** The messages kept at most: the latest, which is what tests read. */
const KEPT = 10_000;
