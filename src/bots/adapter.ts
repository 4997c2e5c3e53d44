import type { FastifyInstance } from 'fastify';
import type { App } from '../app.js';
import type { Channel } from './channel.js';

/**
 * A chat platform: its outbound side is a Channel the outbox sends through; its inbound side
 * turns the platform's updates into Inbound messages for app.flows. It decides nothing itself.
 */
export interface ChannelAdapter {
  readonly channel: Channel;
  /**
   * Called once in every process (whatever ROLE says) as soon as the app is built, before start and
   * registerRoutes: gives the outbound side what sending needs (database, documents, Redis), since
   * outbox workers may run in a process that never starts receiving.
   */
  attach?(app: App): void;
  /** Starts receiving (long polling, a socket…). Called in processes with ROLE all or bot. */
  start(app: App): Promise<void>;
  /** Stops receiving; messages not yet handed over stay with the platform, to be redelivered. */
  stop(): Promise<void>;
  /** HTTP routes the platform calls (a webhook), mounted by the web part. */
  registerRoutes?(fastify: FastifyInstance, app: App): Promise<void>;
}
