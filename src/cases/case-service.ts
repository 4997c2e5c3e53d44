import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { processedEvents } from '../db/schema.js';
import type { Logger } from '../log.js';
import type { CaseState } from '../sop/case-state.js';
import { apply, type EngineContext, type Transition } from '../sop/engine.js';
import type { CaseEvent } from '../sop/events.js';
import type { UnitCalendars } from './calendars.js';
import { type CaseIntake, loadCaseForUpdate, type SavedTransition, saveTransition } from './case-store.js';
import { loadDirectory } from './directory-loader.js';
import type { SopRegistry } from './sop-registry.js';
import { nextTicket } from './ticket.js';

/** Where committed work goes next: delayed timer jobs and outbox jobs. */
export interface AfterCommit {
  schedule(saved: SavedTransition): Promise<void>;
}

export class UnknownSopError extends Error {
  override readonly name = 'UnknownSopError';
  readonly code = 'sop_unknown';
  readonly messageKey = 'case.rejected.unknown_sop';
}

export class UnknownCaseError extends Error {
  override readonly name = 'UnknownCaseError';
  readonly code = 'case_unknown';
  readonly messageKey = 'case.rejected.unknown_case';
}

export interface SubmitInput extends Partial<CaseIntake> {
  readonly sopId: string;
  readonly unitId: string;
  readonly stakeholderId?: string | null;
  /** A key from the channel (e.g. the message that confirmed the complaint): the same key files once. */
  readonly idempotencyKey?: string;
}

export interface DispatchResult {
  readonly state: CaseState;
  /** True when the event's idempotency key had been seen: nothing was done. */
  readonly duplicate: boolean;
  readonly transition: Transition | null;
}

export interface CaseServiceDeps {
  readonly db: Db;
  readonly sops: SopRegistry;
  readonly calendars: UnitCalendars;
  readonly afterCommit: AfterCommit;
  readonly log: Logger;
  /** Injected so tests and benchmarks can move time; defaults to the wall clock. */
  readonly now?: () => Date;
}

/**
 * Runs engine transitions durably: one transaction loads and locks the case, applies the event,
 * and writes the new state, its audit trail and its outbox rows; jobs are queued after commit.
 * If queuing fails (Redis down), the reconciler queues them later from the rows.
 */
export class CaseService {
  readonly #now: () => Date;

  constructor(private readonly deps: CaseServiceDeps) {
    this.#now = deps.now ?? (() => new Date());
  }

  async submit(input: SubmitInput): Promise<{ caseId: string; ticket: string; duplicate: boolean }> {
    const sop = await this.deps.sops.latest(input.sopId);
    if (!sop) throw new UnknownSopError(`no SOP "${input.sopId}"`);
    const now = this.#now();
    const calendar = await this.deps.calendars.for(input.unitId);
    const outcome = await this.deps.db.transaction(async (tx) => {
      if (input.idempotencyKey) {
        const seen = await claimKey(tx, `submit:${input.idempotencyKey}`, null);
        if (!seen.claimed) {
          const previous = seen.caseId ? await loadCaseForUpdate(tx, seen.caseId) : null;
          if (previous) return { caseId: previous.id, ticket: previous.ticket, duplicate: true, saved: null };
        }
      }
      const caseId = randomUUID();
      const ticket = await nextTicket(tx, sop.ticketPrefix, now.getUTCFullYear());
      const ctx: EngineContext = { sop, calendar, directory: await loadDirectory(tx, now) };
      const { state, effects } = apply(
        null,
        {
          type: 'submit',
          caseId,
          ticket,
          unitId: input.unitId,
          stakeholderId: input.stakeholderId ?? null,
          openedBy: input.openedBy ?? null,
        },
        now,
        ctx,
      );
      const saved = await saveTransition(tx, null, state, effects, {
        category: input.category ?? null,
        subject: input.subject ?? null,
        body: input.body ?? null,
        channel: input.channel ?? null,
        openedBy: input.openedBy ?? null,
      });
      if (input.idempotencyKey) {
        await tx
          .update(processedEvents)
          .set({ caseId })
          .where(eq(processedEvents.key, `submit:${input.idempotencyKey}`));
      }
      return { caseId, ticket, duplicate: false, saved };
    });
    if (outcome.saved) await this.#schedule(outcome.saved, outcome.caseId);
    this.deps.log.info({ caseId: outcome.caseId, sop: sop.id, duplicate: outcome.duplicate }, 'case submitted');
    return { caseId: outcome.caseId, ticket: outcome.ticket, duplicate: outcome.duplicate };
  }

  /**
   * Applies an event to a case. With an idempotency key, the same key acts once however often it
   * is delivered. A refused event (CaseRejectedError) rolls back and leaves the case unchanged.
   */
  async dispatch(caseId: string, event: Exclude<CaseEvent, { type: 'submit' }>, idempotencyKey?: string) {
    const now = this.#now();
    const result = await this.deps.db.transaction(async (tx): Promise<DispatchResult & { saved?: SavedTransition }> => {
      const state = await loadCaseForUpdate(tx, caseId);
      if (!state) throw new UnknownCaseError(`no case ${caseId}`);
      if (idempotencyKey && !(await claimKey(tx, idempotencyKey, caseId)).claimed) {
        return { state, duplicate: true, transition: null };
      }
      const sop = await this.deps.sops.get(state.sopId, state.sopVersion);
      if (!sop)
        throw new UnknownSopError(
          `case ${state.ticket} runs ${state.sopId}@${state.sopVersion}, which is not registered`,
        );
      const ctx: EngineContext = {
        sop,
        calendar: await this.deps.calendars.for(state.unitId),
        directory: await loadDirectory(tx, now),
      };
      const transition = apply(state, event, now, ctx);
      if (transition.effects.length === 0) return { state, duplicate: false, transition };
      const saved = await saveTransition(tx, state, transition.state, transition.effects);
      return { state: transition.state, duplicate: false, transition, saved };
    });
    if (result.saved) await this.#schedule(result.saved, caseId);
    return { state: result.state, duplicate: result.duplicate, transition: result.transition };
  }

  async #schedule(saved: SavedTransition, caseId: string): Promise<void> {
    try {
      await this.deps.afterCommit.schedule(saved);
    } catch (err) {
      // The rows are committed; the reconciler queues them once Redis answers again.
      this.deps.log.warn(
        { caseId, err: (err as Error).message },
        'queuing after commit failed; left to the reconciler',
      );
    }
  }
}

async function claimKey(
  tx: Tx,
  key: string,
  caseId: string | null,
): Promise<{ claimed: boolean; caseId: string | null }> {
  const inserted = await tx
    .insert(processedEvents)
    .values({ key, caseId })
    .onConflictDoNothing()
    .returning({ key: processedEvents.key });
  if (inserted.length > 0) return { claimed: true, caseId };
  const [row] = await tx
    .select({ caseId: processedEvents.caseId })
    .from(processedEvents)
    .where(eq(processedEvents.key, key));
  return { claimed: false, caseId: row?.caseId ?? null };
}
