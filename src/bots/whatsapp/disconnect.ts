import { DisconnectReason } from '@whiskeysockets/baileys';

/** What to do after the socket closed. */
export type AfterDisconnect =
  | { readonly action: 'reconnect_now' }
  | { readonly action: 'reconnect_later' }
  | {
      readonly action: 'stop';
      readonly state: 'logged_out' | 'replaced';
      /** The pairing is dead: forget it, so the next start shows a new QR code. */
      readonly clearAuth: boolean;
      /** For the log and the console, in words an admin can act on. */
      readonly reason: string;
    };

/**
 * Sorts Baileys' disconnect codes. Some are final: reconnecting with the same pairing after them
 * loops against WhatsApp, which looks like abuse, so the socket stops and an admin is asked.
 */
export function afterDisconnect(code: number | undefined): AfterDisconnect {
  switch (code) {
    case DisconnectReason.restartRequired:
      // Sent right after pairing: the new credentials only work on a fresh socket.
      return { action: 'reconnect_now' };
    case DisconnectReason.loggedOut:
      return stop(
        'logged_out',
        true,
        'WhatsApp logged this device out (401): pair it again from the console (Antrian & kanal)',
      );
    case DisconnectReason.connectionReplaced:
      return stop(
        'replaced',
        false,
        'another client opened this WhatsApp session (440): stop the other one, then reconnect from the console (Antrian & kanal)',
      );
    case DisconnectReason.forbidden:
      return stop('logged_out', false, 'WhatsApp refused this number (403): it may be banned or restricted');
    case 405:
      return stop(
        'logged_out',
        false,
        'WhatsApp refused the connection (405): update Baileys or pair again; not retried, to spare the number',
      );
    case 409:
    case 412:
      return stop(
        'logged_out',
        false,
        `WhatsApp refused the session (${code}): pair the device again from the console (Antrian & kanal)`,
      );
    default:
      return { action: 'reconnect_later' };
  }
}

function stop(state: 'logged_out' | 'replaced', clearAuth: boolean, reason: string): AfterDisconnect {
  return { action: 'stop', state, clearAuth, reason };
}

/** The HTTP-like status Baileys puts on its Boom errors; undefined when the socket closed without one. */
export function statusCodeOf(error: unknown): number | undefined {
  const code = (error as { output?: { statusCode?: unknown } } | undefined)?.output?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/**
 * Exponential backoff with jitter: attempt 0 waits about baseMs, each next one twice as long, up
 * to maxMs. The jitter keeps many restarted services from reconnecting in step.
 */
export function reconnectDelay(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
