import { randomBytes, randomUUID } from 'node:crypto';
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

export type CaseCommand = Exclude<CaseEvent, { type: 'submit' }>;

export interface SubmitResult {
  readonly caseId: string;
  readonly ticket: string;
  /** True when the idempotency key had filed a case already: that case is returned. */
  readonly duplicate: boolean;
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

  async submit(input: SubmitInput): Promise<SubmitResult> {
    const now = this.#now();
    const outcome = await this.deps.db.transaction((tx) => this.submitIn(tx, input, now));
    if (outcome.saved) await this.schedule(outcome.saved, outcome.caseId);
    return { caseId: outcome.caseId, ticket: outcome.ticket, duplicate: outcome.duplicate };
  }

  /** submit inside the caller's transaction; the caller schedules `saved` after its commit. */
  async submitIn(
    tx: Tx,
    input: SubmitInput,
    now = this.#now(),
  ): Promise<SubmitResult & { saved: SavedTransition | null }> {
    const sop = await this.deps.sops.latest(input.sopId, tx);
    if (!sop) throw new UnknownSopError(`no SOP "${input.sopId}"`);
    const key = input.idempotencyKey ? `submit:${input.idempotencyKey}` : null;
    if (key) {
      const seen = await claimKey(tx, key, null);
      if (!seen.claimed) {
        const previous = seen.caseId ? await loadCaseForUpdate(tx, seen.caseId) : null;
        if (previous) return { caseId: previous.id, ticket: previous.ticket, duplicate: true, saved: null };
      }
    }
    const caseId = randomUUID();
    const ticket = await nextTicket(tx, sop.ticketPrefix, now.getUTCFullYear());
    const ctx: EngineContext = {
      sop,
      calendar: await this.deps.calendars.for(input.unitId, tx),
      directory: await loadDirectory(tx, now),
    };
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
      rahasia: input.rahasia ?? false,
      // 128 random bits: the status link's only protection, since ticket numbers are sequential.
      statusSecret: randomBytes(16).toString('base64url'),
    });
    if (key) await tx.update(processedEvents).set({ caseId }).where(eq(processedEvents.key, key));
    this.deps.log.info({ caseId, sop: sop.id }, 'case submitted');
    return { caseId, ticket, duplicate: false, saved };
  }

  /**
   * Applies an event to a case. With an idempotency key, the same key acts once however often it
   * is delivered. A refused event (CaseRejectedError) rolls back and leaves the case unchanged.
   */
  async dispatch(caseId: string, event: CaseCommand, idempotencyKey?: string): Promise<DispatchResult> {
    const now = this.#now();
    const result = await this.deps.db.transaction((tx) => this.dispatchIn(tx, caseId, event, idempotencyKey, now));
    if (result.saved) await this.schedule(result.saved, caseId);
    return { state: result.state, duplicate: result.duplicate, transition: result.transition };
  }

  /**
   * dispatch inside the caller's transaction. A refusal throws before anything is written but the
   * idempotency claim; callers that go on after a refusal run this in a savepoint.
   */
  async dispatchIn(
    tx: Tx,
    caseId: string,
    event: CaseCommand,
    idempotencyKey?: string,
    now = this.#now(),
  ): Promise<DispatchResult & { saved: SavedTransition | null }> {
    const state = await loadCaseForUpdate(tx, caseId);
    if (!state) throw new UnknownCaseError(`no case ${caseId}`);
    if (idempotencyKey && !(await claimKey(tx, idempotencyKey, caseId)).claimed) {
      return { state, duplicate: true, transition: null, saved: null };
    }
    const sop = await this.deps.sops.get(state.sopId, state.sopVersion, tx);
    if (!sop)
      throw new UnknownSopError(
        `case ${state.ticket} runs ${state.sopId}@${state.sopVersion}, which is not registered`,
      );
    const ctx: EngineContext = {
      sop,
      calendar: await this.deps.calendars.for(state.unitId, tx),
      directory: await loadDirectory(tx, now),
    };
    const transition = apply(state, event, now, ctx);
    if (transition.effects.length === 0) return { state, duplicate: false, transition, saved: null };
    const left = state.openStep && transition.effects.some((e) => e.type === 'stepClosed');
    const workingMs = left && state.openStep ? ctx.calendar.workingMsBetween(state.openStep.enteredAt, now) : undefined;
    const saved = await saveTransition(tx, state, transition.state, transition.effects, undefined, workingMs);
    return { state: transition.state, duplicate: false, transition, saved };
  }

  /** Queues what a committed transition scheduled; on failure the reconciler does it later. */
  async schedule(saved: SavedTransition, caseId: string | null): Promise<void> {
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
