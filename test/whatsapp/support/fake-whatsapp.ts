import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Boom } from '@hapi/boom';
import {
  type AnyMessageContent,
  type BinaryNode,
  DisconnectReason,
  makeEventBuffer,
  proto,
  type WAMessage,
  type WAPresence,
} from '@whiskeysockets/baileys';
import { pino } from 'pino';
import type { MediaDownload, SocketFactory, SocketOptions, WhatsAppSocket } from '../../../src/bots/whatsapp/index.js';
import { eventually } from '../../support/app.js';

/** A message the service sent, as the fake network saw it. */
export interface Sent {
  /** Which socket (0, 1, …) carried it. */
  readonly socket: number;
  readonly jid: string;
  readonly content: AnyMessageContent;
  readonly id: string;
  readonly at: number;
}

const silent = pino({ level: 'silent' });

/**
 * A socket faked at Baileys' boundary: Baileys' own event buffer carries connection.update,
 * creds.update, messages.upsert and messages.update; the websocket carries the server's ack
 * stanzas; sending records instead of going to WhatsApp.
 */
export class FakeSocket implements WhatsAppSocket {
  readonly ev = makeEventBuffer(silent);
  readonly ws = new EventEmitter();
  readonly presence: { type: WAPresence; jid: string | undefined; at: number }[] = [];
  readonly pairingRequests: string[] = [];
  ended = false;
  readonly signalRepository;

  constructor(
    private readonly network: FakeWhatsApp,
    readonly index: number,
    readonly options: SocketOptions,
  ) {
    this.signalRepository = { lidMapping: { getPNForLID: async (lid: string) => network.lidStore.get(lid) ?? null } };
  }

  open(): void {
    this.ev.emit('connection.update', { connection: 'open' });
  }

  /** WhatsApp closes the socket with a Baileys status code (undefined: no reason). */
  drop(code?: number, message = 'Connection Failure'): void {
    this.ended = true;
    this.ev.emit('connection.update', {
      connection: 'close',
      lastDisconnect: {
        error: code === undefined ? undefined : new Boom(message, { statusCode: code }),
        date: new Date(),
      },
    });
  }

  /** WhatsApp's server acks message `id` (the stanza Baileys reports only when it has an error). */
  serverAck(id: string): void {
    this.ws.emit('CB:ack,class:message', ackStanza(this.network.sent.find((s) => s.id === id)?.jid ?? '', id));
  }

  /**
   * WhatsApp's server refuses message `id` in its ack, as Baileys 7 handles it: the stanza on the
   * websocket, then messages.update with status ERROR and the code (463 adds Baileys' own text).
   */
  errorAck(id: string, code: number): void {
    const jid = this.network.sent.find((s) => s.id === id)?.jid ?? '';
    this.ws.emit('CB:ack,class:message', ackStanza(jid, id, String(code)));
    this.ev.emit('messages.update', [
      {
        key: { remoteJid: jid, fromMe: true, id },
        update: {
          status: proto.WebMessageInfo.Status.ERROR,
          messageStubParameters: code === 463 ? [String(code), 'Account restricted'] : [String(code)],
        },
      },
    ]);
  }

  /** The recipient's phone sends a receipt: delivered (DELIVERY_ACK) or read (READ). */
  receipt(id: string, status: proto.WebMessageInfo.Status): void {
    const jid = this.network.sent.find((s) => s.id === id)?.jid ?? '';
    this.ev.emit('messages.update', [
      {
        key: { remoteJid: jid, fromMe: true, id },
        update: { status, messageTimestamp: Math.floor(Date.now() / 1000) },
      },
    ]);
  }

  /** A person's message arrives, as Baileys emits it. */
  receive(...messages: WAMessage[]): void {
    this.ev.emit('messages.upsert', { messages, type: 'notify' });
  }

  readonly sendMessage: WhatsAppSocket['sendMessage'] = async (jid, content, options) => {
    if (this.ended) {
      throw new Boom('Connection Closed', { statusCode: DisconnectReason.connectionClosed });
    }
    // Baileys fetches a document given by URL before sending; the link may not be reachable.
    if ('document' in content && this.network.documentsFail) throw new TypeError('fetch failed');
    // Baileys takes the caller's id when given one (a resend), else makes its own.
    const id = options?.messageId ?? `3EB0${randomBytes(8).toString('hex').toUpperCase()}`;
    this.network.sent.push({ socket: this.index, jid, content, id, at: Date.now() });
    // WhatsApp's server acks a message it took within moments, after the send returned.
    if (this.network.autoAck) setTimeout(() => this.ended || this.serverAck(id), 5);
    return { key: { remoteJid: jid, fromMe: true, id }, message: contentAsProto(content) };
  };

  readonly sendPresenceUpdate: WhatsAppSocket['sendPresenceUpdate'] = async (type, jid) => {
    this.presence.push({ type, jid, at: Date.now() });
  };

