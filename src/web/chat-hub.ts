import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { webPresenceKey, webTopic } from '../bots/index.js';
import type { Logger } from '../log.js';
import type { OutgoingMessage } from '../outbox/index.js';

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
  /**
   * A plain connection to record which chats have a page open, so a case update to a chat with
   * none is also sent by email. Unset: nothing is recorded (and every update would be emailed).
   */
  readonly presence?: Redis;
}

/** How long an open page counts without being refreshed; refreshed at a third of it. */
const PRESENCE_MS = 90_000;

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
  readonly #presence: Redis | undefined;
  readonly #prefix: string;
  readonly #pages = new Map<ChatListener, { address: string; id: string }>();
  #refresh: NodeJS.Timeout | undefined;

  constructor(opts: WebChatHubOptions) {
    this.#subscriber = opts.subscriber;
    this.#log = opts.log;
    this.#pattern = webTopic(opts.prefix.replace(/[*?[\]\\]/g, '\\$&'), '*');
    this.#topicStart = webTopic(opts.prefix, '').length;
    this.#presence = opts.presence;
    this.#prefix = opts.prefix;
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
    if (this.#presence) {
      this.#refresh = setInterval(() => {
        for (const page of this.#pages.values()) this.#mark(page.address, page.id);
      }, PRESENCE_MS / 3);
      this.#refresh.unref();
    }
  }

  #mark(address: string, id: string): void {
    const key = webPresenceKey(this.#prefix, address);
    const now = Date.now();
    void this.#presence
      ?.multi()
      .zremrangebyscore(key, '-inf', now)
      .zadd(key, now + PRESENCE_MS, id)
      .pexpire(key, PRESENCE_MS)
      .exec()
      .catch((err: Error) => this.#log.warn({ err: err.message }, 'recording an open chat page failed'));
  }

  /** Starts handing the chat's messages to the listener; call the returned function to stop. */
  listen(address: string, listener: ChatListener): () => void {
    let set = this.#listeners.get(address);
    if (!set) {
      set = new Set();
      this.#listeners.set(address, set);
    }
    set.add(listener);
    const page = { address, id: randomUUID() };
    this.#pages.set(listener, page);
    this.#mark(address, page.id);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.#listeners.get(address) === set) this.#listeners.delete(address);
      this.#pages.delete(listener);
      void this.#presence
        ?.zrem(webPresenceKey(this.#prefix, address), page.id)
        .catch((err: Error) => this.#log.warn({ err: err.message }, 'recording a closed chat page failed'));
    };
  }

  async close(): Promise<void> {
    clearInterval(this.#refresh);
    this.#listeners.clear();
    this.#pages.clear();
    await this.#subscriber.quit().catch(() => this.#subscriber.disconnect());
  }
}
