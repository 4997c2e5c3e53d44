import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Language } from '../i18n/index.js';
import { SurveyFileError } from './errors.js';

/** The shipped wording of PermenPANRB 14/2017's questionnaire; SKM_FILE points at a unit's own copy. */
export const DEFAULT_SKM_FILE = fileURLToPath(new URL('../../skm/unsur.yaml', import.meta.url));

/** The nine unsur, in the regulation's order; the reports add answers up by these ids. */
export const UNSUR_IDS = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8', 'u9'] as const;
export type UnsurId = (typeof UNSUR_IDS)[number];

const text = z.object({ id: z.string().min(1), en: z.string().min(1).optional() });
type Text = z.infer<typeof text>;

const unsur = z.object({
  id: z.enum(UNSUR_IDS),
  name: text,
  question: text,
  /** Scores 1 to 4, worst first. */
  answers: z.array(text).length(4, 'four answers, scored 1 to 4, worst first'),
});

const override = z.object({
  name: text.optional(),
  question: text.optional(),
  answers: unsur.shape.answers.optional(),
});

const file = z
  .object({
    unsur: z.array(unsur),
    units: z.record(z.string(), z.partialRecord(z.enum(UNSUR_IDS), override)).nullish(),
  })
  .superRefine((f, ctx) => {
    const ids = f.unsur.map((u) => u.id).join(',');
    if (ids !== UNSUR_IDS.join(','))
      ctx.addIssue({ code: 'custom', path: ['unsur'], message: `the nine unsur ${UNSUR_IDS.join(', ')} in order` });
  });

export type Unsur = z.infer<typeof unsur>;

/** The questionnaire, as each unit words it. */
export class SurveyQuestions {
  constructor(
    private readonly base: readonly Unsur[],
    private readonly units: Readonly<Record<string, Partial<Record<UnsurId, z.infer<typeof override>>>>> = {},
  ) {}

  /** The nine unsur as the unit asks them (its own wording where it has one). */
  forUnit(unitId: string): readonly Unsur[] {
    const own = this.units[unitId] ?? {};
    return this.base.map((u) => ({ ...u, ...own[u.id] }));
  }
}

/** A text in the language asked for, Bahasa Indonesia where no English is given. */
export const inLanguage = (value: Text, language: Language) => (language === 'en' ? (value.en ?? value.id) : value.id);

/** Reads and checks an SKM file; throws SurveyFileError naming the place and the reason. */
export function loadSurveyQuestions(path = DEFAULT_SKM_FILE): SurveyQuestions {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new SurveyFileError(`${path}: cannot be read as YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const parsed = file.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SurveyFileError(`${path}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  return new SurveyQuestions(parsed.data.unsur, parsed.data.units ?? {});
}

let shipped: SurveyQuestions | undefined;
/** The shipped questionnaire, read once: for callers given no other. */
export function shippedSurveyQuestions(): SurveyQuestions {
  shipped ??= loadSurveyQuestions();
  return shipped;
}
