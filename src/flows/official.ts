import { and, asc, eq, gt, isNull, lte, or } from 'drizzle-orm';
import { redeemLinkCode } from '../db/link-codes.js';
import { linkChannel } from '../db/officials.js';
import { attachments, cases, delegations, officials, stepInstances, units } from '../db/schema.js';
import { caseIdOf } from '../jobs/queues.js';
import { formatTime } from '../jobs/render.js';
import { reporterForOfficials } from '../privacy/reporter.js';
import type { SopAction } from '../sop/definition.js';
import { CaseRejectedError } from '../sop/errors.js';
import { zoneOf } from '../sop/working-calendar.js';
import { actionToken, readActionToken } from './action-token.js';
import type { Flow, FlowContext } from './context.js';

const LISTED = 10;

/** DAFTAR CODE / /start CODE: binds this chat to the official the one-time code was made for. */
export async function linkOfficial(ctx: FlowContext, code: string): Promise<void> {
  const officialId = await redeemLinkCode(ctx.tx, code.trim(), ctx.now);
  const [official] = officialId
    ? await ctx.tx
        .select({ id: officials.id, name: officials.name, language: officials.language })
        .from(officials)
        .where(eq(officials.id, officialId))
    : [];
  if (!official) {
    ctx.say('official.code_invalid');
    return;
  }
  await linkChannel(ctx.tx, { kind: 'official', id: official.id }, ctx.inbound.channel, ctx.inbound.address);
  ctx.person = { kind: 'official', id: official.id, name: official.name };
  if (official.language === 'en' || official.language === 'id') ctx.language = official.language;
  ctx.say('official.linked', { name: official.name });
  await ctx.go('menu');
}

interface OpenTask {
  readonly instanceId: string;
  readonly caseId: string;
  readonly ticket: string;
  readonly stepId: string;
  readonly dueAt: Date;
  readonly zone: string;
}

/** The open steps this official must act on (or stands in for), overdue first, then by due time. */
async function openTasks(ctx: FlowContext, officialId: string): Promise<OpenTask[]> {
  return ctx.tx
    .select({
      instanceId: stepInstances.id,
      caseId: stepInstances.caseId,
      ticket: cases.ticket,
      stepId: stepInstances.stepId,
      dueAt: stepInstances.dueAt,
      zone: units.timeZone,
    })
    .from(stepInstances)
    .innerJoin(cases, eq(cases.id, stepInstances.caseId))
    .innerJoin(units, eq(units.id, cases.unitId))
    .where(
      and(
        isNull(stepInstances.leftAt),
        or(eq(stepInstances.assigneeId, officialId), eq(stepInstances.onBehalfOf, officialId)),
      ),
    )
    .orderBy(asc(stepInstances.dueAt))
    .limit(LISTED);
}

export const tasksFlow: Flow = {
  start: {
    async prompt(ctx) {
      if (ctx.person?.kind !== 'official') {
        ctx.say('official.only');
        return ctx.go('menu');
      }
      const tasks = await openTasks(ctx, ctx.person.id);
      if (tasks.length === 0) {
        ctx.say('tasks.none');
        ctx.state = { flow: 'menu', step: 'start', data: {} };
        return;
      }
      const choices = tasks.map((task) => ({
        value: actionToken(ctx.deps.signer, task.instanceId, null),
        label: ctx.t('tasks.item', {
          ticket: task.ticket,
          step: task.stepId,
          due: formatTime(task.dueAt.toISOString(), ctx.language, zoneOf(task.zone)),
          late: task.dueAt < ctx.now ? ctx.t('tasks.late') : '',
        }),
      }));
      ctx.say('tasks.list', { count: String(tasks.length) }, choices);
    },
    async handle(ctx) {
      // Task buttons are signed tokens, handled before any flow; anything else goes back to the menu.
      ctx.say('menu.hint');
      await ctx.go('menu');
    },
  },
};

interface Pressed {
  readonly caseId: string;
  readonly instanceId: string;
  readonly ticket: string;
  readonly stepId: string;
  readonly kegiatan: string;
  readonly actions: readonly SopAction[];
}

