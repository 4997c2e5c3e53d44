export { WhatsAppAdapter, type WhatsAppAdapterOptions } from './adapter.js';
export type { WhatsAppState, WhatsAppStateDetail } from './channel-status.js';
export type { MediaDownload } from './media.js';
export type { SocketFactory, SocketOptions, WhatsAppSocket } from './socket.js';
