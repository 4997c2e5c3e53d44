import type { Db } from '../../db/index.js';
import { channelStates } from '../../db/index.js';

/**
 * What the console shows for the bot: connecting (first getMe), polling or webhook (receiving),
 * reconnecting (Telegram unreachable, retrying with backoff), stopped (token refused, or the
 * service shut down). `lastError` is the latest failure while it lasts; it is cleared on success.
 */
export type TelegramState = 'connecting' | 'polling' | 'webhook' | 'reconnecting' | 'stopped';

export const TELEGRAM = 'telegram';

export async function reportState(
  db: Db,
  state: TelegramState,
  detail: string | null,
  lastError: string | null = null,
): Promise<void> {
  const values = { state, detail, lastError, updatedAt: new Date() };
  await db
    .insert(channelStates)
    .values({ channel: TELEGRAM, ...values })
    .onConflictDoUpdate({ target: channelStates.channel, set: values });
}
