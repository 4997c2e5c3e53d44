import { eq } from 'drizzle-orm';
import { cases } from '../db/index.js';
import { extendCatalog } from '../i18n/index.js';
import {
  answerSurvey,
  inLanguage,
  shippedSurveyQuestions,
  surveyOpen,
  UNSUR_IDS,
  type UnsurId,
} from '../survey/index.js';
import type { Flow, FlowContext } from './context.js';
import { readSurveyToken } from './survey-token.js';

extendCatalog('id', {
  'survey.question': 'Pertanyaan {n} dari 9 — {name}\n{question}\n(1 = paling rendah, 4 = paling tinggi)',
  'survey.pick': 'Mohon pilih salah satu jawaban dengan tombol, atau ketik angka 1 sampai 4.',
  'survey.comment': 'Terakhir, saran atau masukan untuk layanan kami (boleh dikosongkan dengan Lewati):',
  'survey.comment_skip': 'Lewati',
  'survey.thanks': 'Terima kasih, penilaian Anda untuk tiket {ticket} sudah kami terima.',
  'survey.skipped': 'Baik, survei tiket {ticket} dilewati. Terima kasih.',
  'survey.closed': 'Survei tiket {ticket} sudah diisi atau sudah tidak dapat diisi lagi. Terima kasih.',
});
extendCatalog('en', {
  'survey.question': 'Question {n} of 9 — {name}\n{question}\n(1 = lowest, 4 = highest)',
  'survey.pick': 'Please choose one answer with the buttons, or type a number from 1 to 4.',
  'survey.comment': 'Finally, any suggestion for our service (or press Skip):',
  'survey.comment_skip': 'Skip',
  'survey.thanks': 'Thank you, your rating for ticket {ticket} has been received.',
  'survey.skipped': 'All right, the survey of ticket {ticket} is skipped. Thank you.',
  'survey.closed': 'The survey of ticket {ticket} has been answered already or can no longer be answered. Thank you.',
});

const SCORE = /^skor:([1-4])$/;
const NO_COMMENT = 'komentar:lewati';

/** "Isi survei" / "Lewati" under the survey's offer: only the case's own reporter may answer, once. */
export async function answerSurveyToken(ctx: FlowContext, token: string): Promise<void> {
  const ref = readSurveyToken(ctx.deps.signer, token);
  const [row] = ref ? await ctx.tx.select().from(cases).where(eq(cases.id, ref.caseId)) : [];
  if (!ref || !row || ctx.person?.kind !== 'stakeholder' || row.stakeholderId !== ctx.person.id) {
    ctx.say('act.invalid');
    return;
  }
  if (ref.kind === 'lewati') {
    const skipped = await answerSurvey(ctx.tx, {
      caseId: row.id,
      scores: null,
      channel: ctx.inbound.channel,
      at: ctx.now,
    });
    ctx.say(skipped ? 'survey.skipped' : 'survey.closed', { ticket: row.ticket });
    if (skipped) ctx.state = { flow: 'menu', step: 'start', data: {} };
    return;
  }
  if (!(await surveyOpen(ctx.tx, row.id))) {
    ctx.say('survey.closed', { ticket: row.ticket });
    return;
  }
  await ctx.go('survey', 'unsur', { caseId: row.id, ticket: row.ticket, unitId: row.unitId, scores: {} });
}

interface SurveyDraft {
  readonly caseId: string;
  readonly ticket: string;
  readonly unitId: string;
  readonly scores: Partial<Record<UnsurId, number>>;
}

const draftOf = (ctx: FlowContext) => ctx.state.data as unknown as SurveyDraft;
const nextUnsur = (draft: SurveyDraft) => UNSUR_IDS.findIndex((id) => draft.scores[id] === undefined);

function askUnsur(ctx: FlowContext): void {
  const draft = draftOf(ctx);
  const index = nextUnsur(draft);
  const unsur = (ctx.deps.survey ?? shippedSurveyQuestions()).forUnit(draft.unitId)[index];
  if (!unsur) return;
  ctx.say(
    'survey.question',
    {
      n: String(index + 1),
      name: inLanguage(unsur.name, ctx.language),
      question: inLanguage(unsur.question, ctx.language),
    },
    unsur.answers.map((a, i) => ({ value: `skor:${i + 1}`, label: `${i + 1}. ${inLanguage(a, ctx.language)}` })),
  );
}

/** The nine unsur one by one (1–4 with buttons), then an optional comment; stored once at the end. */
export const surveyFlow: Flow = {
  unsur: {
    async prompt(ctx) {
      askUnsur(ctx);
    },
    async handle(ctx, input) {
      const draft = draftOf(ctx);
      const typed = input.text && /^[1-4]$/.test(input.text) ? `skor:${input.text}` : null;
      const score = SCORE.exec(input.choice ?? typed ?? '');
      const index = nextUnsur(draft);
      const id = UNSUR_IDS[index];
      if (!score || !id) {
        ctx.say('survey.pick');
        askUnsur(ctx);
        return;
      }
      const scores = { ...draft.scores, [id]: Number(score[1]) };
      if (index < UNSUR_IDS.length - 1) {
        ctx.state = { ...ctx.state, data: { ...draft, scores } };
        askUnsur(ctx);
        return;
      }
      await ctx.go('survey', 'comment', { ...draft, scores });
    },
  },
  comment: {
    async prompt(ctx) {
      ctx.say('survey.comment', {}, [{ value: NO_COMMENT, label: ctx.t('survey.comment_skip') }]);
    },
    async handle(ctx, input) {
      const draft = draftOf(ctx);
      const comment = input.choice === NO_COMMENT ? null : (input.text ?? null);
      const saved = await answerSurvey(ctx.tx, {
        caseId: draft.caseId,
        scores: draft.scores as Record<UnsurId, number>,
        comment,
        channel: ctx.inbound.channel,
        at: ctx.now,
      });
      ctx.say(saved ? 'survey.thanks' : 'survey.closed', { ticket: draft.ticket });
      ctx.state = { flow: 'menu', step: 'start', data: {} };
    },
  },
};
