import { TelegramError } from 'telegraf';
import { ChannelRateLimitedError, ChannelRefusedError, ChannelUnreachableError } from '../../outbox/index.js';

/** getMe answered 401: the token is wrong or revoked. Start-up stops with this one line. */
export class TelegramTokenError extends Error {
  override readonly name = 'TelegramTokenError';
  readonly code = 'telegram_token_refused';
  constructor() {
    super('Telegram refused TELEGRAM_BOT_TOKEN (401 Unauthorized): copy the token again from @BotFather');
  }
}

/** Telegram refused a setting at start-up (setWebhook with a URL it will not call, for one). */
export class TelegramSetupError extends Error {
  override readonly name = 'TelegramSetupError';
  readonly code = 'telegram_setup_refused';
}

/** Prefix of a link's last_error when Telegram refused its chat; the link comes back when the person does. */
export const REFUSED_PREFIX = 'telegram 403';

/**
 * A short description for logs and channel_states: the Bot API's own words, or the network
 * error's. telegraf already strips the token from network errors; the payload (message text)
 * that TelegramError carries is never included.
 */
export function describeFailure(err: unknown): string {
  if (err instanceof TelegramError) return `${err.code}: ${err.description}`;
  const e = err as Error;
  return `${e?.name ?? 'Error'}: ${e?.message ?? String(err)}`.slice(0, 300);
}

export const isTelegramError = (err: unknown, code?: number): err is TelegramError =>
  err instanceof TelegramError && (code === undefined || err.code === code);

/** "No" that will not turn into "yes" by asking again; 429 is a "later", not a "no". */
export const isPermanentRefusal = (err: unknown): boolean =>
  err instanceof TelegramError && err.code >= 400 && err.code < 500 && err.code !== 429;

/** Telegram answers this when the chat itself is unusable, not the message. */
const CHAT_GONE = /chat not found|user not found|user is deactivated|PEER_ID_INVALID|CHAT_ID_INVALID/i;

/**
 * Sorts a failed send into what the outbox does next: a 429 waits `retry_after` without using an
 * attempt; a 403 (blocked, kicked, never started) dead-letters at once and deactivates the link; a
 * 400 dead-letters (the same request will fail again); 5xx, 401 and network errors are retried
 * with backoff, since the token or the network may be fixed in time.
 */
export function toChannelError(err: unknown): Error {
  if (err instanceof TelegramError) {
    const what = describeFailure(err);
    if (err.code === 429) return new ChannelRateLimitedError((err.parameters?.retry_after ?? 1) * 1000);
    if (err.code === 403) return new ChannelRefusedError(`${REFUSED_PREFIX}: ${err.description}`, true);
    if (err.code === 400) return new ChannelRefusedError(`telegram ${what}`, CHAT_GONE.test(err.description));
    return new ChannelUnreachableError(`telegram ${what}`, { cause: err });
  }
  return new ChannelUnreachableError(`telegram unreachable: ${describeFailure(err)}`, { cause: err });
}
