import { sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Db } from '../db/index.js';
import { queryRows, recordAudit } from '../db/index.js';
import type { Logger } from '../log.js';
import { eraseStakeholder } from './erasure.js';

export interface RetentionOptions {
  readonly now: Date;
  /** RETENTION_MONTHS: how long after a person's last case closed their personal data is kept. */
  readonly months: number;
  readonly dataDir: string;
  readonly log: Logger;
  /** Most people erased in one run; default 200. The next run takes the rest. */
  readonly limit?: number;
}

/**
 * Anonymises the stakeholders whose personal data is past its retention (UU PDP 27/2022): no case
 * of theirs is open, and their last case closed, their last download and their last message in
 * a chat are all more than `months` ago. Their cases stay, anonymised, for the statistics. Each
 * erasure is in the audit log as done by "system".
 */
export async function anonymiseExpired(db: Db, opts: RetentionOptions): Promise<number> {
  const cutoff = DateTime.fromJSDate(opts.now).minus({ months: opts.months }).toJSDate().toISOString();
  const due = await queryRows<{ id: string }>(
    db,
    sql`select s.id from stakeholders s
where s.erased_at is null and s.created_at < ${cutoff}::timestamptz
  and not exists (select 1 from cases c where c.stakeholder_id = s.id
    and (c.status = 'open' or c.closed_at >= ${cutoff}::timestamptz))
  and not exists (select 1 from downloads d where d.stakeholder_id = s.id and d.at >= ${cutoff}::timestamptz)
  and not exists (select 1 from channel_links l where l.owner_kind = 'stakeholder' and l.owner_id = s.id
    and l.last_seen_at >= ${cutoff}::timestamptz)
order by s.created_at
limit ${opts.limit ?? 200}`,
  );
  let erased = 0;
  for (const { id } of due) {
    const result = await eraseStakeholder(db, id, { now: opts.now, dataDir: opts.dataDir });
    if (!result.erased) continue;
    erased += 1;
    await recordAudit(db, {
      actor: 'system',
      action: 'stakeholder.erase',
      target: id,
      details: { reason: 'retention', months: opts.months, cases: result.cases },
    });
  }
  if (erased > 0) opts.log.info({ erased, months: opts.months }, 'retention: stakeholders anonymised');
  return erased;
}
