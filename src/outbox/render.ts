import { outputDocuments, outputUrl } from '../cases/index.js';
import type { Db } from '../db/index.js';
import { EMAIL_CHANNEL, type messages } from '../db/index.js';
import { emailStopUrl, mailParts } from '../email/index.js';
import {
  actionToken,
  answerReporterToken,
  askReporterToken,
  type ConfirmAnswer,
  confirmToken,
  surveyToken,
} from '../flows/index.js';
import { categoryText, formatIsoMoment, type Language, outcomeText, t } from '../i18n/index.js';
import type { AttachmentLinks } from '../links/index.js';
import { fileListText, statusAnswerUrl, statusUrl } from '../links/index.js';
import { reporterView } from '../privacy/index.js';
import type { Signer } from '../signing.js';
import { ANSWER_REPORTER_CHOICE, ASK_REPORTER_CHOICE } from '../sop/index.js';
import { type CaseFacts, type CaseFactsLookup, caseFactsOf } from './case-facts.js';
import type { OutgoingMessage } from './channel.js';
import { type Locale, localesOf, type RecipientLocales } from './recipient-locales.js';

type MessageRow = typeof messages.$inferSelect;

export interface RenderOptions {
  /** Where people reach the service (publicBaseUrl): the receipt's status link starts with it; relative when unset. */
  readonly publicUrl?: string;
  /** Signs the links an official opens a case's files with; without it files are listed by name only. */
  readonly attachmentLinks?: AttachmentLinks;
  /** Looks up the recipients of messages rendered together at once; without it, each on its own. */
  readonly locales?: RecipientLocales;
  /** Looks up the cases of messages rendered together at once; without it, each on its own. */
  readonly cases?: CaseFactsLookup;
  /** The recipient's locale and the case's facts, read already (with the outbox's claim): no look-up at all. */
  readonly known?: { readonly locale: Locale; readonly facts: CaseFacts | undefined };
}

