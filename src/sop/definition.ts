import { z } from 'zod';
import { type Duration, parseDuration } from './duration.js';

const duration = z.string().transform((text, ctx): Duration => {
  const parsed = parseDuration(text);
  if (!parsed) {
    ctx.addIssue({
      code: 'custom',
      message: `"${text}" is not a duration; write e.g. "10 menit", "2.5 jam", "14 hari", "3 hari kerja"`,
    });
    return z.NEVER;
  }
  return parsed;
});

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and "-"');
const stepId = z.string().regex(/^[0-9]+[a-z]?$/, 'a step id is its number, with a letter for a branch: "4", "5a"');

/** Text shown to people, in Bahasa Indonesia and optionally English. */
const localized = z.object({ id: z.string().min(1), en: z.string().min(1).optional() });

const role = z.object({
  id: slug,
  name: z.string().min(1),
  /** The role a holder escalates to when no superior is set on the official. */
  superior: slug.optional(),
});

const rung = z.object({
  /** Offset from the step's deadline, counted on the unit's working calendar. */
  after: duration,
  /** owner: remind the assignee; superior: escalate one level further up the chain. */
  notify: z.enum(['owner', 'superior']),
});

const ladder = z.array(rung).min(1);

export const END = 'end';

const action = z.object({
  id: slug,
  /**
   * approve/forward move the case on; return sends it back and always needs a note;
   * choice is a named decision such as "selesai dengan penjelasan".
   */
  kind: z.enum(['approve', 'return', 'forward', 'choice']),
  label: localized,
  /** Target step id, "end", or for a return "previous" (the step the case came from). */
  to: z.string(),
  /** Outcome recorded when `to` is "end", e.g. "selesai". */
  outcome: z.string().optional(),
  /** The kelengkapan the official must attach to take this action. */
  requires: z.array(z.string().min(1)).default([]),
  /** Whether the official must write a note; a return always needs one. */
  note: z.enum(['required', 'optional']).default('optional'),
});

const step = z.object({
  id: stepId,
  no: z.number().int().positive(),
  kegiatan: z.string().min(1),
  actor: slug,
  kelengkapan: z.array(z.string()).default([]),
  /** The mutu-baku time limit. */
  waktu: duration,
  /** True when the source left the time blank and SIPUT chose this value. */
  waktuDefault: z.boolean().default(false),
  output: z.array(z.string()).default([]),
  keterangan: z.string().optional(),
  /**
   * run: a step each case goes through. intake: done by the stakeholder when filing.
   * publication: done once for the unit (e.g. uploading documents), not per case.
   */
  scope: z.enum(['run', 'intake', 'publication']).default('run'),
  /** The stage in plain words for the stakeholder and the tracking table. */
  status: localized,
  /** Tell the stakeholder when the case enters this step. */
  notifyStakeholder: z.boolean().default(false),
  actions: z.array(action).default([]),
  /** Overrides the SOP's ladder for this step. */
  ladder: ladder.optional(),
});

export const sopDefinitionSchema = z
  .object({
    id: slug,
    version: z.number().int().positive(),
    title: z.string().min(1),
    nomor: z.string().optional(),
    instansi: z.string().optional(),
    /** Ticket numbers read PREFIX-YEAR-NNNNNN. */
    ticketPrefix: z.string().regex(/^[A-Z]{2,6}$/),
    /** stakeholder: opened from the chat by the public; official: opened by an official or admin. */
    intake: z.enum(['stakeholder', 'official']),
    roles: z.array(role).min(1),
    ladder,
    start: stepId,
    steps: z.array(step).min(1),
  })
  .superRefine((sop, ctx) => {
    const roleIds = new Set(sop.roles.map((r) => r.id));
    const stepIds = new Set<string>();
    sop.roles.forEach((r, i) => {
      if (r.superior && !roleIds.has(r.superior)) {
        ctx.addIssue({ code: 'custom', path: ['roles', i, 'superior'], message: `no role "${r.superior}"` });
      }
    });
    sop.steps.forEach((s, i) => {
      if (stepIds.has(s.id))
        ctx.addIssue({ code: 'custom', path: ['steps', i, 'id'], message: `step "${s.id}" is defined twice` });
      stepIds.add(s.id);
      if (!roleIds.has(s.actor))
        ctx.addIssue({ code: 'custom', path: ['steps', i, 'actor'], message: `no role "${s.actor}"` });
    });
    const runSteps = sop.steps.filter((s) => s.scope === 'run');
    const start = sop.steps.find((s) => s.id === sop.start);
    if (start?.scope !== 'run') {
      ctx.addIssue({ code: 'custom', path: ['start'], message: `"${sop.start}" is not a step that cases run through` });
    }
    sop.steps.forEach((s, i) => {
      if (s.scope === 'run' && s.actions.length === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i, 'actions'],
          message: 'a step cases run through needs at least one action',
        });
      }
      const actionIds = new Set<string>();
      s.actions.forEach((a, j) => {
        const at = ['steps', i, 'actions', j];
        if (actionIds.has(a.id))
          ctx.addIssue({
            code: 'custom',
            path: [...at, 'id'],
            message: `action "${a.id}" is defined twice in this step`,
          });
        actionIds.add(a.id);
        const validTarget =
          a.to === END || (a.kind === 'return' && a.to === 'previous') || runSteps.some((r) => r.id === a.to);
        if (!validTarget)
          ctx.addIssue({
            code: 'custom',
            path: [...at, 'to'],
            message: `"${a.to}" is not a step cases run through, nor "end"`,
          });
        if (a.to === END && !a.outcome)
          ctx.addIssue({
            code: 'custom',
            path: [...at, 'outcome'],
            message: 'an action that ends the case names its outcome',
          });
      });
    });
  });

export type SopDefinition = z.output<typeof sopDefinitionSchema>;
export type SopStep = SopDefinition['steps'][number];
export type SopAction = SopStep['actions'][number];
export type SopRole = SopDefinition['roles'][number];
export type LadderRung = SopDefinition['ladder'][number];
export type Localized = z.output<typeof localized>;
