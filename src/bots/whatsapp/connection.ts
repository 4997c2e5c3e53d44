import type { BaileysEventMap, BinaryNode, ConnectionState } from '@whiskeysockets/baileys';
import type { Db } from '../../db/index.js';
import type { Logger } from '../../log.js';
import { loadAuthState, type StoredAuthState } from './auth-state.js';
import type { BaileysLogger } from './baileys-logger.js';
import type { ChannelStatus } from './channel-status.js';
import { afterDisconnect, reconnectDelay, statusCodeOf } from './disconnect.js';
import { errorText } from './error-text.js';
import { MemoryCache } from './memory-cache.js';
import type { Pairing } from './pairing.js';
import type { SocketFactory, SocketOptions, WhatsAppSocket } from './socket.js';

export interface ReconnectOptions {
  /** First wait after a dropped connection; default 1000 ms, doubled at each failure. */
  readonly baseMs?: number;
  /** Longest wait between tries; default 60 000 ms. */
  readonly maxMs?: number;
}

export interface ConnectionOptions {
  readonly db: Db;
  /** whatsapp_auth.session: one linked device. */
  readonly session: string;
  readonly connect: SocketFactory;
  readonly status: ChannelStatus;
  readonly pairing: Pairing;
  readonly log: Logger;
  readonly baileysLog: BaileysLogger;
  /** WHATSAPP_PAIRING_PHONE: pair by code for this number rather than by QR. */
  readonly pairingPhone: string | undefined;
  readonly getMessage: SocketOptions['getMessage'];
  readonly shouldIgnoreJid: SocketOptions['shouldIgnoreJid'];
  /** Every batch of events from the current socket (messages, LID mappings…). */
  readonly onEvents: (socket: WhatsAppSocket, events: Partial<BaileysEventMap>) => void;
  /** Each server ack stanza of a message this device sent (`CB:ack,class:message`). */
  readonly onAck?: (node: BinaryNode) => void;
  readonly reconnect?: ReconnectOptions;
}

/**
 * One WhatsApp connection, held while this process holds the socket lock: opens a socket, saves
 * its creds, shows the pairing, and after a close reconnects at once (515), later with backoff, or
 * not at all when the close is final (logged out, replaced, refused: see afterDisconnect).
 */
export class Connection {
  readonly #opts: ConnectionOptions;
  readonly #retryCounts = new MemoryCache(3600_000);
  #auth: StoredAuthState | undefined;
  #current: WhatsAppSocket | undefined;
  #open = false;
  #active = false;
  #generation = 0;
  #attempt = 0;
  #timer: NodeJS.Timeout | undefined;
  #qrShown = false;
  #pairingAsked = false;
  #pairingPhone: string | undefined;
  /** Stopped for good (logged out, replaced…) until an admin pairs again. */
  #halted = false;
  #saving: Promise<void> = Promise.resolve();

  constructor(opts: ConnectionOptions) {
    this.#opts = opts;
    this.#pairingPhone = opts.pairingPhone;
  }

  /** True after a final close (401, 440, 403…), until pairAgain. */
  get halted(): boolean {
    return this.#halted;
  }