/** Renders an outbox row in its recipient's language, with times in the recipient's zone. */
export async function renderMessage(
  db: Db,
  row: MessageRow,
  defaultZone: string,
  signer: Signer,
  opts: RenderOptions = {},
): Promise<OutgoingMessage> {
  const { language, zone } =
    opts.known?.locale ??
    (opts.locales ? await opts.locales.of(row) : ((await localesOf(db, [row], defaultZone))[0] as Locale));
  const params: Record<string, string> = { ...row.params };
  if (params.due) params.due = dueText(params, language, zone);
  if (params.until) params.until = formatIsoMoment(params.until, language, zone);
  if (params.outcome) params.outcome = outcomeText(language, params.outcome);
  const stepMessage = row.caseId !== null && CASE_SUMMARY_TEMPLATES.has(row.template);
  const byEmail = row.channel === EMAIL_CHANNEL;
  // The case's facts this message shows (its step summary, its status link), read in one statement.
  const facts =
    row.caseId && (stepMessage || byEmail || row.template === 'case.received')
      ? opts.known
        ? opts.known.facts
        : await caseFactsFor(db, row.caseId, opts.cases)
      : undefined;
  if (row.caseId && stepMessage) Object.assign(params, stepLead(row, row.caseId, facts, language));
  let text = t(language, row.template, params);
  if (row.caseId && stepMessage) text += `\n\n${caseSummary(row, row.caseId, facts, language, opts.attachmentLinks)}`;
  // The receipt carries the ticket's public status link. Its secret is read here, at sending, so it
  // is never a message parameter (the engine stays pure, and params are logged and shown in the console).
  // The outcome: the tindak lanjut the official chose to show, and the output documents at closing.
  if (params.tindak_lanjut) text += `\n\n${t(language, 'case.tindak_lanjut', { text: params.tindak_lanjut })}`;
  if (row.caseId && row.template === 'case.closed') {
    const documents = await outputDocuments(db, row.caseId);
    for (const d of documents)
      text += `\n${t(language, 'case.document_link', { name: d.name, url: outputUrl(opts.publicUrl, signer, d.id) })}`;
    if (params.reopen_until) {
      text += `\n\n${t(language, 'case.confirm_ask', { until: formatIsoMoment(params.reopen_until, language, zone) })}`;
    }
  }
  const status =
    row.caseId && (byEmail || row.template === 'case.received') ? statusLinkOf(facts, opts.publicUrl) : null;
  if (status && row.template === 'case.received') text += `\n\n${t(language, 'case.status_link', { url: status.url })}`;
  // An email has no buttons: the status page answers "Sudah selesai" / "Belum" and takes the survey.
  if (byEmail && status && row.template === 'case.closed' && params.reopen_until)
    text += `\n${t(language, 'case.confirm_link', { url: `${status.url}#konfirmasi` })}`;
  // A request for kelengkapan: the email's reporter answers on the page the status secret opens.
  if (byEmail && status && (row.template === 'case.info_requested' || row.template === 'case.info_reminder'))
    text += `\n\n${t(language, 'case.answer_link', { url: status.answerUrl })}`;
  if (byEmail && status && row.template === 'survey.offer')
    text += `\n\n${t(language, 'survey.link', { url: `${status.url}#survei` })}`;
  if (byEmail) {
    const stopUrl = row.recipientKind === 'stakeholder' ? emailStopUrl(opts.publicUrl, signer, row.recipientId) : null;
    const mail = mailParts({
      language,
      ticket: status?.ticket ?? null,
      text,
      statusUrl: status?.url ?? null,
      choices: row.choices.map((c) => (language === 'en' ? (c.label.en ?? c.label.id) : c.label.id)),
      stopUrl,
    });
    return {
      id: row.id,
      address: row.address ?? '',
      text: mail.text,
      choices: [],
      mail: { subject: mail.subject, html: mail.html, unsubscribeUrl: stopUrl },
    };
  }
  // A step's choices become signed buttons naming the visit and the action; a flow's are used as they are.
  const stepButtons = row.instanceId !== null && row.template.startsWith('step.');
  return {
    id: row.id,
    address: row.address ?? '',
    text,
    choices:
      row.template === 'case.received' && params.ticket
        ? receiptChoices(language, params.ticket)
        : row.choices.map((c, i) => ({
            value:
              c.action === ASK_REPORTER_CHOICE && row.instanceId
                ? askReporterToken(signer, row.instanceId)
                : c.action === ANSWER_REPORTER_CHOICE && row.caseId
                  ? answerReporterToken(signer, row.caseId)
                  : stepButtons && row.instanceId
                    ? actionToken(signer, row.instanceId, i)
                    : row.caseId && row.template === 'case.closed'
                      ? confirmToken(
                          signer,
                          row.caseId,
                          c.action.endsWith('sudah') ? 'sudah' : ('belum' as ConfirmAnswer),
                        )
                      : row.caseId && row.template === 'survey.offer'
                        ? surveyToken(signer, row.caseId, c.action.endsWith('lewati') ? 'lewati' : 'isi')
                        : c.action,
            label: language === 'en' ? (c.label.en ?? c.label.id) : c.label.id,
          })),
    ...(params.documentUrl ? { document: { url: params.documentUrl, name: params.documentName ?? 'dokumen' } } : {}),
  };
}

/**
 * What a reporter does next after the receipt: check the ticket, or go back to the menu. Command
 * values ("/status <tiket>") work from whatever conversation the chat is in by then.
 */
function receiptChoices(language: Language, ticket: string): OutgoingMessage['choices'] {
  return [
    { value: `/status ${ticket}`, label: t(language, 'case.receipt.status') },
    { value: '/menu', label: t(language, 'case.receipt.menu') },
  ];
}

async function caseFactsFor(
  db: Db,
  caseId: string,
  lookup: CaseFactsLookup | undefined,
): Promise<CaseFacts | undefined> {
  return lookup ? lookup.of(caseId) : (await caseFactsOf(db, [caseId])).get(caseId);
}

function statusLinkOf(
  facts: CaseFacts | undefined,
  publicUrl: string | undefined,
): { ticket: string; url: string; answerUrl: string } | null {
  if (!facts?.statusSecret) return null;
  return {
    ticket: facts.ticket,
    url: statusUrl(publicUrl, facts.ticket, facts.statusSecret),
    answerUrl: statusAnswerUrl(publicUrl, facts.ticket, facts.statusSecret),
  };
}

/**
 * What a step message leads with, before the SOP's own words: the actions asked (its buttons, in
 * the official's language) and the latest note on the case, which a returned step carries already.
 */
