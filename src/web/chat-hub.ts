import type { Redis } from 'ioredis';
import type { OutgoingMessage } from '../bots/channel.js';
import { webTopic } from '../bots/web-channel.js';
import type { Logger } from '../log.js';

/** One open page (an SSE stream) of a web chat. */
export interface ChatListener {
  message(message: OutgoingMessage): void;
  /** Messages may have been missed (Redis reconnected): the page should reload its history. */
  resync(): void;
}

export interface WebChatHubOptions {
  /** A connection of its own: a subscribed Redis connection can do nothing else. */
  readonly subscriber: Redis;
  /** Redis key prefix of the app (App.prefix), the same the WebChannel publishes under. */
  readonly prefix: string;
  readonly log: Logger;
}

/**
 * Receives what WebChannel publishes, from any process, and hands each message to the pages open
 * on that chat in this process. One pattern subscription serves every chat, so opening a page
 * costs no Redis round trip.
 */
export class WebChatHub {
  readonly #subscriber: Redis;
  readonly #pattern: string;
  readonly #topicStart: number;
  readonly #log: Logger;
  readonly #listeners = new Map<string, Set<ChatListener>>();

  constructor(opts: WebChatHubOptions) {
    this.#subscriber = opts.subscriber;
    this.#log = opts.log;
    this.#pattern = webTopic(opts.prefix.replace(/[*?[\]\\]/g, '\\$&'), '*');
    this.#topicStart = webTopic(opts.prefix, '').length;
  }

  async start(): Promise<void> {
    this.#subscriber.on('error', (err: Error) => this.#log.warn({ err: err.message }, 'web chat subscriber error'));
    this.#subscriber.on('pmessage', (_pattern: string, topic: string, payload: string) => {
      const listeners = this.#listeners.get(topic.slice(this.#topicStart));
      if (!listeners) return;
      let message: OutgoingMessage;
      try {
        message = JSON.parse(payload) as OutgoingMessage;
      } catch {
        this.#log.warn('web chat message is not JSON; dropped');
        return;
      }
      for (const l of listeners) l.message(message);
    });
    await this.#subscriber.psubscribe(this.#pattern);
    // ioredis subscribes again by itself after a reconnect, but what was published meanwhile is gone.
    this.#subscriber.on('ready', () => {
      for (const set of this.#listeners.values()) for (const l of set) l.resync();
    });
  }

  /** Starts handing the chat's messages to the listener; call the returned function to stop. */
  listen(address: string, listener: ChatListener): () => void {
    let set = this.#listeners.get(address);
    if (!set) {
      set = new Set();
      this.#listeners.set(address, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.#listeners.get(address) === set) this.#listeners.delete(address);
    };
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    await this.#subscriber.quit().catch(() => this.#subscriber.disconnect());
  }
}
