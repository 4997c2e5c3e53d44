import { randomFillSync, randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/index.js';
import {
  pipelinedTransaction,
  placeholdersOf,
  prepared,
  processedEvents,
  type SendLater,
  type Shaped,
  sendInOrder,
  surelyRolledBack,
} from '../db/index.js';
import type { Logger } from '../log.js';
import { PerTurn } from '../per-turn.js';
import type { AttachmentRef, CaseEvent, CaseState, SopDefinition } from '../sop/index.js';
import { activeWorkingMs, apply, type EngineContext, type Transition } from '../sop/index.js';
import type { UnitCalendars } from './calendars.js';
import {
  type BatchedTransition,
  type CaseIntake,
  casesOf,
  loadCaseForUpdate,
  lockCasesStatements,
  type NewCase,
  type SavedTransition,
  saveNewCases,
  saveTimerBatch,
  saveTransition,
} from './case-store.js';
import { directoryOf, directoryStatement, loadDirectory } from './directory-loader.js';
import { UnknownCaseError, UnknownSopError } from './errors.js';
import { RecentPicks } from './recent-picks.js';
import type { SopRegistry } from './sop-registry.js';
import { TicketNumbers } from './ticket.js';

/** Where committed work goes next: delayed timer jobs and outbox jobs. */
export interface AfterCommit {
  schedule(saved: SavedTransition): Promise<void>;
  /** Many at once (a batch of timers); without it, each is scheduled on its own. */
  scheduleMany?(saved: readonly SavedTransition[]): Promise<void>;
}

export interface SubmitInput extends Partial<CaseIntake> {
  readonly sopId: string;
  readonly unitId: string;
  readonly stakeholderId?: string | null;
  /** A key from the channel (e.g. the message that confirmed the complaint): the same key files once. */
  readonly idempotencyKey?: string;
  /** The official who opened it (intake official): told of each stage. */
  readonly initiatorId?: string | null;
  /** The files given when opening, each by its kelengkapan; they are attached to the case. */
  readonly attachments?: readonly AttachmentRef[];
}

export type CaseCommand = Exclude<CaseEvent, { type: 'submit' }>;

export type TimerCommand = Extract<CaseEvent, { type: 'timer' }> & { readonly caseId: string };

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
  /** Email is set up: a stakeholder no chat reaches is written to at their email address. Default false. */
  readonly email?: boolean;
}

/**
 * Runs engine transitions durably: one transaction loads and locks the case, applies the event,
 * and writes the new state, its audit trail and its outbox rows; jobs are queued after commit.
 * If queuing fails (Redis down), the reconciler queues them later from the rows.
 */
export class CaseService {
  readonly #now: () => Date;
  readonly #outbox: { email: boolean };
  readonly #tickets = new TicketNumbers();
  readonly #picks = new RecentPicks();

  constructor(private readonly deps: CaseServiceDeps) {
    this.#now = deps.now ?? (() => new Date());
    this.#outbox = { email: deps.email ?? false };
  }

  async submit(input: SubmitInput): Promise<SubmitResult> {
    const result = await this.#submissions.of(input);
    if (result.status === 'rejected') throw result.reason;
    return result.value;
  }

