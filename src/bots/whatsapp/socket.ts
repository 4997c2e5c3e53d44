/*
 * Baileys is pinned to 7.0.0-rc14 on purpose. The 6.x line depends on libsignal and an eslint
 * config fetched from GitHub rather than npm, which cannot be installed where only the npm registry
 * is reachable (our machines and CI); 7.0.0-rc14 depends on npm packages only (libsignal ^6,
 * whatsapp-rust-bridge) and runs on Node 20. It is also the line that knows LIDs (key.remoteJidAlt,
 * key.participantAlt, lid-mapping.update), which WhatsApp now uses. Move to 7.0.0 when it is out.
 */
import makeWASocket, {
  type AuthenticationState,
  type BinaryNode,
  type CacheStore,
  fetchLatestWaWebVersion,
  makeCacheableSignalKeyStore,
  type proto,
  type WAMessageKey,
  type WASocket,
} from '@whiskeysockets/baileys';
import type { BaileysLogger } from './baileys-logger.js';
import { MemoryCache } from './memory-cache.js';

/**
 * The part of a Baileys socket SIPUT uses: its event buffer, the websocket's stanza events (the
 * server's message acks, which Baileys reports only when they carry an error), sending, presence,
 * pairing and end. A real WASocket satisfies it; tests pass a fake with Baileys' own event buffer.
 */
export interface WhatsAppSocket {
  readonly ev: Pick<WASocket['ev'], 'process'>;
  readonly ws: { on(event: 'CB:ack,class:message', listener: (node: BinaryNode) => void): unknown };
  readonly sendMessage: WASocket['sendMessage'];
  readonly sendPresenceUpdate: WASocket['sendPresenceUpdate'];
  readonly requestPairingCode: WASocket['requestPairingCode'];
  readonly updateMediaMessage: WASocket['updateMediaMessage'];
  readonly end: WASocket['end'];
  readonly signalRepository: { readonly lidMapping: Pick<WASocket['signalRepository']['lidMapping'], 'getPNForLID'> };
}

export interface SocketOptions {
  readonly auth: AuthenticationState;
  readonly logger: BaileysLogger;
  /** The content of a message this device sent recently, for a recipient's retry request. */
  readonly getMessage: (key: WAMessageKey) => Promise<proto.IMessage | undefined>;
  /** Chats whose messages Baileys should not even decrypt (status updates, other groups). */
  readonly shouldIgnoreJid: (jid: string) => boolean;
  /** Kept by the caller across sockets, so a message that fails to decrypt is not retried forever. */
  readonly msgRetryCounterCache: CacheStore;
}

/** Opens a socket to WhatsApp. Injected so tests fake the network and nothing else. */
export type SocketFactory = (options: SocketOptions) => Promise<WhatsAppSocket>;

/** Baileys' own socket, set up for a service that answers chats rather than mirrors a phone. */
export const baileysSocket: SocketFactory = async (options) => {
  // An outdated client version is refused by WhatsApp (405); fall back to the bundled one offline.
  const { version } = await fetchLatestWaWebVersion({ signal: AbortSignal.timeout(10_000) });
  return makeWASocket({
    version,
    logger: options.logger,
    auth: {
      creds: options.auth.creds,
      // Spares Postgres the repeated reads of one conversation's keys. A fresh cache per socket: the
      // keys may have changed in another process while this one was not holding the lock. Ours,
      // not Baileys' default, since that one starts a timer that outlives the socket.
      keys: makeCacheableSignalKeyStore(options.auth.keys, options.logger, new MemoryCache(5 * 60_000)),
    },
    getMessage: options.getMessage,
    shouldIgnoreJid: options.shouldIgnoreJid,
    msgRetryCounterCache: options.msgRetryCounterCache,
    // Old chats are not needed to answer new messages, and are personal data we would only hold.
    syncFullHistory: false,
    shouldSyncHistoryMessage: () => false,
    // Staying "offline" keeps the notifications on the phone of whoever manages the number.
    markOnlineOnConnect: false,
  });
};
