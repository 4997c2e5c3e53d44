import { isJidBroadcast, isJidGroup, isJidNewsletter, jidNormalizedUser, type proto } from '@whiskeysockets/baileys';
import type { Worker } from 'bullmq';
import type { App } from '../../app.js';
import type { Config } from '../../config.js';
import { startOutboxWorker } from '../../jobs/outbox-worker.js';
import { outboxQueueName } from '../../jobs/queues.js';
import { AttachmentStore } from '../../web/attachment-store.js';
import type { ChannelAdapter } from '../adapter.js';
import { baileysLogger } from './baileys-logger.js';
import { CHANNEL, WhatsAppChannel } from './channel.js';
import { ChannelStatus } from './channel-status.js';
import { chatRefs } from './chat-ref.js';
import { Connection, type ReconnectOptions } from './connection.js';
import { WhatsAppContacts } from './contacts.js';
import { DecryptErrors } from './decrypt-errors.js';
import { errorText } from './error-text.js';
import { baileysDownload, type MediaDownload } from './media.js';
import { OfferedChoices } from './offered-choices.js';
import { Pairing, type Terminal } from './pairing.js';
import { Receiver } from './receiver.js';
import { Sender } from './sender.js';
import { baileysSocket, type SocketFactory } from './socket.js';
import { SocketLock } from './socket-lock.js';

export interface WhatsAppAdapterOptions {
  /** Opens a socket; default Baileys' own (baileysSocket). Tests pass a fake one. */
  readonly connect?: SocketFactory;
  /** Fetches the photos and documents people send; default Baileys' downloadMediaMessage. */
  readonly download?: MediaDownload;
  /** Where the pairing QR code is printed; default stderr, since stdout carries the JSON log. */
  readonly terminal?: Terminal;
  /** How long a dead holder keeps the socket lock; default 30 000 ms (see SocketLock). */
  readonly lockTtlMs?: number;
  /** Backoff between reconnects; default 1 s doubling to 60 s. */
  readonly reconnect?: ReconnectOptions;
}

/** The auth state's row prefix in whatsapp_auth: one linked device per service. */
const SESSION = 'default';

interface Running {
  readonly lock: SocketLock;
  readonly connection: Connection;
  readonly receiver: Receiver;
  readonly status: ChannelStatus;
  readonly worker: Worker | undefined;
}

/**
 * WhatsApp through Baileys, as a linked device of an ordinary number. Whichever process holds the
 * Redis lock opens the socket; its messages go to the flows, and the outbox sends through it.
 */
export class WhatsAppAdapter implements ChannelAdapter {
  readonly channel: WhatsAppChannel;
  #running: Running | undefined;

  constructor(
    private readonly config: Config,
    private readonly opts: WhatsAppAdapterOptions = {},
  ) {
    this.channel = new WhatsAppChannel(config);
  }

  async start(app: App): Promise<void> {
    if (this.#running) return;
    const { config } = this;
    const db = app.database.db;
    const log = app.log.child({ channel: CHANNEL });
    const groups = new Set(config.WHATSAPP_GROUPS);
    const chatRef = chatRefs(app.signer);
    const status = new ChannelStatus(db, log, CHANNEL);
    const offered = new OfferedChoices(app.connection, app.prefix);
    const contacts = new WhatsAppContacts(db);
    const decryptErrors = new DecryptErrors();
    const baileysLog = baileysLogger(log);

    const receiver = new Receiver({
      db,
      handle: (inbound) => app.flows.handle(inbound),
      contacts,
      offered,
      attachments: new AttachmentStore({ db, dataDir: config.DATA_DIR }),
      download: this.opts.download ?? baileysDownload(baileysLog),
      groups,
      log,
      chatRef,
      undecryptable: (error) => {
        const { count, alarm } = decryptErrors.record();
        if (alarm) {
          log.warn({ count }, 'whatsapp: many messages could not be decrypted; the session may be broken');
        }
        void status.note(
          { decryptErrors: count },
          alarm
            ? `${count} messages could not be decrypted in ${decryptErrors.windowMs / 60_000} minutes (last: ${error}). If it goes on, pair the device again.`
            : undefined,
        );
      },
    });
    const connection: Connection = new Connection({
      db,
      session: SESSION,
      connect: this.opts.connect ?? baileysSocket,
      status,
      pairing: new Pairing(status, log, this.opts.terminal === undefined ? process.stderr : this.opts.terminal),
      log,
      baileysLog,
      pairingPhone: config.WHATSAPP_PAIRING_PHONE,
      getMessage: async (key): Promise<proto.IMessage | undefined> => sender.recentMessage(key.id),
      // Not even decrypted: status updates, broadcast lists, channels and groups nobody configured.
      shouldIgnoreJid: (jid) =>
        isJidBroadcast(jid) === true ||
        isJidNewsletter(jid) === true ||
        (isJidGroup(jid) === true && !groups.has(jidNormalizedUser(jid))),
      onEvents: (socket, events) => {
        const upsert = events['messages.upsert'];
        if (upsert) receiver.accept(socket, upsert);
        const mapping = events['lid-mapping.update'];
        if (mapping) {
          void contacts
            .remember(mapping.lid, mapping.pn)
            .catch((err: unknown) => log.warn({ err: errorText(err) }, 'whatsapp LID mapping not saved'));
        }
      },
      ...(this.opts.reconnect ? { reconnect: this.opts.reconnect } : {}),
    });
    const sender: Sender = new Sender({
      db,
      connection,
      offered,
      groups,
      typingMs: config.WHATSAPP_TYPING_MS,
      log,
      chatRef,
    });

    const lock = new SocketLock({
      redis: app.connection,
      key: `${app.prefix}:whatsapp:lock`,
      log,
      ...(this.opts.lockTtlMs ? { ttlMs: this.opts.lockTtlMs } : {}),
    });
    this.channel.attach(sender, () => lock.held && connection.active);
    // ROLE=bot runs no outbox workers, yet only this process can send: it runs WhatsApp's own.
    const worker = app.workers.some((w) => w.name === outboxQueueName(CHANNEL))
      ? undefined
      : startOutboxWorker({
          db,
          channel: this.channel,
          connection: app.connection,
          prefix: app.prefix,
          log: app.log,
          signer: app.signer,
          defaultZone: config.TZ_DEFAULT,
        });
    this.#running = { lock, connection, receiver, status, worker };
    await lock.start({ acquired: () => connection.start(), lost: () => connection.stop() });
  }

  async stop(): Promise<void> {
    const running = this.#running;
    if (!running) return;
    this.#running = undefined;
    const { lock, connection, receiver, status, worker } = running;
    await lock.stop();
    this.channel.attach(undefined);
    await worker?.close();
    const held = lock.held;
    await connection.stop();
    await receiver.drain();
    if (held) await status.set('stopped');
    await lock.release();
  }
}