function stepLead(
  row: MessageRow,
  caseId: string,
  facts: CaseFacts | undefined,
  language: Language,
): { asked: string; latest: string } {
  const labels = row.choices
    .filter((c) => c.action !== ASK_REPORTER_CHOICE && c.action !== ANSWER_REPORTER_CHOICE)
    .map((c) => (language === 'en' ? (c.label.en ?? c.label.id) : c.label.id));
  const asked = labels.join(' / ') || (row.params.kegiatan ?? '-');
  if (row.template === 'step.returned') return { asked, latest: '' };
  const note = facts?.latestNote;
  if (!note) return { asked, latest: '' };
  const reporter = reporterView(facts.reporter, caseId, language);
  const text = reporter.scrub(note.note) ?? note.note;
  return { asked, latest: `\n${t(language, 'step.latest_note', { by: note.by, note: text })}` };
}

/** Officials given a step are shown what the stakeholder wrote, so they can act from the chat. */
const CASE_SUMMARY_TEMPLATES = new Set(['step.assigned', 'step.returned']);
const SUMMARY_MAX = 1000;

function caseSummary(
  message: MessageRow,
  caseId: string,
  facts: CaseFacts | undefined,
  language: Language,
  links: AttachmentLinks | undefined,
): string {
  // A rahasia report shows a pseudonym, no contact, and loses the reporter's name/email/phone in its texts.
  const reporter = reporterView(facts?.reporter, caseId, language);
  const files = facts?.files ?? [];
  // Each file under the kelengkapan it is, with a link signed for the official reading it.
  const fileText =
    links && message.recipientKind === 'official'
      ? fileListText(files, facts?.reporter.rahasia ?? false, {
          officialId: message.recipientId,
          language,
          links,
          scrub: (text) => reporter.scrub(text),
        })
      : files.map((f) => (f.kelengkapan ? `${f.kelengkapan}: ` : '') + reporter.scrub(f.name)).join(', ') || '-';
  const body = reporter.scrub(facts?.body ?? '') ?? '';
  return t(language, 'step.case_summary', {
    category: categoryText(language, facts?.category),
    subject: reporter.scrub(facts?.subject ?? null) ?? '-',
    body: body.length > SUMMARY_MAX ? `${body.slice(0, SUMMARY_MAX)}…` : body || '-',
    attachments: fileText,
    reporter: reporter.line,
  });
}

/**
 * A due time as people read it: in the recipient's zone, with the working time left ("sisa 3 jam
 * kerja") or overdue, and marks for a SIPUT-chosen waktu or an estimated holiday year.
 */
export function dueText(params: Readonly<Record<string, string>>, language: Language, zone: string): string {
  const notes: string[] = [];
  if (params.left_ms !== undefined && params.left_ms !== '') {
    const left = Number(params.left_ms);
    if (Number.isFinite(left)) {
      const amount = params.left_days
        ? workingDaysText(Number(params.left_days), Number(params.left_rest_ms ?? 0), language)
        : workingTimeText(Math.abs(left), language);
      notes.push(t(language, left >= 0 ? 'time.left' : 'time.overdue', { amount }));
    }
  }
  if (params.waiting) notes.push(t(language, 'time.waiting'));
  if (params.waktu_default && params.waktu) notes.push(t(language, 'time.sipdefault', { waktu: params.waktu }));
  if (params.effort) notes.push(t(language, 'time.effort', { effort: params.effort }));
  if (params.estimated) notes.push(t(language, 'time.estimated'));
  const time = formatIsoMoment(params.due ?? '', language, zone);
  return notes.length > 0 ? `${time} (${notes.join('; ')})` : time;
}

/** Whole hari kerja, with the whole working hours beyond them when there is at least one. */
export function workingDaysText(days: number, restMs: number, language: Language): string {
  const hours = Math.floor(restMs / 3_600_000);
  return hours > 0
    ? t(language, 'time.days_hours', { days: String(days), hours: String(hours) })
    : t(language, 'time.days', { n: String(days) });
}

/** Working time in words: minutes under an hour, else hours with one decimal below ten. */
export function workingTimeText(ms: number, language: Language): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return t(language, 'time.minutes', { n: String(minutes) });
  const hours = ms / 3_600_000;
  const shown =
    hours < 10
      ? (Math.round(hours * 10) / 10).toLocaleString(language === 'en' ? 'en-GB' : 'id-ID')
      : String(Math.round(hours));
  return t(language, 'time.hours', { n: shown });
}
