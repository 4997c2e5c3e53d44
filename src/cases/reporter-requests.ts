import { and, eq, isNull } from 'drizzle-orm';
import type { Db, Tx } from '../db/index.js';
import { attachments } from '../db/index.js';
import type { AttachmentRef } from '../sop/index.js';
import type { CaseService, DispatchResult } from './case-service.js';
import type { SavedTransition } from './case-store.js';

/*
 * Waiting on the reporter, whoever starts it: the chat's buttons, the console's case page (an admin)
 * and task list (an official), and the status page's form an email links to all come through here,
 * so a request and an answer are written the same way from every door.
 */

/** The longest request or answer kept; a longer one is cut rather than refused. */
export const REPORTER_TEXT_MAX = 2000;

export interface AskReporterInput {
  readonly caseId: string;
  readonly instanceId: string;
  /** The official asking (their id), or the admin (`admin:<username>`) when `byAdmin`. */
  readonly actorId: string;
  /** What the reporter is asked for, as they will read it. */
  readonly note: string;
  /** An admin asks in the step holder's stead; the caller has checked the account. Default false. */
  readonly byAdmin?: boolean;
}

export interface AnswerReporterInput {
  readonly caseId: string;
  /** "stakeholder", or the id of the official who opened the case. */
  readonly by: string;
  readonly text?: string;
  /** Files the reporter uploaded for the answer, not yet attached to any case. */
  readonly attachments?: readonly AttachmentRef[];
}

type Outcome = DispatchResult & { saved: SavedTransition | null };

/** Stops the step's clock and asks the reporter, in the caller's transaction. Refusals throw CaseRejectedError. */
export function askReporterIn(
  cases: CaseService,
  tx: Tx,
  input: AskReporterInput,
  idempotencyKey?: string,
  now?: Date,
): Promise<Outcome> {
  return cases.dispatchIn(
    tx,
    input.caseId,
    {
      type: 'askReporter',
      instanceId: input.instanceId,
      actorId: input.actorId,
      note: input.note.trim().slice(0, REPORTER_TEXT_MAX),
      ...(input.byAdmin ? { byAdmin: true } : {}),
    },
    idempotencyKey,
    now,
  );
}

/**
 * The reporter's answer restarts the clock, in the caller's transaction: its files are attached to
 * the case first (only files no case holds yet), then the engine takes the answer.
 */
export async function answerReporterIn(
  cases: CaseService,
  tx: Tx,
  input: AnswerReporterInput,
  idempotencyKey?: string,
  now?: Date,
): Promise<Outcome> {
  const files = input.attachments ?? [];
  for (const file of files) {
    await tx
      .update(attachments)
      .set({ caseId: input.caseId })
      .where(and(eq(attachments.id, file.id), isNull(attachments.caseId)));
  }
  const text = input.text?.trim().slice(0, REPORTER_TEXT_MAX) ?? '';
  return cases.dispatchIn(
    tx,
    input.caseId,
    { type: 'reporterAnswer', by: input.by, ...(text ? { text } : {}), attachments: files },
    idempotencyKey,
    now,
  );
}

/** askReporterIn in a transaction of its own, its timers and messages queued after the commit. */
export async function askReporter(cases: CaseService, db: Db, input: AskReporterInput): Promise<Outcome> {
  const outcome = await db.transaction((tx) => askReporterIn(cases, tx, input));
  if (outcome.saved) await cases.schedule(outcome.saved, input.caseId);
  return outcome;
}

/** answerReporterIn in a transaction of its own, its timers and messages queued after the commit. */
export async function answerReporter(cases: CaseService, db: Db, input: AnswerReporterInput): Promise<Outcome> {
  const outcome = await db.transaction((tx) => answerReporterIn(cases, tx, input));
  if (outcome.saved) await cases.schedule(outcome.saved, input.caseId);
  return outcome;
}
