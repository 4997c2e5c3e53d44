import type { Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { Database } from '../db/index.js';
import type { DocumentStore } from '../files/index.js';
import type { FlowRuntime, SenderLimit } from '../flows/index.js';
import type { EmailFallback, JobQueues } from '../jobs/index.js';
import type { Logger } from '../log.js';
import type { Channel } from '../outbox/index.js';
import type { Signer } from '../signing.js';

/**
 * What a chat platform uses of the service. The App that app.ts builds has all of it; adapters
 * see only this, so they don't import the App that imports them.
 */
export interface ChannelHost {
  readonly config: Config;
  readonly log: Logger;
  readonly database: Database;
  readonly signer: Signer;
  readonly documents: DocumentStore;
  /** The conversations every channel hands its inbound messages to. */
  readonly flows: FlowRuntime;
  /** Messages per sender the receivers let through (CHAT_MESSAGES_PER_MINUTE). */
  readonly senderLimit: SenderLimit;
  readonly queues: JobQueues;
  readonly channels: ReadonlyMap<string, Channel>;
  readonly connection: Redis;
  /** Redis key prefix of the queues and of the web chat's pub/sub topics. */
  readonly prefix: string;
  /** Starts an outbox worker for `channel`, set up as the app sets up its own (links, fallbacks, alerts). */
  outboxWorker(channel: Channel): Worker;
  /** "This message by email instead", for a stakeholder their chat cannot reach. */
  readonly emailFallback: EmailFallback;
}

/**
 * A chat platform: its outbound side is a Channel the outbox sends through; its inbound side
 * turns the platform's updates into Inbound messages for host.flows. It decides nothing itself.
 */
export interface ChannelAdapter {
  readonly channel: Channel;
  /**
   * True when only the process holding the platform's connection can send (WhatsApp's one socket):
   * the adapter runs the channel's outbox worker itself (host.outboxWorker) while it holds the
   * connection, and no other process runs one. A worker that cannot send would otherwise draw the
   * channel's messages only to put them back, again and again, while the holder's worker waited.
   */
  readonly sendsFromHolderOnly?: boolean;
  /**
   * Called once in every process (whatever ROLE says) as soon as the app is built, before start and
   * registerRoutes: gives the outbound side what sending needs (database, documents, Redis), since
   * outbox workers may run in a process that never starts receiving.
   */
  attach?(host: ChannelHost): void;
  /** Starts receiving (long polling, a socket…). Called in processes with ROLE all or bot. */
  start(host: ChannelHost): Promise<void>;
  /** Stops receiving; messages not yet handed over stay with the platform, to be redelivered. */
  stop(): Promise<void>;
  /** HTTP routes the platform calls (a webhook), mounted by the web part. */
  registerRoutes?(fastify: FastifyInstance, host: ChannelHost): Promise<void>;
}