/** Resolves a pressed button to the case's current step, or says why it no longer applies. */
async function resolvePressed(
  ctx: FlowContext,
  token: string,
): Promise<{ pressed: Pressed; actionIndex: number | null } | null> {
  const ref = readActionToken(ctx.deps.signer, token);
  if (!ref || ctx.person?.kind !== 'official') {
    ctx.say(ctx.person?.kind === 'official' ? 'act.invalid' : 'official.only');
    return null;
  }
  const caseId = caseIdOf(ref.instanceId);
  const [row] = await ctx.tx.select().from(cases).where(eq(cases.id, caseId));
  if (!row || row.openInstanceId !== ref.instanceId) {
    ctx.say('case.rejected.stale_step', { ticket: row?.ticket ?? '' });
    return null;
  }
  const [step] = await ctx.tx.select().from(stepInstances).where(eq(stepInstances.id, ref.instanceId));
  const sop = await ctx.deps.sops.get(row.sopId, row.sopVersion, ctx.tx);
  const def = sop?.steps.find((s) => s.id === step?.stepId);
  if (!step || !def) {
    ctx.say('act.invalid');
    return null;
  }
  if (ref.actionIndex !== null && !def.actions[ref.actionIndex]) {
    ctx.say('act.invalid');
    return null;
  }
  // Asked before collecting a note or a file, so nobody writes one for a step that is not theirs;
  // the engine checks again when the action runs.
  if (!(await mayHandle(ctx, step, ctx.person.id))) {
    ctx.say('case.rejected.not_assignee');
    return null;
  }
  return {
    pressed: {
      caseId,
      instanceId: ref.instanceId,
      ticket: row.ticket,
      stepId: def.id,
      kegiatan: def.kegiatan,
      actions: def.actions,
    },
    actionIndex: ref.actionIndex,
  };
}

async function mayHandle(
  ctx: FlowContext,
  step: { assigneeId: string | null; onBehalfOf: string | null },
  officialId: string,
): Promise<boolean> {
  if (step.assigneeId === officialId || step.onBehalfOf === officialId) return true;
  if (!step.assigneeId) return false;
  const [delegation] = await ctx.tx
    .select({ id: delegations.id })
    .from(delegations)
    .where(
      and(
        eq(delegations.officialId, step.assigneeId),
        eq(delegations.delegateId, officialId),
        lte(delegations.startsAt, ctx.now),
        gt(delegations.endsAt, ctx.now),
      ),
    )
    .limit(1);
  return delegation !== undefined;
}

/** A button on a task: open it (show the case and its actions) or take one of its actions. */
export async function pressActionToken(ctx: FlowContext, token: string): Promise<void> {
  const resolved = await resolvePressed(ctx, token);
  if (!resolved) return;
  const { pressed, actionIndex } = resolved;
  if (actionIndex === null) return showTask(ctx, pressed);
  const action = pressed.actions[actionIndex] as SopAction;
  const data = { instanceId: pressed.instanceId, caseId: pressed.caseId, ticket: pressed.ticket, actionIndex };
  if (action.kind === 'return' || action.note === 'required') return ctx.go('act', 'note', data);
  if (action.requires.length > 0) return ctx.go('act', 'attachment', data);
  await perform(ctx, { ...data, note: null, attachment: null });
}

async function showTask(ctx: FlowContext, task: Pressed): Promise<void> {
  const [row] = await ctx.tx
    .select({ category: cases.category, body: cases.body, dueAt: stepInstances.dueAt, zone: units.timeZone })
    .from(cases)
    .innerJoin(stepInstances, eq(stepInstances.id, task.instanceId))
    .innerJoin(units, eq(units.id, cases.unitId))
    .where(eq(cases.id, task.caseId));
  const files = await ctx.tx
    .select({ name: attachments.name })
    .from(attachments)
    .where(eq(attachments.caseId, task.caseId));
  // A rahasia report: a pseudonym, no contact, and the reporter's identity taken out of its texts.
  const reporter = await reporterForOfficials(ctx.tx, task.caseId, ctx.language);
  ctx.say(
    'task.detail',
    {
      ticket: task.ticket,
      step: task.stepId,
      kegiatan: task.kegiatan,
      category: row?.category ?? '-',
      body: reporter.scrub(row?.body ?? null) ?? '-',
      attachments: files.map((f) => reporter.scrub(f.name)).join(', ') || '-',
      reporter: reporter.line,
      due: row ? formatTime(row.dueAt.toISOString(), ctx.language, zoneOf(row.zone)) : '-',
    },
    task.actions.map((a, i) => ({
      value: actionToken(ctx.deps.signer, task.instanceId, i),
      label: (ctx.language === 'en' ? a.label.en : undefined) ?? a.label.id,
    })),
  );
}

