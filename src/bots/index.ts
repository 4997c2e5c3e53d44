import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { ChannelAdapter } from './adapter.js';
import { TelegramAdapter } from './telegram/index.js';

/** The chat platforms the settings turn on. The web chat is built in and always on. */
export async function channelAdapters(config: Config, log: Logger): Promise<ChannelAdapter[]> {
  const adapters: ChannelAdapter[] = [];
  if (config.TELEGRAM_BOT_TOKEN) adapters.push(new TelegramAdapter(config, log));
  // Loaded only when enabled: Baileys brings a WebAssembly signal library with it.
  if (config.WHATSAPP_ENABLED) adapters.push(new (await import('./whatsapp/index.js')).WhatsAppAdapter(config));
  return adapters;
}
export type { ChannelAdapter, ChannelHost } from './adapter.js';
export { EmailChannel } from './email-channel.js';
export { LogChannel } from './log-channel.js';
export { WebChannel, webPresenceKey, webTopic } from './web-channel.js';
export { WARN_SHARE } from './whatsapp/cold-cap.js';
export { askToPair } from './whatsapp/pair-request.js';
