import { and, eq, gt, isNull, lte } from 'drizzle-orm';
import { assignWaitingStepsIn, isPublishedFile, latestNote } from '../cases/index.js';
import {
  attachments,
  cases,
  delegations,
  linkChannel,
  officials,
  openTasksOf,
  redeemLinkCode,
  releaseHeldMessages,
  stepInstances,
  units,
} from '../db/index.js';
import { formatMoment } from '../i18n/index.js';
import { caseFileList } from '../links/index.js';
import { reporterForOfficials } from '../privacy/index.js';
import type { SopAction } from '../sop/index.js';
import { CaseRejectedError, caseIdOf, kelengkapanKey, mayBeAbsent, zoneOf } from '../sop/index.js';
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
  // A step that waited for a holder of their role is theirs now, and what was kept for them while
  // they had no chat (a step given to them, its reminders) comes to this one.
  ctx.scheduled.push(...(await assignWaitingStepsIn(ctx.deps.cases, ctx.tx, ctx.now)));
  const released = await releaseHeldMessages(ctx.tx, official.id, {
    channel: ctx.inbound.channel,
    address: ctx.inbound.address,
  });
  if (released.length > 0) ctx.scheduled.push({ caseId: null, saved: { messages: released, timers: [] } });
  ctx.person = { kind: 'official', id: official.id, name: official.name };
  if (official.language === 'en' || official.language === 'id') ctx.language = official.language;
  ctx.say('official.linked', { name: official.name });
  await ctx.go('menu');
}