interface Pending {
  readonly instanceId: string;
  readonly caseId: string;
  readonly ticket: string;
  readonly actionIndex: number;
  readonly note: string | null;
  readonly attachment: { id: string; name: string } | null;
}

async function actionOf(ctx: FlowContext, p: Pick<Pending, 'caseId' | 'actionIndex'>): Promise<SopAction | null> {
  const [row] = await ctx.tx.select().from(cases).where(eq(cases.id, p.caseId));
  const [step] = row?.openInstanceId
    ? await ctx.tx.select().from(stepInstances).where(eq(stepInstances.id, row.openInstanceId))
    : [];
  const sop = row ? await ctx.deps.sops.get(row.sopId, row.sopVersion, ctx.tx) : undefined;
  return sop?.steps.find((s) => s.id === step?.stepId)?.actions[p.actionIndex] ?? null;
}

/** Runs the action through the engine in a savepoint: a refusal is told to the official, nothing else changes. */
async function perform(ctx: FlowContext, p: Pending): Promise<void> {
  if (ctx.person?.kind !== 'official') return;
  const action = await actionOf(ctx, p);
  if (!action) {
    ctx.say('case.rejected.stale_step', { ticket: p.ticket });
    return ctx.go('menu');
  }
  const actorId = ctx.person.id;
  try {
    const result = await ctx.tx.transaction(async (sp) => {
      if (p.attachment) {
        await sp
          .update(attachments)
          .set({ caseId: p.caseId })
          .where(and(eq(attachments.id, p.attachment.id), isNull(attachments.caseId)));
      }
      return ctx.deps.cases.dispatchIn(
        sp,
        p.caseId,
        {
          type: 'act',
          instanceId: p.instanceId,
          action: action.id,
          actorId,
          ...(p.note ? { note: p.note } : {}),
          ...(p.attachment ? { attachments: [p.attachment] } : {}),
        },
        `${ctx.inbound.channel}:${ctx.inbound.key}`,
        ctx.now,
      );
    });
    if (result.saved) ctx.scheduled.push({ saved: result.saved, caseId: p.caseId });
    ctx.say('act.done', {
      label: (ctx.language === 'en' ? action.label.en : undefined) ?? action.label.id,
      ticket: p.ticket,
    });
  } catch (err) {
    if (!(err instanceof CaseRejectedError)) throw err;
    ctx.say(err.messageKey, { ticket: p.ticket, ...err.params });
  }
  ctx.state = { flow: 'menu', step: 'start', data: {} };
}

/** Collects what an action needs (a note, a kelengkapan file) before running it. */
export const actFlow: Flow = {
  note: {
    async prompt(ctx) {
      const action = await actionOf(ctx, ctx.state.data as unknown as Pending);
      ctx.say('act.note', { label: action?.label.id ?? '' });
    },
    async handle(ctx, input) {
      const note = input.text?.trim();
      if (!note) {
        ctx.say('case.rejected.note_required');
        return;
      }
      const pending = { ...(ctx.state.data as unknown as Pending), note: note.slice(0, 2000) };
      const action = await actionOf(ctx, pending);
      if (action && action.requires.length > 0) return ctx.go('act', 'attachment', { ...pending });
      await perform(ctx, { ...pending, attachment: null });
    },
  },
  attachment: {
    async prompt(ctx) {
      const action = await actionOf(ctx, ctx.state.data as unknown as Pending);
      ctx.say('act.attachment', { requires: action?.requires.join(', ') ?? '' });
    },
    async handle(ctx, input) {
      if (!input.attachment) {
        await actFlow.attachment?.prompt(ctx);
        return;
      }
      const pending = ctx.state.data as unknown as Pending;
      await perform(ctx, {
        ...pending,
        note: pending.note ?? null,
        attachment: { id: input.attachment.id, name: input.attachment.name },
      });
    },
  },
};
