import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { SendLater, Tx, UnitMenuSetting } from '../db/index.js';
import { attachments, units } from '../db/index.js';
import type { CaseField, SopDefinition } from '../sop/index.js';
import { stepOf } from '../sop/index.js';
import type { CaseService, SubmitResult } from './case-service.js';
import type { SavedTransition } from './case-store.js';
import { IntakeRefusedError } from './errors.js';
import type { SopRegistry } from './sop-registry.js';

/** Longest subject and text a case is opened with; the same as a complaint's. */
export const MAX_SUBJECT = 200;
export const MAX_BODY = 2000;
const MAX_FIELD = 200;

/** Who opens a case: an official of the SOP's opening roles, a console admin (or the CLI), or a stakeholder. */
export type Opener =
  | { readonly kind: 'official'; readonly id: string; readonly roleId: string }
  | { readonly kind: 'admin'; readonly actor: string }
  | { readonly kind: 'stakeholder'; readonly id: string };

/** A file given for one of the start step's kelengkapan, already stored in the attachment store. */
export interface IntakeFile {
  readonly kelengkapan: string;
  readonly id: string;
  readonly name: string;
}

/** What the opening form asks: subject, text, the fields asked at intake, each intake file. */
export interface IntakeForm {
  readonly subject: string;
  readonly body: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly files: readonly IntakeFile[];
}

/** Whether `opener` may open a case of `sop`: its start actor or a listed initiator, an admin, or the public. */
export function mayOpen(sop: SopDefinition, opener: Opener): boolean {
  if (opener.kind === 'stakeholder') return sop.intake === 'stakeholder';
  if (sop.intake !== 'official') return false;
  if (opener.kind === 'admin') return true;
  return stepOf(sop, sop.start).actor === opener.roleId || (sop.initiators ?? []).includes(opener.roleId);
}

/** The start step's kelengkapan asked as files when opening. */
export function intakeFilesOf(sop: SopDefinition): readonly string[] {
  return sop.intakeFiles ?? stepOf(sop, sop.start).kelengkapan;
}

/** The fields asked when opening, in the SOP's order. */
export function intakeFieldsOf(sop: SopDefinition): readonly CaseField[] {
  return (sop.fields ?? []).filter((f) => f.ask === 'intake');
}

/** One field's value as stored, or why it is refused. An empty value is "missing". */
export function checkField(
  field: CaseField,
  raw: string,
): { value: string } | { refusal: 'field_missing' | 'field_too_long' | 'field_invalid' } {
  const value = raw.trim();
  if (!value) return { refusal: 'field_missing' };
  if (field.kind === 'choice') {
    const option = field.options?.find((o) => o.value === value || o.label.id.toLowerCase() === value.toLowerCase());
    return option ? { value: option.value } : { refusal: 'field_invalid' };
  }
  if (field.kind === 'date') {
    const ok = /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
    return ok && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value)
      ? { value }
      : { refusal: 'field_invalid' };
  }
  return value.length > (field.max ?? MAX_FIELD) ? { refusal: 'field_too_long' } : { value };
}

/** A field's value in words: a choice's label, otherwise the value itself. */
export function fieldText(field: CaseField, value: string | undefined, language: 'id' | 'en'): string {
  if (!value) return '';
  const option = field.options?.find((o) => o.value === value);
  if (!option) return value;
  return (language === 'en' ? option.label.en : undefined) ?? option.label.id;
}

/** A unit's SOP setting: the ids it lists, null when unset, undefined when there is no such unit. */
export async function unitSopList(tx: Tx, unitId: string): Promise<string[] | null | undefined> {
  const [unit] = await tx.select({ offered: units.offeredSops }).from(units).where(eq(units.id, unitId));
  return unit ? (unit.offered ?? null) : undefined;
}

/**
 * Whether a unit runs `sop`: the SOPs its setting lists. Unset, it runs the complaint SOP and every
 * SOP officials open (a new unit works without setting anything), and its chat menu offers the
 * complaint SOP alone.
 */
export function unitRuns(list: readonly string[] | null, sop: SopDefinition, complaintSop: string): boolean {
  if (list) return list.includes(sop.id);
  return sop.id === complaintSop || sop.intake === 'official';
}

/** A stakeholder SOP the chat menu offers, with the units that run it (the case goes to one of them). */
export interface ChatOffer {
  readonly sop: SopDefinition;
  readonly units: readonly { readonly id: string; readonly name: string }[];
}

/**
 * What the chat menu offers the public: the default unit's stakeholder SOPs in its order (unset:
 * the complaint SOP), then those of every other unit whose setting lists some, each SOP once with
 * every unit that offers it. A unit with no setting other than the default takes no cases from
 * the chat: its complaints would otherwise compete with the default unit's for one menu item.
 * `settings`: every unit's, in id order, as the message's claim read them.
 */
export async function chatOffers(
  tx: Tx,
  registry: SopRegistry,
  settings: readonly UnitMenuSetting[],
  defaultUnit: string,
  complaintSop: string,
): Promise<ChatOffer[]> {
  const ordered = [...settings.filter((u) => u.id === defaultUnit), ...settings.filter((u) => u.id !== defaultUnit)];
  const offers = new Map<string, { sop: SopDefinition; units: { id: string; name: string }[] }>();
  for (const unit of ordered) {
    const ids = unit.offered ?? (unit.id === defaultUnit ? [complaintSop] : []);
    for (const id of ids) {
      const sop = offers.get(id)?.sop ?? (await registry.active(id, tx));
      if (sop?.intake !== 'stakeholder') continue;
      const offer = offers.get(id) ?? { sop, units: [] };
      offer.units.push({ id: unit.id, name: unit.name });
      offers.set(id, offer);
    }
  }
  return [...offers.values()];
}

