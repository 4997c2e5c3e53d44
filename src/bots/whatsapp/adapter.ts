import { isJidBroadcast, isJidGroup, isJidNewsletter, jidNormalizedUser } from '@whiskeysockets/baileys';
import type { Worker } from 'bullmq';
import type { Config } from '../../config.js';
import { AttachmentStore } from '../../files/index.js';
import { Lease } from '../../jobs/index.js';
import { zoneOf } from '../../sop/index.js';
import type { ChannelAdapter, ChannelHost } from '../adapter.js';
import { WebChannel } from '../web-channel.js';
import { ackOfStanza, acksOfUpdate } from './acks.js';
import { baileysLogger } from './baileys-logger.js';
import { WhatsAppChannel } from './channel.js';
import { CHANNEL } from './channel-name.js';
import { ChannelStatus } from './channel-status.js';
import { chatRefs } from './chat-ref.js';
import { ColdCap } from './cold-cap.js';
import { Connection, type ReconnectOptions } from './connection.js';
import { WhatsAppContacts } from './contacts.js';
import { DecryptErrors } from './decrypt-errors.js';
import { Deliveries } from './deliveries.js';
import { errorText } from './error-text.js';
import { releaseHeld } from './held-release.js';
import { baileysDownload, type MediaDownload } from './media.js';
import { OfferedChoices } from './offered-choices.js';
import { takePairRequest } from './pair-request.js';
import { Pairing, type Terminal } from './pairing.js';
import { Receiver } from './receiver.js';
import { Rerouter } from './reroute.js';
import { Sender } from './sender.js';
import { SentMessages } from './sent-messages.js';
import { baileysSocket, type SocketFactory } from './socket.js';

export interface WhatsAppAdapterOptions {
  /** Opens a socket; default Baileys' own (baileysSocket). Tests pass a fake one. */
  readonly connect?: SocketFactory;
  /** Fetches the photos and documents people send; default Baileys' downloadMediaMessage. */
  readonly download?: MediaDownload;
  /** Where the pairing QR code is printed; default stderr, since stdout carries the JSON log. */
  readonly terminal?: Terminal;
  /** How long a dead holder keeps the socket lock; default 30 000 ms (see Lease). */
  readonly lockTtlMs?: number;
  /** Backoff between reconnects; default 1 s doubling to 60 s. */
  readonly reconnect?: ReconnectOptions;
  /**
   * How often the socket's holder looks for sends past their ack bound and for the console's
   * request to pair again; default 2000 ms.
   */
  readonly housekeepingMs?: number;
  /** The random source of the jitter between sends; default Math.random. */
  readonly random?: () => number;
}

/** The auth state's row prefix in whatsapp_auth: one linked device per service. */
const SESSION = 'default';

interface Running {
  readonly lock: Lease;
  readonly connection: Connection;
  readonly receiver: Receiver;
  readonly status: ChannelStatus;
  /** Closes the outbox worker this process runs while it holds the socket. */
  readonly stopSending: () => Promise<void>;
  readonly housekeeping: NodeJS.Timeout;
}

/**
 * WhatsApp through Baileys, as a linked device of an ordinary number. Whichever process holds the
 * Redis lock opens the socket; its messages go to the flows, and the outbox sends through it.
 */
export class WhatsAppAdapter implements ChannelAdapter {
  readonly channel: WhatsAppChannel;
  // Only the socket's holder can send: it alone runs WhatsApp's outbox worker (see ChannelAdapter).
  readonly sendsFromHolderOnly = true;
  #running: Running | undefined;

  constructor(
    private readonly config: Config,
    private readonly opts: WhatsAppAdapterOptions = {},
  ) {
    this.channel = new WhatsAppChannel(config);
  }

