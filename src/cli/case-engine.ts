import { pino } from 'pino';
import { type AfterCommit, CaseService, SopRegistry, UnitCalendars } from '../cases/index.js';
import type { Db } from '../db/index.js';
import { loadHolidays } from '../sop/index.js';
import type { CliContext } from './context.js';

/**
 * The case engine as the CLI runs it: the SOP versions the service registered and the units'
 * calendars. What a transition queues (messages, timers) is already in the database; `queues`
 * (a CliQueues) hands it to the running service at once, else its reconciler queues it (at start,
 * and every few minutes).
 */
export function cliCaseService(ctx: CliContext, db: Db, queues: AfterCommit): CaseService {
  const { HOLIDAYS_FILE, TZ_DEFAULT } = ctx.config;
  return new CaseService({
    db,
    sops: new SopRegistry(db),
    calendars: new UnitCalendars(db, loadHolidays(HOLIDAYS_FILE), TZ_DEFAULT),
    afterCommit: queues,
    // The CLI's output is its own lines; the engine's log lines would only clutter them.
    log: pino({ level: 'silent' }),
  });
}
