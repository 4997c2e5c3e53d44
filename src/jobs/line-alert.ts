import type { Db } from '../db/index.js';
import { insertMessage } from '../db/index.js';
import type { Logger } from '../log.js';
import type { PausedLineNews } from './outbox-worker.js';
import type { JobQueues } from './queues.js';

export interface LineAlertOptions {
  readonly db: Db;
  readonly queues: JobQueues;
  /** The unit whose alert officials are told (DEFAULT_UNIT); those of every unit when it has none. */
  readonly unitId: string;
  readonly log: Logger;
}

/**
 * Tells the admins, on another channel, that a chat's line was paused: once per pause, not once
 * per message waiting in it. The alert names the channel and the error, not the chat (an address
 * is personal data); the console lists the line with its recipient.
 */
export function lineAlert(opts: LineAlertOptions): (news: PausedLineNews) => Promise<void> {
  return async (news) => {
    const queued = await opts.db.transaction((tx) =>
      insertMessage(
        tx,
        { kind: 'admins', unitId: opts.unitId },
        {
          caseId: null,
          instanceId: null,
          template: 'outbox.line_paused',
          params: { channel: news.channel, error: news.lastError },
        },
        news.channel,
      ),
    );
    opts.log.warn({ channel: news.channel, told: queued.length }, 'admins told of a paused chat line');
    // Redis away: the rows are pending, and the reconciler queues them when it is back.
    await Promise.all(queued.map((m) => opts.queues.addMessage(m.id, m.channel))).catch((err: Error) =>
      opts.log.warn({ err: err.message }, 'paused line alert waits for the queue'),
    );
  };
}
