import type { Db } from '../db/index.js';
import { insertMessage, processedEvents } from '../db/index.js';
import type { Logger } from '../log.js';
import { type HolidayCalendar, isConfirmedYear } from '../sop/index.js';
import type { JobQueues } from './queues.js';

export interface HolidayWatchOptions {
  readonly db: Db;
  readonly queues: JobQueues;
  readonly holidays: HolidayCalendar;
  /** The unit whose admins are told (DEFAULT_UNIT); the alert goes to every unit's when it has none. */
  readonly unitId: string;
  readonly log: Logger;
  readonly now?: Date;
}

/**
 * Tells the admins, once a month, while next year's holidays are not confirmed by an SKB: every
 * deadline counted over that year is an estimate until the file is updated. The claim in
 * processed_events makes one worker of many send it.
 */
export async function warnIfNextYearUnconfirmed(opts: HolidayWatchOptions): Promise<boolean> {
  const now = opts.now ?? new Date();
  const year = now.getUTCFullYear() + 1;
  if (isConfirmedYear(opts.holidays, year)) return false;
  const key = `holiday-warning:${year}:${now.toISOString().slice(0, 7)}`;
  const queued = await opts.db.transaction(async (tx) => {
    const claimed = await tx.insert(processedEvents).values({ key, caseId: null }).onConflictDoNothing().returning();
    if (claimed.length === 0) return null;
    return insertMessage(
      tx,
      { kind: 'admins', unitId: opts.unitId },
      { caseId: null, instanceId: null, template: 'holidays.unconfirmed', params: { year: String(year) } },
    );
  });
  if (!queued) return false;
  opts.log.warn({ year, told: queued.length }, 'next year has no confirmed holiday list');
  await Promise.all(queued.map((m) => opts.queues.addMessage(m.id, m.channel)));
  return true;
}
