import { z } from 'zod';
import { type Duration, parseDuration, parsePercent } from './duration.js';
import { kelengkapanKey, namedInputsOf } from './kelengkapan.js';

const duration = z.string().transform((text, ctx): Duration => {
  const parsed = parseDuration(text);
  if (!parsed) {
    ctx.addIssue({
      code: 'custom',
      message: `"${text}" is not a duration; write e.g. "10 menit", "2.5 jam", "3 hari" (hari kerja), "1 minggu" (5 hari kerja), "4 hari kalender"`,
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

const share = z.string().transform((text, ctx): number => {
  const value = parsePercent(text);
  if (value === null || value <= 0 || value >= 1) {
    ctx.addIssue({
      code: 'custom',
      message: `"${text}" is not a share of the waktu before the deadline; write e.g. "80%"`,
    });
    return z.NEVER;
  }
  return value;
});

/** After the deadline: a waktu ("2 jam", "1 hari") or a share of the step's waktu ("50%"). */
const afterDeadline = z.string().transform((text, ctx): { after: Duration } | { afterShare: number } => {
  const value = parsePercent(text);
  if (value !== null && value >= 0) return { afterShare: value };
  const parsed = parseDuration(text);
  if (parsed) return { after: parsed };
  ctx.addIssue({
    code: 'custom',
    message: `"${text}" is neither a waktu nor a share of it; write e.g. "2 jam", "1 hari" or "50%"`,
  });
  return z.NEVER;
});

/**
 * One reminder or escalation. `at` comes before the deadline, a share of the step's waktu;
 * `after` comes after it, a waktu or a share of the step's waktu (at least `min`), so a
 * five-minute signature is not escalated on the same clock as a two-week study.
 */
const rungInput = z
  .object({
    at: share.optional(),
    after: afterDeadline.optional(),
    /** With `after` as a share: never sooner than this after the deadline. */
    min: duration.optional(),
    /** Only on steps whose waktu is longer than this, e.g. no heads-up before a 10-minute step. */
    longerThan: duration.optional(),
    /** owner: remind the assignee; superior: escalate one level further up the chain. */
    notify: z.enum(['owner', 'superior']),
  })
  .superRefine((r, ctx) => {
    if ((r.at === undefined) === (r.after === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'a rung has either "at" (before the deadline) or "after" (after it)' });
    }
  })
  .transform(({ at, after, ...rest }) => ({ ...rest, ...(at === undefined ? {} : { at }), ...after }));

/** A rung as stored: versions before "at" and shares stored only `after` and `notify`. */
export interface LadderRung {
  readonly notify: 'owner' | 'superior';
  /** Before the deadline: this share of the waktu has passed. */
  readonly at?: number;
  /** After the deadline by this waktu. */
  readonly after?: Duration;
  /** After the deadline by this share of the waktu. */
  readonly afterShare?: number;
  readonly min?: Duration;
  readonly longerThan?: Duration;
}

const ladder = z
  .array(rungInput)
  .min(1)
  .superRefine((rungs, ctx) => {
    // Rungs fire in order: every heads-up before the deadline comes first, by growing share.
    rungs.forEach((r, i) => {
      const previous = rungs[i - 1];
      if (!previous) return;
      if (r.at !== undefined && previous.at === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'at'],
          message: 'a rung before the deadline must come before those after it',
        });
      } else if (r.at !== undefined && previous.at !== undefined && r.at <= previous.at) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'at'],
          message: 'rungs before the deadline must grow: 50% before 80%',
        });
      }
    });
  })
  .transform((rungs): LadderRung[] => rungs);

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
  /** The kelengkapan the official must attach to take this action, each as its own file. */
  requires: z.array(z.string().min(1)).default([]),
  /**
   * Kelengkapan of `requires` the official may declare absent instead, with a note saying why.
   * Left out (not defaulted) so SOP versions stored before it existed keep their checksum.
   */
  mayBeAbsent: z.array(z.string().min(1)).optional(),
  /** Whether the official must write a note; a return always needs one. */
  note: z.enum(['required', 'optional']).default('optional'),
  /**
   * The note is the tindak lanjut the reporter may be told: the chat asks for it (or "Lewati") and
   * whether the reporter sees it (default internal).
   */
  tindakLanjut: z.boolean().default(false),
  /** The file attached with this action is this output document, given to the reporter when the case closes. */
  publishes: z.string().min(1).optional(),
});

