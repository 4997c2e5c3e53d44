import { eq } from 'drizzle-orm';
import type { Tx } from '../db/index.js';
import { cases, surveyResponses } from '../db/index.js';
import { UNSUR_IDS, type UnsurId } from './questions.js';

export interface SurveyAnswer {
  readonly caseId: string;
  /** Every unsur's score (1–4); null when the reporter skipped the survey. */
  readonly scores: Readonly<Record<UnsurId, number>> | null;
  readonly comment?: string | null;
  readonly channel: string;
  readonly at: Date;
}

/**
 * Stores the answer to a case's survey, or its refusal. Once per case: a second answer (a double
 * press, the web form sent after the chat) is not counted, and false says so.
 */
async function saveSurveyAnswer(tx: Tx, answer: SurveyAnswer): Promise<boolean> {
  const comment = answer.comment?.trim().slice(0, 2000) || null;
  const inserted = await tx
    .insert(surveyResponses)
    .values({
      caseId: answer.caseId,
      scores: answer.scores ? { ...answer.scores } : {},
      comment: answer.scores ? comment : null,
      skipped: answer.scores === null,
      channel: answer.channel,
      answeredAt: answer.at,
    })
    .onConflictDoNothing()
    .returning({ caseId: surveyResponses.caseId });
  return inserted.length > 0;
}

/** Whether a case's survey may be answered now: its closing is final and nobody answered yet. */
export async function surveyOpen(tx: Tx, caseId: string): Promise<boolean> {
  const [row] = await tx
    .select({ status: cases.status, reopenUntil: cases.reopenUntil, answered: surveyResponses.caseId })
    .from(cases)
    .leftJoin(surveyResponses, eq(surveyResponses.caseId, cases.id))
    .where(eq(cases.id, caseId));
  return !!row && row.status === 'closed' && row.reopenUntil === null && row.answered === null;
}

/**
 * Answers a case's survey if it is still open: the one way in for the chat and the status page.
 * False when the closing is not final yet, or the survey was answered or skipped already.
 */
export async function answerSurvey(tx: Tx, answer: SurveyAnswer): Promise<boolean> {
  return (await surveyOpen(tx, answer.caseId)) && (await saveSurveyAnswer(tx, answer));
}

/** Every unsur's score from answers keyed by unsur id, or null when one is missing or not 1 to 4. */
export function completeScores(given: Readonly<Record<string, unknown>>): Record<UnsurId, number> | null {
  const scores: Partial<Record<UnsurId, number>> = {};
  for (const id of UNSUR_IDS) {
    const value = String(given[id] ?? '');
    if (!/^[1-4]$/.test(value)) return null;
    scores[id] = Number(value);
  }
  return scores as Record<UnsurId, number>;
}
