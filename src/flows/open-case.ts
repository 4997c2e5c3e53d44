import { eq } from 'drizzle-orm';
import {
  type ChatOffer,
  chatOffers,
  checkField,
  fieldText,
  IntakeRefusedError,
  intakeFieldsOf,
  intakeFilesOf,
  MAX_BODY,
  MAX_SUBJECT,
  mayOpen,
  type Opener,
  openCase,
  unitRuns,
  unitSopList,
} from '../cases/index.js';
import { officials } from '../db/index.js';
import type { SopDefinition } from '../sop/index.js';
import type { Choice, Flow, FlowContext } from './context.js';
import { askIdentity } from './identity.js';

interface Draft {
  sop?: string;
  /** A stakeholder SOP's unit, chosen in the menu: the case runs there. */
  unit?: string;
  subject?: string;
  body?: string;
  fields?: Record<string, string>;
  files?: Array<{ kelengkapan: string; id: string; name: string }>;
  /** Index of the field or file being asked. */
  at?: number;
  /** Every answer given once: an edit goes back to the summary. */
  done?: boolean;
}

const draft = (ctx: FlowContext) => ctx.state.data as Draft;

function move(ctx: FlowContext, step: string, changes: Partial<Draft>): Promise<void> {
  return ctx.go('open', step, { ...ctx.state.data, ...changes });
}

const localized = (ctx: FlowContext, text: { id: string; en?: string | undefined }) =>
  (ctx.language === 'en' ? text.en : undefined) ?? text.id;

/** The official writing, with the role and unit that decide what they may open. */
async function officialOf(ctx: FlowContext) {
  if (ctx.person?.kind !== 'official') return null;
  const [row] = await ctx.tx
    .select({ id: officials.id, roleId: officials.roleId, unitId: officials.unitId })
    .from(officials)
    .where(eq(officials.id, ctx.person.id));
  return row ?? null;
}

/**
 * The SOPs an official may open: intake official, their role starts it or is one of its initiators,
 * and their unit runs it.
 */
async function openableBy(ctx: FlowContext, official: { roleId: string; unitId: string }): Promise<SopDefinition[]> {
  const all = await ctx.deps.sops.all(ctx.tx);
  const runs = (await unitSopList(ctx.tx, official.unitId)) ?? null;
  return all.filter(
    (sop) =>
      mayOpen(sop, { kind: 'official', id: '', roleId: official.roleId }) && unitRuns(runs, sop, ctx.deps.complaintSop),
  );
}

/** The SOP of the draft, as the person may still open it; null (and back to the menu) otherwise. */
async function sopOf(ctx: FlowContext): Promise<SopDefinition | null> {
  const id = draft(ctx).sop;
  const sop = id ? await ctx.deps.sops.active(id, ctx.tx) : undefined;
  if (sop) return sop;
  ctx.say('open.gone');
  await ctx.go('menu');
  return null;
}

/** The chat's stakeholder SOPs, in the units' order, each with the units that offer it: what its menu offers. */
export function offeredInChat(ctx: FlowContext): Promise<ChatOffer[]> {
  return chatOffers(ctx.tx, ctx.deps.sops, ctx.units, ctx.deps.defaultUnit, ctx.deps.complaintSop);
}

/** Starts the registration of a stakeholder SOP chosen in the menu (form pendaftaran), for its unit. */
export function startRegistration(ctx: FlowContext, sop: SopDefinition, unitId: string): Promise<void> {
  return ctx.go('open', 'subject', { sop: sop.id, unit: unitId, fields: {}, files: [] });
}

/**
 * Opening a case of any SOP from a chat: /baru for officials (the SOPs their role may open), or a
 * registration the unit offers in its menu for stakeholders. The start step's kelengkapan are
 * asked one by one: subject, text, the SOP's intake fields, then each file by its name.
 */