const step = z.object({
  id: stepId,
  no: z.number().int().positive(),
  kegiatan: z.string().min(1),
  actor: slug,
  kelengkapan: z.array(z.string()).default([]),
  /**
   * The mutu-baku time limit: the elapsed window the step must be done in, counted on the unit's
   * working calendar.
   */
  waktu: duration,
  /** True when SIPUT chose the waktu: the source left it blank, or gave only the effort. */
  waktuDefault: z.boolean().default(false),
  /**
   * The working effort the source gives when it is not elapsed time, e.g. five discussions of
   * 2,5 jam spread over days (12.5 jam); shown beside the waktu, never counted as the deadline.
   */
  effort: duration.optional(),
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

/** The tracking-table column (seed 004) a case field fills, instead of the case-wide value. */
export const TRACKING_COLUMNS = ['nomor-dokumen', 'revisi', 'tgl-revisi', 'kategori'] as const;
export type TrackingColumn = (typeof TRACKING_COLUMNS)[number];

const fieldOption = z.object({ value: slug, label: localized });

/**
 * A field of the case itself, declared by the SOP and stored per case (e.g. seed 004's No. dokumen
 * and revisi of the SOP document being facilitated).
 */
const caseField = z.object({
  id: slug,
  label: localized,
  /** text: free text; choice: one of `options`; date: YYYY-MM-DD. */
  kind: z.enum(['text', 'choice', 'date']).default('text'),
  options: z.array(fieldOption).optional(),
  /** intake: asked when the case is opened (required); officials: filled in later on the case page. */
  ask: z.enum(['intake', 'officials']).default('officials'),
  /** Longest text accepted; default 200. */
  max: z.number().int().positive().max(2000).optional(),
  /** The tracking-table column it fills. */
  tracking: z.enum(TRACKING_COLUMNS).optional(),
});

/** A date on the SOP document, YYYY-MM-DD (YAML keeps it a string under its core schema). */
const documentDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'write the date as YYYY-MM-DD, e.g. 2017-11-24');

/** Who signed the SOP into force: the office, and the person when the source names them. */
const signatory = z.object({
  jabatan: z.string().min(1),
  nama: z.string().min(1).optional(),
  nip: z
    .string()
    .regex(/^\d{18}$/, 'a NIP has 18 digits')
    .optional(),
});

/** One numbered list of the identity page (dasar hukum, keterkaitan…): each entry as the source words it. */
const identityList = z.array(z.string().min(1)).min(1);

export const sopDefinitionSchema = z
  .object({
    id: slug,
    version: z.number().int().positive(),
    title: z.string().min(1),
    nomor: z.string().optional(),
    instansi: z.string().optional(),
    /*
     * The identity page of the SOP AP form (PermenPANRB 35/2012), all optional: what the source
     * document states, shown on the rendered document and nowhere in the running of a case.
     */
    tanggalPembuatan: documentDate.optional(),
    tanggalRevisi: documentDate.optional(),
    tanggalEfektif: documentDate.optional(),
    disahkanOleh: signatory.optional(),
    dasarHukum: identityList.optional(),
    kualifikasiPelaksana: identityList.optional(),
    keterkaitan: identityList.optional(),
    /** Peralatan/perlengkapan. */
    peralatan: identityList.optional(),
    peringatan: identityList.optional(),
    /** Pencatatan dan pendataan. */
    pencatatan: identityList.optional(),
    /** Ticket numbers read PREFIX-YEAR-NNNNNN. */
    ticketPrefix: z.string().regex(/^[A-Z]{2,6}$/),
    /** stakeholder: opened from the chat by the public; official: opened by an official or admin. */
    intake: z.enum(['stakeholder', 'official']),
    /**
     * intake official: roles besides the start step's actor whose holders may open a case (e.g. the
     * pemrakarsa unit). Optional; absent means the start step's actor only.
     */
    initiators: z.array(slug).optional(),
    /**
     * intake stakeholder: the chat conversation that opens a case. aspirasi: keluhan/saran/masukan with
     * an optional attachment and rahasia; pendaftaran (default): subject, text, the fields asked at
     * intake and each intake file by its kelengkapan name.
     */
    form: z.enum(['aspirasi', 'pendaftaran']).optional(),
    /** The SOP's plain name in the chat menu (intake stakeholder); default its title. */
    menuLabel: localized.optional(),
    /** What the opening form calls the subject (default "Perihal"), e.g. "Judul SOP". */
    subjectLabel: localized.optional(),
    /** The start step's kelengkapan asked as files when the case is opened; default all of them. */
    intakeFiles: z.array(z.string().min(1)).optional(),
    /** The case's own fields; see caseField. */
    fields: z.array(caseField).optional(),
    roles: z.array(role).min(1),
    ladder,
    /**
     * The highest role an escalation reaches (e.g. the unit head); beyond it the admins are
     * alerted instead. Default: the top of the role chain.
     */
    ceiling: slug.optional(),
    start: stepId,
    steps: z.array(step).min(1),
    /** A closed case the reporter says is not solved ("Belum") reopens at this step. Unset: no reopening. */
    reopen: stepId.optional(),
    /** How long after closing the reporter may reopen it. */
    reopenWithin: z.string().default('5 hari kerja').pipe(duration),
    /**
     * How long a step waits on the reporter for kelengkapan asked for before the case closes as
     * "tidak dilengkapi"; they are reminded once halfway. Default 10 hari kerja (left out, not
     * defaulted, so SOP versions stored before it existed keep their checksum).
     */
    reporterWait: duration.optional(),
  })
  .superRefine(
    (sop, ctx) => {
      const roleIds = new Set(sop.roles.map((r) => r.id));
      const stepIds = new Set<string>();
      if (sop.ceiling && !roleIds.has(sop.ceiling)) {
        ctx.addIssue({ code: 'custom', path: ['ceiling'], message: `no role "${sop.ceiling}" to stop escalations at` });
      }
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
      if (sop.reopen && !runSteps.some((r) => r.id === sop.reopen)) {
        ctx.addIssue({
          code: 'custom',
          path: ['reopen'],
          message: `"${sop.reopen}" is not a step that cases run through`,
        });
      }
      const start = sop.steps.find((s) => s.id === sop.start);
      if (start?.scope !== 'run') {
        ctx.addIssue({
          code: 'custom',
          path: ['start'],
          message: `"${sop.start}" is not a step that cases run through`,
        });
      }
      (sop.initiators ?? []).forEach((r, i) => {
        if (!roleIds.has(r)) ctx.addIssue({ code: 'custom', path: ['initiators', i], message: `no role "${r}"` });
      });
      if (sop.initiators && sop.intake !== 'official') {
        ctx.addIssue({
          code: 'custom',
          path: ['initiators'],
          message: 'only an SOP with intake "official" has initiators',
        });
      }
      (sop.intakeFiles ?? []).forEach((name, i) => {
        if (!start?.kelengkapan.includes(name))
          ctx.addIssue({
            code: 'custom',
            path: ['intakeFiles', i],
            message: `"${name}" is not a kelengkapan of the start step`,
          });
      });
      const fieldIds = new Set<string>();
      const columns = new Set<string>();
      (sop.fields ?? []).forEach((f, i) => {
        if (fieldIds.has(f.id))
          ctx.addIssue({ code: 'custom', path: ['fields', i, 'id'], message: `field "${f.id}" is defined twice` });
        fieldIds.add(f.id);
        if (f.kind === 'choice' && (f.options ?? []).length < 2)
          ctx.addIssue({
            code: 'custom',
            path: ['fields', i, 'options'],
            message: 'a choice field needs two options or more',
          });
        if (f.kind !== 'choice' && f.options)
          ctx.addIssue({ code: 'custom', path: ['fields', i, 'options'], message: 'only a choice field has options' });
        if (f.tracking && columns.has(f.tracking))
          ctx.addIssue({
            code: 'custom',
            path: ['fields', i, 'tracking'],
            message: `another field already fills the column "${f.tracking}"`,
          });
        if (f.tracking) columns.add(f.tracking);
      });
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
          checkRequires(s, a, at, ctx);
          if (a.to === END && !a.outcome)
            ctx.addIssue({
              code: 'custom',
              path: [...at, 'outcome'],
              message: 'an action that ends the case names its outcome',
            });
        });
      });
    },
    { when: onlyLeavesFailed },
  );