export const tasksFlow: Flow = {
  start: {
    async prompt(ctx) {
      if (ctx.person?.kind !== 'official') {
        ctx.say('official.only');
        return ctx.go('menu');
      }
      const tasks = await openTasksOf(ctx.tx, ctx.person.id, ctx.now, LISTED);
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
          due: formatMoment(task.dueAt, ctx.language, zoneOf(task.zone)),
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

export async function mayHandle(
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
  const pending: Pending = {
    instanceId: pressed.instanceId,
    caseId: pressed.caseId,
    ticket: pressed.ticket,
    actionIndex,
    note: null,
    files: [],
    absent: [],
  };
  if (action.tindakLanjut) return ctx.go('act', 'tindak_lanjut', { ...pending });
  if (action.kind === 'return' || action.note === 'required') return ctx.go('act', 'note', { ...pending });
  // An approval may carry a word for whoever comes next (a sign-off's condition, a disposisi's
  // instruction), on every channel as in the console's form; it is never required.
  if (action.kind === 'approve') return ctx.go('act', 'optional_note', { ...pending });
  await collectOrPerform(ctx, pending, action);
}

async function showTask(ctx: FlowContext, task: Pressed): Promise<void> {
  const [row] = await ctx.tx
    .select({ category: cases.category, body: cases.body, dueAt: stepInstances.dueAt, zone: units.timeZone })
    .from(cases)
    .innerJoin(stepInstances, eq(stepInstances.id, task.instanceId))
    .innerJoin(units, eq(units.id, cases.unitId))
    .where(eq(cases.id, task.caseId));
  // A rahasia report: a pseudonym, no contact, and the reporter's identity taken out of its texts.
  const reporter = await reporterForOfficials(ctx.tx, task.caseId, ctx.language);
  const officialId = ctx.person?.kind === 'official' ? ctx.person.id : '';
  const note = await latestNote(ctx.tx, task.caseId);
  ctx.say(
    'task.detail',
    {
      ticket: task.ticket,
      step: task.stepId,
      kegiatan: task.kegiatan,
      category: row?.category ?? '-',
      body: reporter.scrub(row?.body ?? null) ?? '-',
      // Each file under the kelengkapan it is, with a fresh link signed for this official.
      attachments: await caseFileList(ctx.tx, {
        caseId: task.caseId,
        officialId,
        language: ctx.language,
        links: ctx.deps.attachmentLinks,
        scrub: (text) => reporter.scrub(text),
        now: ctx.now,
      }),
      reporter: reporter.line,
      due: row ? formatMoment(row.dueAt, ctx.language, zoneOf(row.zone)) : '-',
      latest: note
        ? `\n${ctx.t('step.latest_note', { by: note.by, note: reporter.scrub(note.note) ?? note.note })}`
        : '',
    },
    task.actions.map((a, i) => ({
      value: actionToken(ctx.deps.signer, task.instanceId, i),
      label: labelOf(ctx, a),
    })),
  );
}

/** What an action collected so far, kept in the conversation so a restart resumes mid-way. */
interface Pending {
  readonly instanceId: string;
  readonly caseId: string;
  readonly ticket: string;
  readonly actionIndex: number;
  readonly note: string | null;
  /** The official chose to show the note to the reporter. */
  readonly notePublic?: boolean;
  /** One file per required kelengkapan, in the order the SOP names them. */
  readonly files: readonly { kelengkapan: string; id: string; name: string }[];
  /** Required kelengkapan declared absent (where the SOP allows it), each with its note. */
  readonly absent: readonly { kelengkapan: string; note: string }[];
  /** The kelengkapan whose absence is being explained. */
  readonly absentFor?: string;
}

/** The button value for "I do not have this kelengkapan"; offered only where the SOP allows it. */
const ABSENT = 'kelengkapan.absent';
const NOTE_MAX = 2000;

const labelOf = (ctx: FlowContext, a: SopAction) => (ctx.language === 'en' ? a.label.en : undefined) ?? a.label.id;

async function actionOf(ctx: FlowContext, p: Pick<Pending, 'caseId' | 'actionIndex'>): Promise<SopAction | null> {
  const [row] = await ctx.tx.select().from(cases).where(eq(cases.id, p.caseId));
  const [step] = row?.openInstanceId
    ? await ctx.tx.select().from(stepInstances).where(eq(stepInstances.id, row.openInstanceId))
    : [];
  const sop = row ? await ctx.deps.sops.get(row.sopId, row.sopVersion, ctx.tx) : undefined;
  return sop?.steps.find((s) => s.id === step?.stepId)?.actions[p.actionIndex] ?? null;
}

/** The first required kelengkapan neither attached nor declared absent yet. */
function nextMissing(action: SopAction, p: Pending): string | undefined {
  const done = new Set([...p.files, ...p.absent].map((f) => kelengkapanKey(f.kelengkapan)));
  return action.requires.find((name) => !done.has(kelengkapanKey(name)));
}

/** Asks for the next kelengkapan, or runs the action once each is attached or explained. */
async function collectOrPerform(ctx: FlowContext, p: Pending, action: SopAction): Promise<void> {
  if (nextMissing(action, p)) return ctx.go('act', 'attachment', { ...p });
  await perform(ctx, p);
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
      const published = action.publishes
        ? p.files.filter((f) => isPublishedFile(action.publishes as string, f.kelengkapan, p.files.length))
        : [];
      // A document sent again (after a return) replaces the earlier one: the reporter gets the last.
      if (action.publishes && published.length > 0)
        await sp
          .update(attachments)
          .set({ publicName: null })
          .where(and(eq(attachments.caseId, p.caseId), eq(attachments.publicName, action.publishes)));
      for (const file of p.files) {
        // Claimed for this case and named for its kelengkapan; a file already in a case stays where it is.
        await sp
          .update(attachments)
          // An output document the SOP gives the reporter carries its name, not the uploaded file's.
          .set({
            caseId: p.caseId,
            kelengkapan: file.kelengkapan,
            ...(published.includes(file) ? { publicName: action.publishes } : {}),
          })
          .where(and(eq(attachments.id, file.id), isNull(attachments.caseId)));
      }
      return ctx.deps.cases.dispatchIn(
        sp,
        p.caseId,
        {
          type: 'act',
          instanceId: p.instanceId,
          action: action.id,
          actorId,
          ...(p.note ? { note: p.note, notePublic: p.notePublic === true } : {}),
          attachments: p.files.map((f) => ({ id: f.id, name: f.name, kelengkapan: f.kelengkapan })),
          absent: p.absent,
        },
        `${ctx.inbound.channel}:${ctx.inbound.key}`,
        ctx.now,
        ctx.later,
      );
    });
    if (result.saved) ctx.scheduled.push({ saved: result.saved, caseId: p.caseId });
    ctx.say('act.done', { label: labelOf(ctx, action), ticket: p.ticket });
  } catch (err) {
    if (!(err instanceof CaseRejectedError)) throw err;
    ctx.say(err.messageKey, { ticket: p.ticket, ...err.params });
  }
  ctx.state = { flow: 'menu', step: 'start', data: {} };
}

/** The pending action, or (told to the official) null when the case moved on meanwhile. */
async function stillPending(ctx: FlowContext): Promise<{ pending: Pending; action: SopAction } | null> {
  const pending = ctx.state.data as unknown as Pending;
  const action = await actionOf(ctx, pending);
  if (action) return { pending, action };
  ctx.say('case.rejected.stale_step', { ticket: pending.ticket });
  await ctx.go('menu');
  return null;
}

/**
 * Collects what an action needs before running it: the note, then each required kelengkapan by
 * its name, one file each, or where the SOP allows it a note saying why it is absent.
 */