  /**
   * Submissions made in the same turn of the event loop are filed together: one transaction, a
   * statement per table for them all (issue 17: a submission's ten statements, each parsed,
   * executed and answered, were most of its cost; eight filed together send about eleven). A group
   * that fails files each one alone, so a bad one fails by itself, unless its COMMIT may have gone
   * through (a lost connection): then each caller gets the error. A key already used files alone
   * after the group, where it finds the case it filed.
   */
  readonly #submissions = new PerTurn<SubmitInput, PromiseSettledResult<SubmitResult>>(async (inputs) => {
    const groups: Promise<PromiseSettledResult<SubmitResult>[]>[] = [];
    for (let from = 0; from < inputs.length; from += MAX_SUBMISSIONS_TOGETHER)
      groups.push(this.#submitGroup(inputs.slice(from, from + MAX_SUBMISSIONS_TOGETHER)));
    return (await Promise.all(groups)).flat();
  });

  async #submitGroup(inputs: readonly SubmitInput[]): Promise<PromiseSettledResult<SubmitResult>[]> {
    const alone = (input: SubmitInput) =>
      this.#submitAlone(input).then(
        (value): PromiseSettledResult<SubmitResult> => ({ status: 'fulfilled', value }),
        (reason: unknown): PromiseSettledResult<SubmitResult> => ({ status: 'rejected', reason }),
      );
    if (inputs.length === 1) return Promise.all(inputs.map(alone));
    let filed: Array<SubmitResult | null>;
    const progress = { committing: false };
    try {
      filed = await this.#submitTogether(inputs, progress);
    } catch (err) {
      // A COMMIT whose answer was lost may have filed them all: filed again, each would be twice.
      if (progress.committing && !surelyRolledBack(err)) return inputs.map(() => ({ status: 'rejected', reason: err }));
      // Each again alone, where its own error reaches its caller.
      return Promise.all(inputs.map(alone));
    }
    return Promise.all(
      inputs.map((input, i) => {
        const result = filed[i];
        return result ? { status: 'fulfilled' as const, value: result } : alone(input);
      }),
    );
  }

  /** Files the inputs in one transaction; null for each whose key was taken (filed alone after). */
  async #submitTogether(
    inputs: readonly SubmitInput[],
    progress: { committing: boolean },
  ): Promise<Array<SubmitResult | null>> {
    const now = this.#now();
    const year = now.getUTCFullYear();
    const outcome = await pipelinedTransaction(this.deps.db, [], async (tx, _opened, later) => {
      const sops: SopDefinition[] = [];
      for (const input of inputs) {
        const sop = await this.deps.sops.active(input.sopId, tx);
        if (!sop) throw new UnknownSopError(`no SOP "${input.sopId}"`);
        sops.push(sop);
      }
      const caseIds = inputs.map(() => randomUUID());
      const keys = inputs.map((input) => (input.idempotencyKey ? `submit:${input.idempotencyKey}` : null));
      const prefixes = [...new Set(sops.map((sop) => sop.ticketPrefix))];
      const draws = await Promise.all(
        prefixes.map((prefix) =>
          this.#tickets.drawMany(tx, prefix, year, sops.filter((sop) => sop.ticketPrefix === prefix).length),
        ),
      );
      const claims = claimsStatement(keys, caseIds);
      const answers = await sendInOrder(tx, [
        ...(claims ? [claims] : []),
        ...draws.map((d) => d.statement),
        directoryStatement(now),
      ]);
      const claimed = new Set((claims ? (answers.shift() ?? []) : []).map((r) => (r as { case_id: string }).case_id));
      const tickets = new Map(prefixes.map((prefix, i) => [prefix, draws[i]?.tickets(answers[i] ?? []) ?? []]));
      const directory = directoryOf(answers.at(-1) ?? []);

      const items: NewCase[] = [];
      const filed: Array<SubmitResult | null> = [];
      for (const [i, input] of inputs.entries()) {
        const sop = sops[i];
        const caseId = caseIds[i];
        const ticket = sop && tickets.get(sop.ticketPrefix)?.shift();
        if (!sop || !caseId || !ticket) throw new Error('a submission of the group has no SOP, case id or ticket');
        // The number drawn for a case whose key was taken stays unused: a gap, as a rollback's.
        if (keys[i] && !claimed.has(caseId)) {
          filed.push(null);
          continue;
        }
        const ctx: EngineContext = {
          sop,
          calendar: await this.deps.calendars.for(input.unitId, tx),
          directory: this.#picks.over(directory),
        };
        const { state, effects } = apply(null, submitEvent(input, caseId, ticket), now, ctx);
        this.#picks.note(effects);
        items.push({ after: state, effects, intake: intakeOf(input) });
        filed.push({ caseId, ticket, duplicate: false });
        this.deps.log.info({ caseId, sop: sop.id }, 'case submitted');
      }
      const saved = await saveNewCases(tx, items, this.#outbox, later);
      progress.committing = true;
      return { filed, saved };
    });
    this.#afterSubmit(outcome.saved);
    return outcome.filed;
  }

  async #submitAlone(input: SubmitInput): Promise<SubmitResult> {
    const now = this.#now();
    // The outbox rows leave with the COMMIT, not waited for on their own (issue 17: a round trip
    // and a socket write less per submission); a failed insert fails the commit.
    const outcome = await pipelinedTransaction(this.deps.db, [], (tx, _opened, later) =>
      this.submitIn(tx, input, now, later),
    );
    if (outcome.saved) this.#afterSubmit(outcome.saved, outcome.caseId);
    return { caseId: outcome.caseId, ticket: outcome.ticket, duplicate: outcome.duplicate };
  }

  /**
   * Queues what a submission scheduled without its caller waiting: the case is committed, and its
   * ticket is all the caller needs. Waited for, the queuing's round trip to Redis was a sixth of a
   * submission's time (issue 17); a failure was only logged then too, and the reconciler queues
   * from the rows what it missed. `drain` waits for those still going.
   */
  #afterSubmit(saved: SavedTransition, caseId: string | null = null): void {
    const queuing = this.schedule(saved, caseId);
    this.#queuing.add(queuing);
    void queuing.finally(() => this.#queuing.delete(queuing));
  }

  readonly #queuing = new Set<Promise<void>>();

  /** Resolves once what submissions scheduled is queued (or left to the reconciler): before the queues close. */
  async drain(): Promise<void> {
    await Promise.all(this.#queuing);
  }

  /**
   * submit inside the caller's transaction; the caller schedules `saved` after its commit. With
   * `later` (pipelinedTransaction's), the outbox rows are sent without waiting for them.
   */
  async submitIn(
    tx: Tx,
    input: SubmitInput,
    now = this.#now(),
    later?: SendLater,
  ): Promise<SubmitResult & { saved: SavedTransition | null }> {
    const sop = await this.deps.sops.active(input.sopId, tx);
    if (!sop) throw new UnknownSopError(`no SOP "${input.sopId}"`);
    const key = input.idempotencyKey ? `submit:${input.idempotencyKey}` : null;
    const caseId = randomUUID();
    // The claim, the ticket number and the directory go in one round trip. The claim names the
    // case it is about to file, saving a statement after the case is written; a duplicate thus
    // draws a number it does not use, a gap like a rolled-back submission's.
    const claim = key ? claimStatement(tx, key, caseId) : null;
    const draw = await this.#tickets.draw(tx, sop.ticketPrefix, now.getUTCFullYear());
    const answers = await sendInOrder(tx, [...(claim ? [claim] : []), draw.statement, directoryStatement(now)]);
    const [claimed, drawn, directory] = claim ? answers : [undefined, ...answers];
    let claimedForCase = false;
    if (key) {
      const seen = await claimOutcome(tx, key, caseId, claimed ?? []);
      claimedForCase = seen.claimed;
      if (!seen.claimed) {
        const previous = seen.caseId ? await loadCaseForUpdate(tx, seen.caseId) : null;
        if (previous) return { caseId: previous.id, ticket: previous.ticket, duplicate: true, saved: null };
      }
    }
    const ticket = draw.ticket(drawn ?? []);
    const ctx: EngineContext = {
      sop,
      calendar: await this.deps.calendars.for(input.unitId, tx),
      directory: this.#picks.over(directoryOf(directory ?? [])),
    };
    const { state, effects } = apply(null, submitEvent(input, caseId, ticket), now, ctx);
    this.#picks.note(effects);
    const saved = await saveTransition(tx, null, state, effects, intakeOf(input), undefined, this.#outbox, later);
    if (key && !claimedForCase) await tx.update(processedEvents).set({ caseId }).where(eq(processedEvents.key, key));
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
   * idempotency claim; callers that go on after a refusal run this in a savepoint. With `later`,
   * the outbox rows leave with the COMMIT, as in submitIn.
   */
  async dispatchIn(
    tx: Tx,
    caseId: string,
    event: CaseCommand,
    idempotencyKey?: string,
    now = this.#now(),
    later?: SendLater,
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
      unitCeiling: await this.deps.calendars.ceiling(state.unitId, tx),
      directory: this.#picks.over(await loadDirectory(tx, now)),
    };
    const transition = apply(state, event, now, ctx);
    this.#picks.note(transition.effects);
    if (transition.effects.length === 0) return { state, duplicate: false, transition, saved: null };
    const left = state.openStep && transition.effects.some((e) => e.type === 'stepClosed');
    // Reports measure the step's own working time: its waits on the reporter are left out.
    const workingMs = left && state.openStep ? activeWorkingMs(state.openStep, now, ctx.calendar) : undefined;
    const saved = await saveTransition(
      tx,
      state,
      transition.state,
      transition.effects,
      undefined,
      workingMs,
      this.#outbox,
      later,
    );
    return { state: transition.state, duplicate: false, transition, saved };
  }

  /**
   * Fires many due timers in one transaction: the cases are loaded and locked together, the
   * directory once, each event applied by the engine and saved, and the jobs queued after the
   * one commit. At most one timer per case (the caller keeps the others for a later batch). The
   * result has each timer's outcome in order: null when it ran (or found its step moved on), the
   * error when it was refused alone. A failure of the transaction itself rejects the whole batch
   * and nothing of it is written; the caller may then try the timers one by one.
   */
  async fireTimers(timers: readonly TimerCommand[]): Promise<Array<Error | null>> {
    const now = this.#now();
    if (new Set(timers.map((t) => t.caseId)).size !== timers.length) throw new Error('one timer per case in a batch');
    // The cases' locks, their steps and the directory go with the BEGIN, and the reminders' rows
    // with the COMMIT: three round trips for the batch.
    const opening = [...lockCasesStatements(timers.map((t) => t.caseId)), directoryStatement(now)];
    const { outcomes, saved } = await pipelinedTransaction(this.deps.db, opening, async (tx, opened, later) => {
      const [locked = [], steps = [], officials = []] = opened;
      const states = casesOf(locked, steps);
      const directory = this.#picks.over(directoryOf(officials));
      const outcomes: Array<Error | null> = [];
      const moved: BatchedTransition[] = [];
      for (const timer of timers) {
        const state = states.get(timer.caseId);
        if (!state) {
          outcomes.push(new UnknownCaseError(`no case ${timer.caseId}`));
          continue;
        }
        const sop = await this.deps.sops.get(state.sopId, state.sopVersion, tx);
        if (!sop) {
          outcomes.push(
            new UnknownSopError(
              `case ${state.ticket} runs ${state.sopId}@${state.sopVersion}, which is not registered`,
            ),
          );
          continue;
        }
        // The unit's own ceiling too: escalations are what timers fire, and they stop there.
        const ctx: EngineContext = {
          sop,
          calendar: await this.deps.calendars.for(state.unitId, tx),
          unitCeiling: await this.deps.calendars.ceiling(state.unitId, tx),
          directory,
        };
        let transition: Transition;
        try {
          // The engine is pure: a refusal throws before anything of this timer is written.
          const { caseId: _, ...event } = timer;
          transition = apply(state, event, now, ctx);
          this.#picks.note(transition.effects);
        } catch (err) {
          outcomes.push(err instanceof Error ? err : new Error(String(err)));
          continue;
        }
        outcomes.push(null);
        if (transition.effects.length === 0) continue;
        const left = state.openStep && transition.effects.some((e) => e.type === 'stepClosed');
        // A step closed while it waits on the reporter ("tidak dilengkapi") did not work during the wait.
        const leftWorkingMs = left && state.openStep ? activeWorkingMs(state.openStep, now, ctx.calendar) : undefined;
        moved.push({ before: state, after: transition.state, effects: transition.effects, leftWorkingMs });
      }
      return { outcomes, saved: await saveTimerBatch(tx, moved, this.#outbox, later) };
    });
    await this.#scheduleMany(saved);
    return outcomes;
  }

  async #scheduleMany(saved: readonly SavedTransition[]): Promise<void> {
    const { afterCommit } = this.deps;
    if (!afterCommit.scheduleMany) {
      await Promise.all(saved.map((s) => this.schedule(s, null)));
      return;
    }
    try {
      await afterCommit.scheduleMany(saved);
    } catch (err) {
      this.deps.log.warn(
        { cases: saved.length, err: (err as Error).message },
        'queuing a batch after commit failed; left to the reconciler',
      );
    }
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

/**
 * Submissions filed in one transaction at most; more in the same turn make further groups, side by
 * side. Sixteen submitters filed as one group left a core idle while the group waited on its round
 * trips; as two groups, one is encoded while Postgres runs the other (bench: 0.52-0.76x the bare
 * rate with 8, 0.38-0.42x with 16, 0.37-0.50x with 4).
 */
const MAX_SUBMISSIONS_TOGETHER = 8;

function submitEvent(input: SubmitInput, caseId: string, ticket: string): Extract<CaseEvent, { type: 'submit' }> {
  return {
    type: 'submit',
    caseId,
    ticket,
    unitId: input.unitId,
    stakeholderId: input.stakeholderId ?? null,
    openedBy: input.openedBy ?? null,
    initiatorId: input.initiatorId ?? null,
    attachments: input.attachments ?? [],
  };
}

function intakeOf(input: SubmitInput): CaseIntake {
  return {
    category: input.category ?? null,
    subject: input.subject ?? null,
    body: input.body ?? null,
    channel: input.channel ?? null,
    openedBy: input.openedBy ?? null,
    rahasia: input.rahasia ?? false,
    fields: input.fields ?? {},
    // 128 random bits: the status link's only protection, since ticket numbers are sequential.
    statusSecret: statusSecret(),
  };
}

/** Claims the keys given, each for its case; its rows name the cases whose key this claimed. */
function claimsStatement(keys: ReadonlyArray<string | null>, caseIds: readonly string[]): Shaped | null {
  const claims = keys.flatMap((key, i) => (key ? [{ key, caseId: caseIds[i] ?? null }] : []));
  if (claims.length === 0) return null;
  return {
    shape: 'claim processed_events many',
    build: buildClaims,
    values: { keys: claims.map((c) => c.key), caseIds: claims.map((c) => c.caseId) },
  };
}

const buildClaims = () =>
  sql`${prepared}insert into processed_events (key, case_id)
      select * from unnest(${sql.placeholder('keys')}::text[], ${sql.placeholder('caseIds')}::text[])
      on conflict do nothing returning case_id`;

/**
 * 128 random bits as base64url, cut from a buffer filled 256 secrets at a time: randomBytes made
 * for each one cost ten microseconds, as much as the rest of the case row (issue 17).
 */
function statusSecret(): string {
  if (secrets.used + 16 > secrets.pool.length) {
    randomFillSync(secrets.pool);
    secrets.used = 0;
  }
  const secret = secrets.pool.toString('base64url', secrets.used, secrets.used + 16);
  secrets.used += 16;
  return secret;
}

const secrets = { pool: Buffer.alloc(16 * 256), used: 16 * 256 };

async function claimKey(
  tx: Tx,
  key: string,
  caseId: string | null,
): Promise<{ claimed: boolean; caseId: string | null }> {
  const [inserted] = await sendInOrder(tx, [claimStatement(tx, key, caseId)]);
  return claimOutcome(tx, key, caseId, inserted ?? []);
}

/** Claims an idempotency key for a case (or none): its rows are the key when this claimed it, none when it was taken. */
function claimStatement(tx: Tx, key: string, caseId: string | null): Shaped {
  const claim = placeholdersOf({ key, caseId });
  return {
    shape: 'claim processed_events',
    build: () =>
      tx
        .insert(processedEvents)
        .values(claim.placeholders() as unknown as typeof processedEvents.$inferInsert)
        .onConflictDoNothing()
        .returning({ key: processedEvents.key })
        .getSQL(),
    values: claim.values,
  };
}

/** What a claim's rows mean: claimed, or taken earlier and for which case. */
async function claimOutcome(
  tx: Tx,
  key: string,
  caseId: string | null,
  inserted: readonly unknown[],
): Promise<{ claimed: boolean; caseId: string | null }> {
  if (inserted.length > 0) return { claimed: true, caseId };
  const [row] = await tx
    .select({ caseId: processedEvents.caseId })
    .from(processedEvents)
    .where(eq(processedEvents.key, key));
  return { claimed: false, caseId: row?.caseId ?? null };
}
