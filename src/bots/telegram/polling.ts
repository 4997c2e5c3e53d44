import type { Telegram } from 'telegraf';
import type { Update } from 'telegraf/types';
import type { Logger } from '../../log.js';
import { abortSignal, callApi } from './api.js';
import { backoffMs, sleep } from './backoff.js';
import { describeFailure, isTelegramError } from './errors.js';
import type { TelegramState } from './health.js';
import type { Outcome } from './receiver.js';

/** The updates the flows use; everything else (edits, reactions, polls) is not asked for. */
export const ALLOWED_UPDATES = ['message', 'callback_query', 'my_chat_member'] as const;

export interface LongPollerOptions {
  readonly telegram: Telegram;
  readonly handle: (update: Update) => Promise<Outcome>;
  /**
   * Told each batch as its updates start, to ask the database about all of them at once; the
   * handlers wait for its answer where they need it.
   */
  readonly prepare?: (updates: readonly Update[]) => void;
  readonly log: Logger;
  /** Told each change of state, for channel_states. */
  readonly onState: (state: TelegramState, lastError?: string) => Promise<void>;
  /** First retry delay after a failed getUpdates; doubled up to a minute. */
  readonly retryBaseMs: number;
  /** Seconds getUpdates waits for an update before answering empty; default 30. */
  readonly waitSeconds?: number;
  /** Chats handled at once from one batch; default CHATS_AT_ONCE. */
  readonly chatsAtOnce?: number;
}

/**
 * Chats of a batch handled at once. Their messages share transactions, up to 16 in each
 * (GroupCommit), so 64 chats hold 4 of the database pool's 10 connections. With a transaction per
 * message, a whole batch at once (up to 100 chats) queued for the pool, and under load the last
 * ones waited past the pool's 5 s connect timeout, failed and were fetched again; 8 was the most
 * then. With groups of 16: 64 chats at once handled 826-1,091 updates per CPU second, 32 794
 * (bench, load 5-7).
 */
const CHATS_AT_ONCE = 64;

/**
 * getUpdates in a loop, written here rather than telegraf's launch(): telegraf confirms a batch
 * (and so loses it) when a handler throws, retries a network error every 5 s without reporting it,
 * and handles a batch's updates all at once whatever chat they are from.
 *
 * Here an update is confirmed (the next offset) only once the flows committed it, so a crash
 * means redelivery, which the flows dedupe by update_id. A chat's updates run in order; chats run
 * side by side. Network errors and 5xx back off and show as "reconnecting"; a 401 stops the bot.
 */
export class LongPoller {
  #offset = 0;

  constructor(private readonly opts: LongPollerOptions) {}

  async run(signal: AbortSignal): Promise<void> {
    const { telegram, log } = this.opts;
    let failures = 0;
    while (!signal.aborted) {
      let updates: Update[];
      try {
        updates = await telegram.callApi(
          'getUpdates',
          {
            offset: this.#offset,
            // After a failure, ask without waiting: an answer at once is what says Telegram is back.
            timeout: failures > 0 ? 0 : (this.opts.waitSeconds ?? 30),
            limit: 100,
            allowed_updates: [...ALLOWED_UPDATES],
          },
          { signal: abortSignal(signal) },
        );
      } catch (err) {
        if (signal.aborted) break;
        const what = describeFailure(err);
        if (isTelegramError(err, 401)) {
          log.error({ channel: 'telegram', err: what }, 'telegram refused the bot token; polling stopped');
          await this.opts.onState('stopped', what);
          return;
        }
        failures++;
        // 409: another process polls this bot, or a webhook is set. Both clear up, or need a person.
        log.warn({ channel: 'telegram', err: what, attempt: failures }, 'getUpdates failed; retrying');
        await this.opts.onState('reconnecting', what);
        const retryAfter = isTelegramError(err, 429) ? (err.parameters?.retry_after ?? 0) * 1000 : 0;
        await sleep(Math.max(retryAfter, backoffMs(failures, this.opts.retryBaseMs)), signal);
        continue;
      }
      if (failures > 0) {
        failures = 0;
        await this.opts.onState('polling');
      }
      if (updates.length === 0) continue;
      this.opts.prepare?.(updates);
      const next = await this.#process(updates);
      const stuck = next <= (updates.at(-1)?.update_id ?? 0);
      this.#offset = next;
      // An update the flows could not take (database down, say) is fetched again after a pause.
      if (stuck) await sleep(backoffMs(1, this.opts.retryBaseMs), signal);
    }
    await this.#confirm();
  }

  /** Handles a batch; returns the offset to ask for next: past the batch, or at the first update to retry. */
  async #process(updates: readonly Update[]): Promise<number> {
    const chains = new Map<string, Update[]>();
    for (const update of updates) {
      const key = chatOf(update) ?? `update:${update.update_id}`;
      chains.set(key, [...(chains.get(key) ?? []), update]);
    }
    const retryFrom: number[] = [];
    const waiting = [...chains.values()];
    const lane = async () => {
      for (let chain = waiting.shift(); chain; chain = waiting.shift()) {
        for (const update of chain) {
          // A chat's later updates wait for the one that failed, to keep its order.
          if ((await this.opts.handle(update)) === 'retry') {
            retryFrom.push(update.update_id);
            break;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.chatsAtOnce ?? CHATS_AT_ONCE, waiting.length) }, lane));
    return retryFrom.length > 0 ? Math.min(...retryFrom) : (updates.at(-1)?.update_id ?? 0) + 1;
  }

  /** Tells Telegram what was handled, so a clean restart does not fetch it again. */
  async #confirm(): Promise<void> {
    if (this.#offset === 0) return;
    try {
      await callApi(this.opts.telegram, 'getUpdates', { offset: this.#offset, limit: 1, timeout: 0 }, 5000);
    } catch {
      // Unconfirmed updates come back after the restart, and the flows skip them.
    }
  }
}

function chatOf(update: Update): string | undefined {
  if ('message' in update) return String(update.message.chat.id);
  if ('callback_query' in update) return update.callback_query.message?.chat.id.toString();
  if ('my_chat_member' in update) return String(update.my_chat_member.chat.id);
  return undefined;
}