/**
 * The fields the cross-checks above read. When only other fields failed (a waktu nobody can
 * read, an empty title), the cross-checks still run, so an author sees every problem at once
 * rather than the next batch after each fix.
 */
const CROSS_CHECKED = new Set([
  'roles',
  'steps',
  'id',
  'superior',
  'actor',
  'scope',
  'actions',
  'to',
  'kind',
  'outcome',
  'requires',
  'mayBeAbsent',
  'kelengkapan',
  'output',
  'fields',
  'options',
  'tracking',
  'initiators',
  'intake',
  'intakeFiles',
  'start',
  'reopen',
  'ceiling',
]);

function onlyLeavesFailed(payload: { issues: ReadonlyArray<{ path?: ReadonlyArray<PropertyKey> }> }): boolean {
  return payload.issues.every((issue) => {
    const named = (issue.path ?? []).filter((k): k is string => typeof k === 'string');
    const last = named[named.length - 1];
    return last !== undefined && !CROSS_CHECKED.has(last);
  });
}

/** Each required kelengkapan is named once and is one the step names; only those may be absent. */
function checkRequires(
  s: z.output<typeof step>,
  a: z.output<typeof action>,
  at: (string | number)[],
  ctx: z.RefinementCtx,
): void {
  const named = namedInputsOf(s);
  const seen = new Set<string>();
  a.requires.forEach((name, k) => {
    const key = kelengkapanKey(name);
    if (seen.has(key))
      ctx.addIssue({ code: 'custom', path: [...at, 'requires', k], message: `"${name}" is required twice` });
    seen.add(key);
    if (!named.has(key))
      ctx.addIssue({
        code: 'custom',
        path: [...at, 'requires', k],
        message: `"${name}" is not among the step's kelengkapan or output`,
      });
  });
  (a.mayBeAbsent ?? []).forEach((name, k) => {
    if (!seen.has(kelengkapanKey(name)))
      ctx.addIssue({
        code: 'custom',
        path: [...at, 'mayBeAbsent', k],
        message: `"${name}" is not in this action's requires`,
      });
  });
}

export type SopDefinition = z.output<typeof sopDefinitionSchema>;
export type SopStep = SopDefinition['steps'][number];
export type SopAction = SopStep['actions'][number];
export type SopRole = SopDefinition['roles'][number];
export type Localized = z.output<typeof localized>;
export type CaseField = NonNullable<SopDefinition['fields']>[number];
export type SopSignatory = NonNullable<SopDefinition['disahkanOleh']>;
