import type { Redis } from 'ioredis';
import type { Channel, ChannelLimits, OutgoingMessage } from '../outbox/index.js';
import { ChannelUnreachableError } from '../outbox/index.js';

/** The Redis pub/sub channel a web chat's messages travel on, from the outbox worker to the web process. */
export const webTopic = (prefix: string, address: string) => `${prefix}:web:${address}`;

/**
 * The pages open on a web chat: a sorted set of page ids scored by when each stops counting
 * unless its web process refreshes it, so a process that died leaves no page open for ever.
 */
export const webPresenceKey = (prefix: string, address: string) => `${prefix}:webopen:${address}`;

/**
 * The built-in web chat. Sending publishes the message on Redis; whichever web process holds the
 * person's open page pushes it to the browser (see WebChatHub). Nobody listening is not a failure:
 * the message is in the history the page loads when it is opened again.
 */
export class WebChannel implements Channel {
  readonly name = 'web';
  // No platform to please, and a flood is stopped where it comes in (the web chat's limits per
  // chat and address). A low cap here hurt: BullMQ's limiter counts every job it hands out, those
  // put back behind their chat's older messages too, and after a Postgres restart a backlog of
  // web replies went out at under 500 a second, for over a minute.
  readonly limits: ChannelLimits = { perSecond: 10_000, perChatIntervalMs: 0, sendsAtOnce: true };

  constructor(
    private readonly publisher: Redis,
    /** Redis key prefix of the app (App.prefix). */
    readonly prefix: string,
  ) {}

  async send(message: OutgoingMessage): Promise<void> {
    try {
      await this.publisher.publish(webTopic(this.prefix, message.address), JSON.stringify(message));
    } catch (err) {
      throw new ChannelUnreachableError(`redis publish failed: ${(err as Error).message}`, { cause: err });
    }
  }

  /** A page of this chat is open somewhere: the person sees the message now. */
  async reaches(address: string): Promise<boolean> {
    const key = webPresenceKey(this.prefix, address);
    return (await this.publisher.zcount(key, Date.now(), '+inf')) > 0;
  }
}
