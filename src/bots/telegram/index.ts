export { TelegramAdapter, type TelegramAdapterOptions } from './adapter.js';
export { TelegramSetupError, TelegramTokenError } from './errors.js';