  async start(app: ChannelHost): Promise<void> {
    if (this.#running) return;
    const { config } = this;
    const db = app.database.db;
    const log = app.log.child({ channel: CHANNEL });
    const groups = new Set(config.WHATSAPP_GROUPS);
    const chatRef = chatRefs(app.signer);
    const status = new ChannelStatus(db, log, CHANNEL);
    const offered = new OfferedChoices(app.connection, app.prefix);
    const contacts = new WhatsAppContacts(db, chatRef, log);
    const decryptErrors = new DecryptErrors();
    const baileysLog = baileysLogger(log);
    const zone = zoneOf(config.TZ_DEFAULT);
    const sent = new SentMessages(db);
    const rerouter = new Rerouter({
      db,
      redis: app.connection,
      prefix: app.prefix,
      channels: new Set(app.channels.keys()),
      queue: (id, channel) => app.queues.addMessage(id, channel),
      defaultUnit: config.DEFAULT_UNIT,
      zone,
      webOpen: async (address) => {
        const web = app.channels.get('web');
        return web instanceof WebChannel ? web.reaches(address) : false;
      },
      byEmail: (id) => app.emailFallback.instead(id),
      log,
    });
    const deliveries = new Deliveries({
      db,
      log,
      ackTimeoutMs: config.WHATSAPP_ACK_TIMEOUT_MS,
      requeue: (id) => app.queues.resendMessage(id, CHANNEL),
      refused: (row) => rerouter.reroute(row),
    });

    const receiver = new Receiver({
      db,
      handle: (inbound) => app.flows.handle(inbound),
      admit: (sender) => app.senderLimit.admit(sender),
      contacts,
      offered,
      attachments: new AttachmentStore({
        db,
        dataDir: config.DATA_DIR,
        minFreeBytes: config.UPLOAD_MIN_FREE_MB * 1024 * 1024,
      }),
      download: this.opts.download ?? baileysDownload(baileysLog),
      groups,
      log,
      chatRef,
      wrote: (address) => releaseHeld(db, app.queues, address),
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
      getMessage: (key) => sent.content(key.id),
      // Not even decrypted: status updates, broadcast lists, channels and groups nobody configured.
      shouldIgnoreJid: (jid) =>
        isJidBroadcast(jid) === true ||
        isJidNewsletter(jid) === true ||
        (isJidGroup(jid) === true && !groups.has(jidNormalizedUser(jid))),
      onEvents: (socket, events) => {
        const upsert = events['messages.upsert'];
        if (upsert) receiver.accept(socket, upsert);
        const updates = events['messages.update'];
        if (updates) void deliveries.accept(acksOfUpdate(updates));
        const mapping = events['lid-mapping.update'];
        if (mapping) {
          void contacts
            .remember(mapping.lid, mapping.pn)
            .catch((err: unknown) => log.warn({ err: errorText(err) }, 'whatsapp LID mapping not saved'));
        }
      },
      onAck: (node) => {
        const ack = ackOfStanza(node);
        if (ack) void deliveries.accept([ack]);
      },
      ...(this.opts.reconnect ? { reconnect: this.opts.reconnect } : {}),
    });
    const sender: Sender = new Sender({
      db,
      connection,
      offered,
      groups,
      typingMs: config.WHATSAPP_TYPING_MS,
      jitterMs: config.WHATSAPP_JITTER_MS,
      sent,
      deliveries,
      coldCap: new ColdCap({
        redis: app.connection,
        key: `${app.prefix}:whatsapp:cold`,
        cap: config.WHATSAPP_DAILY_COLD_CAP,
        zone,
      }),
      status,
      log,
      chatRef,
      ...(this.opts.random ? { random: this.opts.random } : {}),
    });

    const lock = new Lease({
      redis: app.connection,
      key: `${app.prefix}:whatsapp:lock`,
      what: 'whatsapp socket',
      log,
      ...(this.opts.lockTtlMs ? { ttlMs: this.opts.lockTtlMs } : {}),
    });
    this.channel.attach(sender, () => lock.held && connection.active);
    // WhatsApp's messages are drawn from the queue only while this process holds the socket, whatever
    // ROLE says: a worker elsewhere could only put them back, and kept the holder's worker waiting.
    let worker: Worker | undefined;
    const startSending = () => {
      worker ??= app.outboxWorker(this.channel);
    };
    const stopSending = async () => {
      const closing = worker;
      worker = undefined;
      await closing?.close();
    };
    let tidying = false;
    const housekeeping = setInterval(() => {
      if (tidying || !lock.held) return;
      tidying = true;
      void this.#tidy(app, connection, deliveries)
        .catch((err: unknown) => log.warn({ err: errorText(err) }, 'whatsapp housekeeping failed'))
        .finally(() => {
          tidying = false;
        });
    }, this.opts.housekeepingMs ?? 2000);
    housekeeping.unref();
    this.#running = { lock, connection, receiver, status, stopSending, housekeeping };
    await lock.start({
      acquired: () => {
        startSending();
        return connection.start();
      },
      // The socket goes at once (another process may be opening its own); sends in hand then find
      // no socket and go back to the queue for the new holder.
      lost: async () => {
        await connection.stop();
        await stopSending();
      },
    });
  }

  async stop(): Promise<void> {
    const running = this.#running;
    if (!running) return;
    this.#running = undefined;
    const { lock, connection, receiver, status, stopSending, housekeeping } = running;
    clearInterval(housekeeping);
    await lock.stop();
    this.channel.attach(undefined);
    await stopSending();
    const held = lock.held;
    await connection.stop();
    await receiver.drain();
    if (held) await status.set('stopped');
    await lock.release();
  }

  /** Sends past their ack bound while the socket is open; the console's request to pair again once it stopped. */
  async #tidy(app: ChannelHost, connection: Connection, deliveries: Deliveries): Promise<void> {
    if (connection.socket) await deliveries.sweep();
    if (!connection.halted) return;
    const request = await takePairRequest(app.connection, app.prefix);
    if (request) await connection.pairAgain(request);
  }
}
