import type { Db } from '../db/index.js';
import { forwardByEmail } from '../db/index.js';
import type { Logger } from '../log.js';
import type { JobQueues } from './queues.js';

export interface EmailFallbackOptions {
  readonly db: Db;
  readonly queues: Pick<JobQueues, 'addMessage'>;
  readonly log: Logger;
  /** SMTP_URL is set. Without it nothing is forwarded, and the console says email is off. */
  readonly enabled: boolean;
}

/**
 * "This message by email instead": for a stakeholder whose chat cannot reach them (the web chat
 * with no page open, a Telegram or WhatsApp chat that refused), the same message goes through the
 * outbox again on the email channel, with its retries and dead letter. Each message is forwarded
 * at most once, so calling this again for it does nothing.
 */
export class EmailFallback {
  constructor(private readonly opts: EmailFallbackOptions) {}

  get enabled(): boolean {
    return this.opts.enabled;
  }

  /** Forwards the outbox row `messageId` by email; true when an email was queued. */
  async instead(messageId: string): Promise<boolean> {
    if (!this.opts.enabled) return false;
    const queued = await this.opts.db.transaction((tx) => forwardByEmail(tx, messageId));
    if (!queued) return false;
    try {
      await this.opts.queues.addMessage(queued.id, queued.channel);
    } catch (err) {
      // The row is committed: the reconciler queues it once Redis answers.
      this.opts.log.warn({ messageId: queued.id, err: (err as Error).message }, 'queuing an email failed');
    }
    this.opts.log.info({ messageId, emailId: queued.id }, 'message forwarded by email');
    return true;
  }
}