  /**
   * An admin asked from the console to pair again (`fresh`: the old pairing is forgotten, so a new
   * QR code shows, or a pairing code for `phone`) or to reconnect on the same pairing (after 440).
   * Only after a final close; returns whether it started.
   */
  async pairAgain(request: { readonly fresh: boolean; readonly phone?: string | undefined }): Promise<boolean> {
    if (!this.#active || !this.#halted) return false;
    this.#halted = false;
    this.#attempt = 0;
    if (request.phone) this.#pairingPhone = request.phone;
    this.#opts.log.info(
      { fresh: request.fresh, byCode: Boolean(request.phone) },
      'whatsapp connecting again, asked from the console',
    );
    const generation = ++this.#generation;
    if (request.fresh) {
      await this.#saving;
      await (await loadAuthState(this.#opts.db, this.#opts.session)).clear();
    }
    await this.#load(generation);
    return true;
  }

  /** The socket while it is open; undefined while connecting, reconnecting, stopped or logged out. */
  get socket(): WhatsAppSocket | undefined {
    return this.#open ? this.#current : undefined;
  }

  /** True from start to stop, also while reconnecting or logged out: sends wait here, not elsewhere. */
  get active(): boolean {
    return this.#active;
  }

  async start(): Promise<void> {
    this.#active = true;
    this.#halted = false;
    this.#attempt = 0;
    await this.#load(++this.#generation);
  }

  async #load(generation: number): Promise<void> {
    let auth: StoredAuthState;
    try {
      auth = await loadAuthState(this.#opts.db, this.#opts.session);
    } catch (err) {
      // Holding the lock without a socket would keep every other process out: try again.
      if (generation === this.#generation) this.#retryLater(undefined, errorText(err), () => this.#load(generation));
      return;
    }
    if (generation !== this.#generation) return;
    this.#auth = auth;
    await this.#connect();
  }

  /** Closes the socket and waits for the creds it saved last. */
  async stop(): Promise<void> {
    this.#active = false;
    this.#generation++;
    clearTimeout(this.#timer);
    const socket = this.#current;
    this.#current = undefined;
    this.#open = false;
    await socket?.end(undefined).catch(() => {});
    await this.#saving;
  }

  async #connect(): Promise<void> {
    const generation = ++this.#generation;
    const auth = this.#auth;
    if (!auth) return;
    // A fresh socket must start from the creds the last one saved (after pairing, above all).
    await this.#saving;
    await this.#opts.status.set('connecting');
    let socket: WhatsAppSocket;
    try {
      socket = await this.#opts.connect({
        auth: auth.state,
        logger: this.#opts.baileysLog,
        getMessage: this.#opts.getMessage,
        shouldIgnoreJid: this.#opts.shouldIgnoreJid,
        msgRetryCounterCache: this.#retryCounts,
      });
    } catch (err) {
      if (generation === this.#generation) this.#retryLater(undefined, errorText(err), () => this.#connect());
      return;
    }
    if (generation !== this.#generation) {
      await socket.end(undefined).catch(() => {});
      return;
    }
    this.#current = socket;
    this.#qrShown = false;
    this.#pairingAsked = false;
    socket.ev.process((events) => this.#receive(socket, events));
    const onAck = this.#opts.onAck;
    if (onAck) {
      socket.ws.on('CB:ack,class:message', (node: BinaryNode) => {
        if (socket === this.#current) onAck(node);
      });
    }
  }

  async #receive(socket: WhatsAppSocket, events: Partial<BaileysEventMap>): Promise<void> {
    if (socket !== this.#current) return;
    try {
      const creds = events['creds.update'];
      if (creds) this.#saveCreds(creds);
      const update = events['connection.update'];
      if (update) await this.#onConnection(socket, update);
      if (socket === this.#current) this.#opts.onEvents(socket, events);
    } catch (err) {
      this.#opts.log.error({ err: errorText(err) }, 'whatsapp event handling failed');
    }
  }

  #saveCreds(update: BaileysEventMap['creds.update']): void {
    const auth = this.#auth;
    if (!auth) return;
    Object.assign(auth.state.creds, update);
    this.#saving = this.#saving
      .then(() => auth.saveCreds())
      .catch((err: unknown) => this.#opts.log.error({ err: errorText(err) }, 'whatsapp creds not saved'));
  }

  async #onConnection(socket: WhatsAppSocket, update: Partial<ConnectionState>): Promise<void> {
    const { log, status } = this.#opts;
    if (update.qr) await this.#showPairing(socket, update.qr);
    if (update.isNewLogin) log.info('whatsapp paired; reconnecting with the new pairing');
    if (update.connection === 'open') {
      this.#open = true;
      this.#attempt = 0;
      log.info('whatsapp connected');
      await status.set('connected', {}, null);
    }
    if (update.connection === 'close') await this.#onClose(update.lastDisconnect?.error);
  }

  async #showPairing(socket: WhatsAppSocket, qr: string): Promise<void> {
    const phone = this.#pairingPhone;
    if (!phone || this.#auth?.state.creds.registered) {
      await this.#opts.pairing.qr(qr, !this.#qrShown);
      this.#qrShown = true;
      return;
    }
    // Once per socket: each request pushes a notification to the phone.
    if (this.#pairingAsked) return;
    this.#pairingAsked = true;
    await this.#opts.pairing.code(await socket.requestPairingCode(phone));
  }

  async #onClose(error: Error | undefined): Promise<void> {
    this.#open = false;
    this.#current = undefined;
    if (!this.#active) return;
    const code = statusCodeOf(error);
    const next = afterDisconnect(code);
    if (next.action === 'reconnect_now') {
      this.#opts.log.info({ code }, 'whatsapp asked for a restart; reconnecting now');
      await this.#connect();
      return;
    }
    if (next.action === 'reconnect_later') {
      this.#retryLater(code, error?.message, () => this.#connect());
      return;
    }
    this.#halted = true;
    this.#opts.log.error({ code, state: next.state }, `whatsapp stopped: ${next.reason}`);
    await this.#opts.status.set(next.state, code ? { code } : {}, next.reason);
    if (!next.clearAuth) return;
    const auth = this.#auth;
    this.#auth = undefined;
    await this.#saving;
    await auth?.clear().catch((err: unknown) => {
      // Left as it is, the dead pairing is refused again at the next start, and cleared then.
      this.#opts.log.error({ err: errorText(err) }, 'whatsapp pairing not forgotten');
    });
  }

  #retryLater(code: number | undefined, reason: string | undefined, next: () => Promise<void>): void {
    const { baseMs = 1000, maxMs = 60_000 } = this.#opts.reconnect ?? {};
    const attempt = ++this.#attempt;
    const retryInMs = reconnectDelay(attempt - 1, baseMs, maxMs);
    const generation = this.#generation;
    this.#opts.log.warn({ code, attempt, retryInMs, reason }, 'whatsapp connection closed; reconnecting');
    void this.#opts.status.set(
      'reconnecting',
      { attempt, retryInMs, ...(code ? { code } : {}) },
      `connection closed${code ? ` (${code})` : ''}: ${reason ?? 'no reason given'}`,
    );
    this.#timer = setTimeout(() => {
      if (this.#active && generation === this.#generation) void next();
    }, retryInMs);
  }
}