  readonly requestPairingCode: WhatsAppSocket['requestPairingCode'] = async (phone) => {
    this.pairingRequests.push(phone);
    return 'SIPU7K0D';
  };

  readonly updateMediaMessage: WhatsAppSocket['updateMediaMessage'] = async (message) => message;

  readonly end: WhatsAppSocket['end'] = async (error) => {
    if (this.ended) return;
    this.ended = true;
    this.ev.emit('connection.update', { connection: 'close', lastDisconnect: { error, date: new Date() } });
    this.ev.destroy();
  };
}

function ackStanza(from: string, id: string, error?: string): BinaryNode {
  return {
    tag: 'ack',
    attrs: { class: 'message', id, from, t: String(Math.floor(Date.now() / 1000)), ...(error ? { error } : {}) },
  };
}

function contentAsProto(content: AnyMessageContent): proto.IMessage {
  if ('text' in content) return { conversation: content.text };
  if ('document' in content) {
    return { documentMessage: { fileName: content.fileName ?? null, caption: content.caption ?? null } };
  }
  return {};
}

/** The WhatsApp network as the tests see it: every socket the service opened, everything it sent. */
export class FakeWhatsApp {
  readonly sockets: FakeSocket[] = [];
  readonly sent: Sent[] = [];
  /** Baileys' own LID store, for LIDs our table does not know. */
  readonly lidStore = new Map<string, string>();
  /** File bytes by message id, for the media download. */
  readonly files = new Map<string, Buffer>();
  /** New sockets open by themselves; false leaves that to the test. */
  autoOpen = true;
  /** WhatsApp's server acks each message sent; false leaves acks to the test. */
  autoAck = true;
  /** Documents by URL cannot be fetched. */
  documentsFail = false;

  readonly connect: SocketFactory = async (options) => {
    const socket = new FakeSocket(this, this.sockets.length, options);
    this.sockets.push(socket);
    // After the caller has attached its listener, as with a real socket's first event.
    if (this.autoOpen) setTimeout(() => socket.ended || socket.open(), 5);
    return socket;
  };

  /** Downloads asked for, successful or not. */
  downloads = 0;

  readonly download: MediaDownload = async (message) => {
    this.downloads++;
    const bytes = this.files.get(message.key.id ?? '');
    if (!bytes) throw new Error('no such file on the fake media server');
    return bytes;
  };

  get current(): FakeSocket {
    const socket = this.sockets.at(-1);
    if (!socket) throw new Error('no socket was opened');
    return socket;
  }

  /** Waits for socket number `index` to exist. */
  socket(index: number): Promise<FakeSocket> {
    return eventually(`socket ${index} to be opened`, async () => this.sockets[index]);
  }

  sentTo(jid: string): Sent[] {
    return this.sent.filter((s) => s.jid === jid);
  }
}

/** What a person reads of a sent message: its text, or a document's caption. */
export function textOf(sent: Sent): string {
  const content = sent.content as { text?: string; caption?: string };
  return content.text ?? content.caption ?? '';
}

export interface IncomingOptions {
  readonly id?: string;
  /** The other form of the sender's JID (key.remoteJidAlt, or participantAlt in a group). */
  readonly alt?: string;
  /** Sent in this group, by the sender. */
  readonly group?: string;
  /** The id of the message this one quotes. */
  readonly quoting?: string;
  readonly fromMe?: boolean;
}

export const messageId = () => randomBytes(10).toString('hex').toUpperCase();

/** A message as Baileys 7 hands it over in messages.upsert. */
export function incoming(from: string, message: proto.IMessage, opts: IncomingOptions = {}): WAMessage {
  return {
    key: {
      remoteJid: opts.group ?? from,
      fromMe: opts.fromMe ?? false,
      id: opts.id ?? messageId(),
      ...(opts.group ? { participant: from, participantAlt: opts.alt } : { remoteJidAlt: opts.alt }),
    },
    message,
    messageTimestamp: Math.floor(Date.now() / 1000),
    pushName: 'Pengguna',
  };
}

export function textMessage(from: string, text: string, opts: IncomingOptions = {}): WAMessage {
  const content: proto.IMessage = opts.quoting
    ? { extendedTextMessage: { text, contextInfo: { stanzaId: opts.quoting, participant: from } } }
    : { conversation: text };
  return incoming(from, content, opts);
}

export function imageMessage(
  from: string,
  bytes: Buffer,
  network: FakeWhatsApp,
  opts: IncomingOptions = {},
): WAMessage {
  const message = incoming(from, { imageMessage: { mimetype: 'image/png', fileLength: bytes.length } }, opts);
  network.files.set(message.key.id ?? '', bytes);
  return message;
}

export function documentMessage(
  from: string,
  fileName: string,
  bytes: Buffer,
  network: FakeWhatsApp,
  opts: IncomingOptions = {},
): WAMessage {
  const message = incoming(
    from,
    { documentMessage: { fileName, mimetype: 'application/pdf', fileLength: bytes.length } },
    opts,
  );
  network.files.set(message.key.id ?? '', bytes);
  return message;
}