/**
 * The SOPs a unit runs, from comma- or space-separated ids: null (the default) when empty, a list
 * in the order given, or the first id no registered SOP has.
 */
export function parseUnitSops(text: string, known: readonly string[]): { sops: string[] | null } | { unknown: string } {
  const ids = [...new Set(text.split(/[\s,]+/).filter(Boolean))];
  const unknown = ids.find((id) => !known.includes(id));
  if (unknown !== undefined) return { unknown: unknown.slice(0, 60) };
  return { sops: ids.length > 0 ? ids : null };
}

export interface OpenCaseInput {
  readonly sopId: string;
  readonly unitId: string;
  readonly opener: Opener;
  readonly form: IntakeForm;
  /** web, telegram, whatsapp, console, cli. */
  readonly channel: string;
  readonly idempotencyKey?: string;
  /** COMPLAINT_SOP: what a unit with no SOP setting runs besides the SOPs officials open. */
  readonly complaintSop: string;
}

/**
 * Opens a case of any SOP through its intake: checks who opens it and every answer, attaches the
 * files to the case under their kelengkapan, and submits it, all in the caller's transaction.
 * A refusal throws IntakeRefusedError before anything is written.
 */
export async function openCase(
  tx: Tx,
  registry: SopRegistry,
  service: CaseService,
  input: OpenCaseInput,
  now: Date,
  later?: SendLater,
): Promise<SubmitResult & { saved: SavedTransition | null }> {
  const sop = await registry.active(input.sopId, tx);
  if (!sop) throw new IntakeRefusedError('sop_unknown', { sop: input.sopId.slice(0, 40) });
  const runs = await unitSopList(tx, input.unitId);
  if (runs === undefined) throw new IntakeRefusedError('unit_unknown', { unit: input.unitId.slice(0, 40) });
  if (!unitRuns(runs, sop, input.complaintSop)) throw new IntakeRefusedError('sop_not_offered', { sop: sop.title });
  if (!mayOpen(sop, input.opener)) throw new IntakeRefusedError('not_initiator', { sop: sop.title });
  const form = checkForm(sop, input.form);
  const fileIds = form.files.map((f) => f.id);
  if (fileIds.length > 0) {
    const free = await tx
      .select({ id: attachments.id })
      .from(attachments)
      .where(and(inArray(attachments.id, fileIds), isNull(attachments.caseId)));
    const missing = form.files.find((f) => !free.some((r) => r.id === f.id));
    if (missing) throw new IntakeRefusedError('file_unknown', { kelengkapan: missing.kelengkapan });
  }
  const categoryField = (sop.fields ?? []).find((f) => f.tracking === 'kategori');
  const opener = input.opener;
  const result = await service.submitIn(
    tx,
    {
      sopId: sop.id,
      unitId: input.unitId,
      stakeholderId: opener.kind === 'stakeholder' ? opener.id : null,
      initiatorId: opener.kind === 'official' ? opener.id : null,
      openedBy: opener.kind === 'official' ? opener.id : opener.kind === 'admin' ? opener.actor : null,
      category: categoryField ? (form.fields[categoryField.id] ?? null) : null,
      subject: form.subject,
      body: form.body,
      channel: input.channel,
      fields: form.fields,
      attachments: form.files.map((f) => ({ id: f.id, name: f.name, kelengkapan: f.kelengkapan })),
      ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}),
    },
    now,
    later,
  );
  if (!result.duplicate) {
    // Each file named for the kelengkapan it is, so the step's officials read which is which.
    for (const file of form.files) {
      await tx
        .update(attachments)
        .set({ caseId: result.caseId, kelengkapan: file.kelengkapan })
        .where(and(eq(attachments.id, file.id), isNull(attachments.caseId)));
    }
  }
  return result;
}

/** The form as it will be stored, or the first answer refused. */
export function checkForm(sop: SopDefinition, form: IntakeForm): IntakeForm {
  const subject = form.subject.trim();
  if (!subject) throw new IntakeRefusedError('subject_empty');
  if (subject.length > MAX_SUBJECT) throw new IntakeRefusedError('subject_too_long', { max: String(MAX_SUBJECT) });
  const body = form.body.trim();
  if (!body) throw new IntakeRefusedError('body_empty');
  if (body.length > MAX_BODY) throw new IntakeRefusedError('body_too_long', { max: String(MAX_BODY) });
  const fields: Record<string, string> = {};
  for (const field of intakeFieldsOf(sop)) {
    const checked = checkField(field, form.fields[field.id] ?? '');
    if ('refusal' in checked) {
      throw new IntakeRefusedError(checked.refusal, {
        field: field.label.id,
        field_en: field.label.en ?? field.label.id,
        max: String(field.max ?? MAX_FIELD),
      });
    }
    fields[field.id] = checked.value;
  }
  const files: IntakeFile[] = [];
  for (const kelengkapan of intakeFilesOf(sop)) {
    const file = form.files.find((f) => f.kelengkapan === kelengkapan);
    if (!file) throw new IntakeRefusedError('file_missing', { kelengkapan });
    files.push(file);
  }
  return { subject, body, fields, files };
}