export const actFlow: Flow = {
  tindak_lanjut: {
    async prompt(ctx) {
      const action = await actionOf(ctx, ctx.state.data as unknown as Pending);
      ctx.say('act.tindak_lanjut', { label: action ? labelOf(ctx, action) : '' }, [
        { value: 'tl:skip', label: ctx.t('common.skip') },
      ]);
    },
    async handle(ctx, input) {
      if (input.choice === 'tl:skip') {
        const found = await stillPending(ctx);
        if (!found) return;
        return collectOrPerform(ctx, { ...found.pending, note: null }, found.action);
      }
      const pending = ctx.state.data as unknown as Pending;
      const note = input.text?.trim();
      if (!note) return actFlow.tindak_lanjut?.prompt(ctx);
      return ctx.go('act', 'visibility', { ...pending, note: note.slice(0, NOTE_MAX) });
    },
  },
  visibility: {
    async prompt(ctx) {
      ctx.say('act.visibility', {}, [
        { value: 'visibility:internal', label: ctx.t('act.visibility_internal') },
        { value: 'visibility:public', label: ctx.t('act.visibility_public') },
      ]);
    },
    async handle(ctx, input) {
      if (input.choice !== 'visibility:public' && input.choice !== 'visibility:internal') {
        ctx.say('common.choose_hint');
        return;
      }
      const found = await stillPending(ctx);
      if (!found) return;
      const notePublic = input.choice === 'visibility:public';
      return collectOrPerform(ctx, { ...found.pending, notePublic }, found.action);
    },
  },
  optional_note: {
    async prompt(ctx) {
      const action = await actionOf(ctx, ctx.state.data as unknown as Pending);
      ctx.say('act.note_optional', { label: action ? labelOf(ctx, action) : '' }, [
        { value: 'note:skip', label: ctx.t('common.skip') },
      ]);
    },
    async handle(ctx, input) {
      const note = input.choice === 'note:skip' ? null : input.text?.trim();
      if (note === undefined || note === '') return actFlow.optional_note?.prompt(ctx);
      const found = await stillPending(ctx);
      if (!found) return;
      await collectOrPerform(ctx, { ...found.pending, note: note?.slice(0, NOTE_MAX) ?? null }, found.action);
    },
  },
  note: {
    async prompt(ctx) {
      const action = await actionOf(ctx, ctx.state.data as unknown as Pending);
      ctx.say('act.note', { label: action ? labelOf(ctx, action) : '' });
    },
    async handle(ctx, input) {
      const note = input.text?.trim();
      if (!note) {
        ctx.say('case.rejected.note_required');
        return;
      }
      const found = await stillPending(ctx);
      if (!found) return;
      await collectOrPerform(ctx, { ...found.pending, note: note.slice(0, NOTE_MAX) }, found.action);
    },
  },
  attachment: {
    async prompt(ctx) {
      const pending = ctx.state.data as unknown as Pending;
      const action = await actionOf(ctx, pending);
      const name = action ? nextMissing(action, pending) : undefined;
      if (!action || !name) return;
      const absentAllowed = mayBeAbsent(action, name);
      ctx.say(
        absentAllowed ? 'act.kelengkapan_or_absent' : 'act.kelengkapan',
        {
          name,
          n: String(action.requires.indexOf(name) + 1),
          total: String(action.requires.length),
          label: labelOf(ctx, action),
        },
        absentAllowed ? [{ value: ABSENT, label: ctx.t('act.kelengkapan_absent_button') }] : [],
      );
    },
    async handle(ctx, input) {
      const found = await stillPending(ctx);
      if (!found) return;
      const { pending, action } = found;
      const name = nextMissing(action, pending);
      if (!name) return perform(ctx, pending);
      if (input.attachment) {
        const file = input.attachment;
        const [stored] = await ctx.tx
          .select({ caseId: attachments.caseId })
          .from(attachments)
          .where(eq(attachments.id, file.id));
        // One file is one kelengkapan, and a file of another case is not this one's.
        if (!stored || stored.caseId !== null || pending.files.some((f) => f.id === file.id)) {
          ctx.say('act.kelengkapan_reused', { name });
          return;
        }
        ctx.say('act.kelengkapan_received', { name, file: file.name });
        const next = { ...pending, files: [...pending.files, { kelengkapan: name, id: file.id, name: file.name }] };
        return collectOrPerform(ctx, next, action);
      }
      if (input.choice === ABSENT && mayBeAbsent(action, name)) {
        return ctx.go('act', 'absent', { ...pending, absentFor: name });
      }
      ctx.say(mayBeAbsent(action, name) ? 'act.kelengkapan_missing_or_absent' : 'act.kelengkapan_missing', { name });
    },
  },
  absent: {
    async prompt(ctx) {
      const pending = ctx.state.data as unknown as Pending;
      ctx.say('act.kelengkapan_absent_note', { name: pending.absentFor ?? '' });
    },
    async handle(ctx, input) {
      const note = input.text?.trim();
      const found = await stillPending(ctx);
      if (!found) return;
      const { pending, action } = found;
      const name = pending.absentFor;
      if (!name || !mayBeAbsent(action, name)) return collectOrPerform(ctx, pending, action);
      if (!note) {
        ctx.say('act.kelengkapan_absent_note', { name });
        return;
      }
      const { absentFor: _, ...rest } = pending;
      const next = { ...rest, absent: [...pending.absent, { kelengkapan: name, note: note.slice(0, NOTE_MAX) }] };
      await collectOrPerform(ctx, next, action);
    },
  },
};
