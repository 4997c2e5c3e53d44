import { and, eq, isNull } from 'drizzle-orm';
import { attachments } from '../db/index.js';
import type { Flow, FlowContext } from './context.js';
import { askIdentity } from './identity.js';

export const MAX_TEXT = 2000;
const MAX_ABOUT = 200;
const CATEGORIES = ['keluhan', 'saran', 'masukan'] as const;

interface Draft {
  /** The SOP chosen in the menu; the complaint SOP when absent (a conversation from before). */
  sop?: string;
  /** The unit the case goes to, chosen in the menu; the default unit when absent. */
  unit?: string;
  category?: string;
  about?: string | null;
  text?: string;
  attachment?: { id: string; name: string } | null;
  /** SP4N-LAPOR! style: officials see a pseudonym and no contact details. Asked before the summary. */
  rahasia?: boolean;
}

const draft = (ctx: FlowContext) => ctx.state.data as Draft;
const categoryLabel = (ctx: FlowContext) =>
  ctx.t(`complaint.category.${draft(ctx).category ?? 'keluhan'}`).toLowerCase();

function move(ctx: FlowContext, step: string, changes: Partial<Draft>): Promise<void> {
  return ctx.go('complaint', step, { ...ctx.state.data, ...changes });
}

/** Saran/Keluhan/Masukan: category, subject, text, attachment, identity, rahasia or not, then a summary to confirm. */
export const complaintFlow: Flow = {
  start: {
    async prompt(ctx) {
      ctx.say(
        'complaint.category',
        {},
        CATEGORIES.map((c) => ({ value: `category:${c}`, label: ctx.t(`complaint.category.${c}`) })),
      );
    },
    async handle(ctx, input) {
      const category = CATEGORIES.find((c) => input.choice === `category:${c}`);
      if (!category) {
        ctx.say('common.choose_hint');
        return;
      }
      await move(ctx, draft(ctx).text ? 'confirm' : 'about', { category });
    },
  },
  about: {
    async prompt(ctx) {
      ctx.say('complaint.about', {}, [{ value: 'skip', label: ctx.t('common.skip') }]);
    },
    async handle(ctx, input) {
      if (input.choice === 'skip') return move(ctx, 'text', { about: null });
      const about = input.text?.trim();
      if (!about) {
        ctx.say('complaint.about', {}, [{ value: 'skip', label: ctx.t('common.skip') }]);
        return;
      }
      if (about.length > MAX_ABOUT) {
        ctx.say('complaint.about_too_long', { max: String(MAX_ABOUT) });
        return;
      }
      await move(ctx, 'text', { about });
    },
  },
  text: {
    async prompt(ctx) {
      ctx.say('complaint.text', { category: categoryLabel(ctx), max: String(MAX_TEXT) });
    },
    async handle(ctx, input) {
      const text = input.text?.trim() ?? '';
      if (!text) {
        ctx.say('complaint.text_empty', { category: categoryLabel(ctx) });
        return;
      }
      if (text.length > MAX_TEXT) {
        ctx.say('complaint.text_too_long', { length: String(text.length), max: String(MAX_TEXT) });
        return;
      }
      await move(ctx, draft(ctx).attachment === undefined ? 'attachment' : 'confirm', { text });
    },
  },
  attachment: {
    async prompt(ctx) {
      ctx.say('complaint.attachment', {}, [{ value: 'skip', label: ctx.t('common.skip') }]);
    },
    async handle(ctx, input) {
      if (input.attachment) {
        ctx.say('complaint.attachment_received', { name: input.attachment.name });
        return toConfirm(ctx, { attachment: { id: input.attachment.id, name: input.attachment.name } });
      }
      if (input.choice === 'skip') return toConfirm(ctx, { attachment: null });
      ctx.say('complaint.attachment_expected', {}, [{ value: 'skip', label: ctx.t('common.skip') }]);
    },
  },
  rahasia: {
    async prompt(ctx) {
      ctx.say('complaint.rahasia', {}, [
        { value: 'rahasia:yes', label: ctx.t('complaint.rahasia_yes') },
        { value: 'rahasia:no', label: ctx.t('complaint.rahasia_no') },
      ]);
    },
    async handle(ctx, input) {
      if (input.choice !== 'rahasia:yes' && input.choice !== 'rahasia:no') {
        ctx.say('common.choose_hint');
        return;
      }
      await move(ctx, 'confirm', { rahasia: input.choice === 'rahasia:yes' });
    },
  },
  confirm: {
    async prompt(ctx) {
      if (ctx.person?.kind !== 'stakeholder') {
        await askIdentity(ctx, { flow: 'complaint', step: 'confirm', data: ctx.state.data });
        return;
      }
      const d = draft(ctx);
      if (d.rahasia === undefined) return move(ctx, 'rahasia', {});
      const none = ctx.t('complaint.none');
      ctx.say(
        'complaint.summary',
        {
          category: ctx.t(`complaint.category.${d.category ?? 'keluhan'}`),
          about: d.about ?? none,
          text: d.text ?? '',
          attachment: d.attachment?.name ?? none,
          name: ctx.person.name,
          contact: ctx.person.contact,
          rahasia: ctx.t(d.rahasia ? 'complaint.rahasia_on' : 'complaint.rahasia_off'),
        },
        [
          { value: 'send', label: ctx.t('complaint.send') },
          { value: 'edit:text', label: ctx.t('complaint.edit_text') },
          { value: 'edit:category', label: ctx.t('complaint.edit_category') },
          { value: 'edit:rahasia', label: ctx.t('complaint.edit_rahasia') },
          { value: 'cancel', label: ctx.t('complaint.cancel') },
        ],
      );
    },
    async handle(ctx, input) {
      switch (input.choice) {
        case 'send':
          return file(ctx);
        case 'edit:text':
          return ctx.go('complaint', 'text', { ...ctx.state.data });
        case 'edit:category':
          return ctx.go('complaint', 'start', { ...ctx.state.data });
        case 'edit:rahasia':
          return move(ctx, 'rahasia', {});
        case 'cancel':
          ctx.say('cancel.done');
          return ctx.go('menu');
        default:
          ctx.say('common.choose_hint');
      }
    },
  },
};

function toConfirm(ctx: FlowContext, changes: Partial<Draft>): Promise<void> {
  return move(ctx, 'confirm', changes);
}

/** Files the case; the engine's receipt (ticket, stage, expected time) reaches the stakeholder via the outbox. */
async function file(ctx: FlowContext): Promise<void> {
  if (ctx.person?.kind !== 'stakeholder') return askIdentity(ctx, { ...ctx.state });
  const d = draft(ctx);
  const result = await ctx.deps.cases.submitIn(
    ctx.tx,
    {
      sopId: d.sop ?? ctx.deps.complaintSop,
      unitId: d.unit ?? ctx.deps.defaultUnit,
      stakeholderId: ctx.person.id,
      category: d.category ?? 'keluhan',
      subject: d.about ?? null,
      body: d.text ?? '',
      channel: ctx.inbound.channel,
      rahasia: d.rahasia === true,
      idempotencyKey: `${ctx.inbound.channel}:${ctx.inbound.key}`,
    },
    ctx.now,
    ctx.later,
  );
  if (d.attachment) {
    await ctx.tx
      .update(attachments)
      .set({ caseId: result.caseId })
      .where(and(eq(attachments.id, d.attachment.id), isNull(attachments.caseId)));
  }
  if (result.saved) ctx.scheduled.push({ saved: result.saved, caseId: result.caseId });
  ctx.state = { flow: 'menu', step: 'start', data: {} };
}
