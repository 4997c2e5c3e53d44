import { eq } from 'drizzle-orm';
import { answerReporterIn, askReporterIn } from '../cases/index.js';
import type { Tx } from '../db/index.js';
import { cases, stepInstances } from '../db/index.js';
import { extendCatalog } from '../i18n/index.js';
import { CaseRejectedError, caseIdOf } from '../sop/index.js';
import type { Flow, FlowContext } from './context.js';
import { mayHandle } from './official.js';
import { readReporterWaitToken } from './reporter-wait-token.js';

/**
 * A wait on the reporter, from the chat: the step's official presses "Minta kelengkapan ke
 * pelapor" and writes what is missing; the reporter presses "Kirim jawaban" and sends a text or a
 * file. Each goes to the engine, which stops or restarts the step's clock.
 */
export async function pressReporterWait(ctx: FlowContext, token: string): Promise<void> {
  const ref = readReporterWaitToken(ctx.deps.signer, token);
  if (!ref) {
    ctx.say('act.invalid');
    return;
  }
  if (ref.kind === 'ask') return startAsking(ctx, ref.instanceId);
  return startAnswering(ctx, ref.caseId);
}

async function startAsking(ctx: FlowContext, instanceId: string): Promise<void> {
  if (ctx.person?.kind !== 'official') {
    ctx.say('official.only');
    return;
  }
  const [row] = await ctx.tx
    .select()
    .from(cases)
    .where(eq(cases.id, caseIdOf(instanceId)));
  const [step] = await ctx.tx.select().from(stepInstances).where(eq(stepInstances.id, instanceId));
  if (!row || !step || row.openInstanceId !== instanceId) {
    ctx.say('case.rejected.stale_step', { ticket: row?.ticket ?? '' });
    return;
  }
  // Asked before the official writes the request, so nobody writes one for a step that is not theirs.
  if (!(await mayHandle(ctx, step, ctx.person.id))) {
    ctx.say('case.rejected.not_assignee');
    return;
  }
  if (step.pausedAt) {
    ctx.say('case.rejected.already_waiting', { ticket: row.ticket });
    return;
  }
  await ctx.go('tanya', 'note', { caseId: row.id, instanceId, ticket: row.ticket });
}

async function startAnswering(ctx: FlowContext, caseId: string): Promise<void> {
  const [row] = await ctx.tx.select().from(cases).where(eq(cases.id, caseId));
  const person = ctx.person;
  const isReporter =
    row &&
    person &&
    (person.kind === 'stakeholder'
      ? row.stakeholderId === person.id
      : !row.stakeholderId && row.initiatorId === person.id);
  if (!row || !isReporter) {
    ctx.say('act.invalid');
    return;
  }
  const [step] = row.openInstanceId
    ? await ctx.tx.select().from(stepInstances).where(eq(stepInstances.id, row.openInstanceId))
    : [];
  if (!step?.pausedAt) {
    ctx.say('case.rejected.not_waiting', { ticket: row.ticket });
    return;
  }
  await ctx.go('jawab', 'answer', { caseId: row.id, ticket: row.ticket });
}

/** Runs the request or answer in a savepoint: a refusal is told, nothing else changes. True when it went through. */
async function dispatch(
  ctx: FlowContext,
  caseId: string,
  ticket: string,
  run: (sp: Tx, key: string) => ReturnType<typeof askReporterIn>,
) {
  try {
    const result = await ctx.tx.transaction((sp) => run(sp, `${ctx.inbound.channel}:${ctx.inbound.key}`));
    if (result.saved) ctx.scheduled.push({ saved: result.saved, caseId });
    return true;
  } catch (err) {
    if (!(err instanceof CaseRejectedError)) throw err;
    ctx.say(err.messageKey, { ticket, ...err.params });
    return false;
  } finally {
    ctx.state = { flow: 'menu', step: 'start', data: {} };
  }
}

/** The official writes what the reporter is asked for. */
export const askReporterFlow: Flow = {
  note: {
    async prompt(ctx) {
      ctx.say('wait.ask_note', { ticket: String(ctx.state.data.ticket ?? '') });
    },
    async handle(ctx, input) {
      const note = input.text?.trim();
      const { caseId, instanceId, ticket } = ctx.state.data as Record<string, string>;
      if (!note || !caseId || !instanceId || ctx.person?.kind !== 'official') {
        ctx.say('wait.ask_note', { ticket: ticket ?? '' });
        return;
      }
      const request = { caseId, instanceId, actorId: ctx.person.id, note };
      const asked = await dispatch(ctx, caseId, ticket ?? '', (sp, key) =>
        askReporterIn(ctx.deps.cases, sp, request, key, ctx.now),
      );
      if (asked) ctx.say('wait.asked', { ticket: ticket ?? '' });
    },
  },
};

/** The reporter sends their answer: a text or a file. */
export const answerReporterFlow: Flow = {
  answer: {
    async prompt(ctx) {
      ctx.say('wait.answer_prompt', { ticket: String(ctx.state.data.ticket ?? '') });
    },
    async handle(ctx, input) {
      const { caseId, ticket } = ctx.state.data as Record<string, string>;
      const text = input.text?.trim() ?? '';
      const file = input.attachment;
      if ((!text && !file) || !caseId || !ctx.person) {
        ctx.say('wait.answer_prompt', { ticket: ticket ?? '' });
        return;
      }
      const answer = {
        caseId,
        by: ctx.person.kind === 'stakeholder' ? 'stakeholder' : ctx.person.id,
        text,
        attachments: file ? [{ id: file.id, name: file.name }] : [],
      };
      const answered = await dispatch(ctx, caseId, ticket ?? '', (sp, key) =>
        answerReporterIn(ctx.deps.cases, sp, answer, key, ctx.now),
      );
      if (answered) ctx.say('wait.answered', { ticket: ticket ?? '' });
    },
  },
};

extendCatalog('id', {
  'wait.ask_note':
    'Tiket {ticket}: tuliskan kelengkapan yang diminta dari pelapor. Waktu langkah ini berhenti sampai pelapor menjawab.',
  'wait.asked':
    'Permintaan kelengkapan tiket {ticket} telah dikirim ke pelapor. Anda akan dikabari saat pelapor menjawab.',
  'wait.answer_prompt':
    'Tiket {ticket}: kirim jawaban Anda sekarang, berupa teks atau berkas (foto, PDF, Word, Excel).',
  'wait.answered':
    'Terima kasih. Jawaban untuk tiket {ticket} telah kami teruskan ke petugas, dan tiket kembali diproses.',
});

extendCatalog('en', {
  'wait.ask_note':
    'Ticket {ticket}: write what the reporter is asked for. This step’s clock stops until the reporter answers.',
  'wait.asked': 'The request for ticket {ticket} has been sent to the reporter. You will be told when they answer.',
  'wait.answer_prompt': 'Ticket {ticket}: send your answer now, as a text or a file (photo, PDF, Word, Excel).',
  'wait.answered':
    'Thank you. Your answer for ticket {ticket} has gone to the official, and the ticket is being handled again.',
});