export const openCaseFlow: Flow = {
  start: {
    async prompt(ctx) {
      const official = await officialOf(ctx);
      if (!official) {
        ctx.say('official.only');
        return ctx.go('menu');
      }
      const sops = await openableBy(ctx, official);
      if (sops.length === 0) {
        ctx.say('open.none');
        return ctx.go('menu');
      }
      ctx.say(
        'open.choose',
        {},
        sops.map((s) => ({ value: `sop:${s.id}`, label: s.title })),
      );
    },
    async handle(ctx, input) {
      const official = await officialOf(ctx);
      if (!official) return ctx.go('menu');
      const id = input.choice?.startsWith('sop:') ? input.choice.slice(4) : null;
      const sop = id ? await ctx.deps.sops.active(id, ctx.tx) : undefined;
      if (!sop) {
        ctx.say('common.choose_hint');
        return;
      }
      if (!mayOpen(sop, { kind: 'official', id: official.id, roleId: official.roleId })) {
        ctx.say('intake.refused.not_initiator', { sop: sop.title });
        return ctx.go('menu');
      }
      if (!unitRuns((await unitSopList(ctx.tx, official.unitId)) ?? null, sop, ctx.deps.complaintSop)) {
        ctx.say('intake.refused.sop_not_offered', { sop: sop.title });
        return ctx.go('menu');
      }
      await move(ctx, 'subject', { sop: sop.id, fields: {}, files: [] });
    },
  },
  subject: {
    async prompt(ctx) {
      const sop = await sopOf(ctx);
      if (!sop) return;
      ctx.say('open.subject', {
        sop: sop.title,
        label: localized(ctx, sop.subjectLabel ?? { id: 'Perihal', en: 'Subject' }),
        max: String(MAX_SUBJECT),
      });
    },
    async handle(ctx, input) {
      const subject = input.text?.trim() ?? '';
      if (!subject) return void ctx.say('intake.refused.subject_empty');
      if (subject.length > MAX_SUBJECT)
        return void ctx.say('intake.refused.subject_too_long', { max: String(MAX_SUBJECT) });
      await move(ctx, draft(ctx).done ? 'confirm' : 'body', { subject });
    },
  },
  body: {
    async prompt(ctx) {
      ctx.say('open.body', { max: String(MAX_BODY) });
    },
    async handle(ctx, input) {
      const body = input.text?.trim() ?? '';
      if (!body) return void ctx.say('intake.refused.body_empty');
      if (body.length > MAX_BODY) return void ctx.say('intake.refused.body_too_long', { max: String(MAX_BODY) });
      if (draft(ctx).done) return move(ctx, 'confirm', { body });
      await next(ctx, 'field', 0, { body });
    },
  },
  field: {
    async prompt(ctx) {
      const sop = await sopOf(ctx);
      if (!sop) return;
      const field = intakeFieldsOf(sop)[draft(ctx).at ?? 0];
      if (!field) return next(ctx, 'file', 0, {});
      const label = localized(ctx, field.label);
      if (field.kind === 'choice') {
        const choices: Choice[] = (field.options ?? []).map((o) => ({
          value: `field:${o.value}`,
          label: localized(ctx, o.label),
        }));
        ctx.say('open.field_choice', { label }, choices);
      } else {
        ctx.say(field.kind === 'date' ? 'open.field_date' : 'open.field', { label });
      }
    },
    async handle(ctx, input) {
      const sop = await sopOf(ctx);
      if (!sop) return;
      const at = draft(ctx).at ?? 0;
      const field = intakeFieldsOf(sop)[at];
      if (!field) return next(ctx, 'file', 0, {});
      const raw = input.choice?.startsWith('field:') ? input.choice.slice(6) : (input.text ?? '');
      const checked = checkField(field, raw);
      if ('refusal' in checked) {
        ctx.say(`intake.refused.${checked.refusal}`, {
          field: field.label.id,
          field_en: field.label.en ?? field.label.id,
          max: String(field.max ?? 200),
        });
        return openCaseFlow.field?.prompt(ctx);
      }
      await next(ctx, 'field', at + 1, { fields: { ...draft(ctx).fields, [field.id]: checked.value } });
    },
  },
  file: {
    async prompt(ctx) {
      const sop = await sopOf(ctx);
      if (!sop) return;
      const kelengkapan = intakeFilesOf(sop)[draft(ctx).at ?? 0];
      if (kelengkapan === undefined) return move(ctx, 'confirm', { done: true });
      ctx.say('open.file', { kelengkapan });
    },
    async handle(ctx, input) {
      const sop = await sopOf(ctx);
      if (!sop) return;
      const at = draft(ctx).at ?? 0;
      const kelengkapan = intakeFilesOf(sop)[at];
      if (kelengkapan === undefined) return move(ctx, 'confirm', { done: true });
      if (!input.attachment) return void ctx.say('open.file_expected', { kelengkapan });
      ctx.say('open.file_received', { kelengkapan, name: input.attachment.name });
      const files = (draft(ctx).files ?? []).filter((f) => f.kelengkapan !== kelengkapan);
      files.push({ kelengkapan, id: input.attachment.id, name: input.attachment.name });
      await next(ctx, 'file', at + 1, { files });
    },
  },
  confirm: {
    async prompt(ctx) {
      const sop = await sopOf(ctx);
      if (!sop) return;
      if (sop.intake === 'stakeholder' && ctx.person?.kind !== 'stakeholder') {
        return askIdentity(ctx, { flow: 'open', step: 'confirm', data: ctx.state.data });
      }
      const d = draft(ctx);
      const fields = intakeFieldsOf(sop).map(
        (f) => `${localized(ctx, f.label)}: ${fieldText(f, d.fields?.[f.id], ctx.language)}\n`,
      );
      const files = (d.files ?? []).map((f) => `• ${f.kelengkapan}: ${f.name}`);
      ctx.say(
        'open.summary',
        {
          sop: sop.title,
          subjectLabel: localized(ctx, sop.subjectLabel ?? { id: 'Perihal', en: 'Subject' }),
          subject: d.subject ?? '',
          body: d.body ?? '',
          fields: fields.join(''),
          files: files.length > 0 ? files.join('\n') : '-',
        },
        [
          { value: 'send', label: ctx.t('complaint.send') },
          { value: 'edit:subject', label: ctx.t('open.edit_subject') },
          { value: 'edit:body', label: ctx.t('complaint.edit_text') },
          { value: 'cancel', label: ctx.t('complaint.cancel') },
        ],
      );
    },
    async handle(ctx, input) {
      switch (input.choice) {
        case 'send':
          return send(ctx);
        case 'edit:subject':
          return move(ctx, 'subject', {});
        case 'edit:body':
          return move(ctx, 'body', {});
        case 'cancel':
          ctx.say('cancel.done');
          return ctx.go('menu');
        default:
          ctx.say('common.choose_hint');
      }
    },
  },
};

