import type { SocketConfig } from '@whiskeysockets/baileys';
import type { Logger } from '../../log.js';

export type BaileysLogger = SocketConfig['logger'];

/**
 * Baileys logs whole message keys, stanzas and contacts: phone numbers and texts. Only its message
 * line goes on to our log, never the object beside it; its own warnings and errors stay warnings,
 * the rest is debug.
 */
export function baileysLogger(log: Logger): BaileysLogger {
  const line = (obj: unknown, msg?: string) => msg ?? (typeof obj === 'string' ? obj : 'baileys event');
  const logger: BaileysLogger = {
    get level() {
      return log.level;
    },
    child: () => logger,
    trace: (obj, msg) => log.trace({ module: 'baileys' }, line(obj, msg)),
    debug: (obj, msg) => log.debug({ module: 'baileys' }, line(obj, msg)),
    info: (obj, msg) => log.debug({ module: 'baileys' }, line(obj, msg)),
    warn: (obj, msg) => log.warn({ module: 'baileys' }, line(obj, msg)),
    error: (obj, msg) => log.error({ module: 'baileys' }, line(obj, msg)),
  };
  return logger;
}
