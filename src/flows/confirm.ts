import { eq } from 'drizzle-orm';
import type { CaseService, SavedTransition } from '../cases/index.js';
import type { Tx } from '../db/index.js';
import { cases } from '../db/index.js';
import { CaseRejectedError } from '../sop/index.js';
import { readConfirmToken } from './confirm-token.js';
import type { Flow, FlowContext } from './context.js';

/** Whether "Belum" may still reopen the case: it is closed and the SOP's window has not ended. */
export const reopenWindowOpen = (row: { status: string; reopenUntil: Date | null }, now: Date) =>
  row.status === 'closed' && row.reopenUntil !== null && row.reopenUntil >= now;

export interface ClosingAnswer {
  readonly caseId: string;
  readonly ticket: string;
  /** Null for "Sudah selesai"; the reporter's reason for "Belum". */
  readonly reason: string | null;
  /** Where the answer came from (`<channel>:<message key>`, or a status page form's own key): one answer per key. */
  readonly idempotencyKey: string;
  readonly now: Date;
}

export interface ClosingAnswerResult {
  /** What to tell the reporter: thanks, reopened, or the engine's polite refusal. */
  readonly messageKey: string;
  readonly params: Readonly<Record<string, string>>;
  /** The transition to queue after the caller's commit. */
  readonly saved: SavedTransition | null;
}

/**
 * The reporter's answer to the closing, the same from the chat and the status page. It goes to the
 * engine in a savepoint: a refusal (the window has ended, no reason) is told, nothing else changes.
 */
export async function answerClosing(tx: Tx, service: CaseService, answer: ClosingAnswer): Promise<ClosingAnswerResult> {
  const { caseId, ticket, reason } = answer;
  try {
    const result = await tx.transaction((sp) =>
      service.dispatchIn(
        sp,
        caseId,
        { type: 'confirm', solved: reason === null, ...(reason ? { reason: reason.slice(0, 2000) } : {}) },
        answer.idempotencyKey,
        answer.now,
      ),
    );
    return {
      messageKey: reason === null ? 'confirm.thanks' : 'confirm.reopened',
      params: { ticket },
      saved: result.saved,
    };
  } catch (err) {
    if (!(err instanceof CaseRejectedError)) throw err;
    return { messageKey: err.messageKey, params: { ticket, ...err.params }, saved: null };
  }
}

/** "Sudah selesai" / "Belum" on a closing message: only the case's own reporter may answer. */
export async function answerConfirm(ctx: FlowContext, token: string): Promise<void> {
  const ref = readConfirmToken(ctx.deps.signer, token);
  const [row] = ref ? await ctx.tx.select().from(cases).where(eq(cases.id, ref.caseId)) : [];
  if (!ref || !row || ctx.person?.kind !== 'stakeholder' || row.stakeholderId !== ctx.person.id) {
    ctx.say('act.invalid');
    return;
  }
  if (ref.answer === 'belum') {
    if (!reopenWindowOpen(row, ctx.now)) {
      ctx.say('case.rejected.reopen_closed', { ticket: row.ticket });
      return;
    }
    return ctx.go('confirm', 'reason', { caseId: row.id, ticket: row.ticket });
  }
  await sayAnswer(ctx, row.id, row.ticket, null);
}

async function sayAnswer(ctx: FlowContext, caseId: string, ticket: string, reason: string | null) {
  const result = await answerClosing(ctx.tx, ctx.deps.cases, {
    caseId,
    ticket,
    reason,
    idempotencyKey: `${ctx.inbound.channel}:${ctx.inbound.key}`,
    now: ctx.now,
  });
  if (result.saved) ctx.scheduled.push({ saved: result.saved, caseId });
  ctx.say(result.messageKey, result.params);
  ctx.state = { flow: 'menu', step: 'start', data: {} };
}

export const confirmFlow: Flow = {
  reason: {
    async prompt(ctx) {
      ctx.say('confirm.reason', { ticket: String(ctx.state.data.ticket ?? '') });
    },
    async handle(ctx, input) {
      const reason = input.text?.trim();
      if (!reason) {
        ctx.say('confirm.reason', { ticket: String(ctx.state.data.ticket ?? '') });
        return;
      }
      await sayAnswer(ctx, String(ctx.state.data.caseId), String(ctx.state.data.ticket), reason);
    },
  },
};