/** Moves to the field or file at `at`; past the last field come the files, past the last file the summary. */
async function next(ctx: FlowContext, step: 'field' | 'file', at: number, changes: Partial<Draft>): Promise<void> {
  await move(ctx, step, { ...changes, at });
}

async function send(ctx: FlowContext): Promise<void> {
  const sop = await sopOf(ctx);
  if (!sop) return;
  let opener: Opener;
  let unitId = draft(ctx).unit ?? ctx.deps.defaultUnit;
  if (sop.intake === 'stakeholder') {
    if (ctx.person?.kind !== 'stakeholder') return askIdentity(ctx, { ...ctx.state });
    opener = { kind: 'stakeholder', id: ctx.person.id };
  } else {
    const official = await officialOf(ctx);
    if (!official) {
      ctx.say('official.only');
      return ctx.go('menu');
    }
    opener = { kind: 'official', id: official.id, roleId: official.roleId };
    unitId = official.unitId;
  }
  const d = draft(ctx);
  try {
    const result = await openCase(
      ctx.tx,
      ctx.deps.sops,
      ctx.deps.cases,
      {
        sopId: sop.id,
        unitId,
        opener,
        form: { subject: d.subject ?? '', body: d.body ?? '', fields: d.fields ?? {}, files: d.files ?? [] },
        channel: ctx.inbound.channel,
        idempotencyKey: `${ctx.inbound.channel}:${ctx.inbound.key}`,
        complaintSop: ctx.deps.complaintSop,
      },
      ctx.now,
      ctx.later,
    );
    if (result.saved) ctx.scheduled.push({ saved: result.saved, caseId: result.caseId });
  } catch (err) {
    if (!(err instanceof IntakeRefusedError)) throw err;
    ctx.say(err.messageKey, err.params);
    return ctx.go('menu');
  }
  ctx.state = { flow: 'menu', step: 'start', data: {} };
}
