import type { CaseService } from '../cases/index.js';
import type { Db } from '../db/index.js';
import { answerClosing, reopenWindowOpen } from '../flows/index.js';
import { html, type SafeHtml } from '../html.js';
import { extendCatalog, type Language, t } from '../i18n/index.js';
import type { Signer } from '../signing.js';
import { answerSurvey, completeScores, inLanguage, type SurveyQuestions, UNSUR_IDS } from '../survey/index.js';
import { readStatusFormToken, type StatusForm, statusFormToken } from './status-form-token.js';

extendCatalog('id', {
  'status_page.confirm_heading': 'Apakah masalah Anda sudah terselesaikan?',
  'status_page.confirm_until':
    'Jawab paling lambat {until}. Bila sampai saat itu tidak ada jawaban, tiket dianggap selesai.',
  'status_page.confirm_yes': 'Sudah selesai',
  'status_page.confirm_reason':
    'Belum? Tuliskan apa yang belum terselesaikan; petugas akan menindaklanjutinya kembali.',
  'status_page.confirm_no': 'Belum, buka kembali tiket',
  'status_page.survey_heading': 'Survei Kepuasan Masyarakat',
  'status_page.survey_intro':
    'Sembilan pertanyaan singkat, masing-masing dinilai 1 (paling rendah) sampai 4 (paling tinggi). Jawaban Anda tidak mencantumkan nama Anda dan hanya dapat dikirim sekali.',
  'status_page.survey_question': 'Pertanyaan {n} dari 9 — {name}',
  'status_page.survey_comment': 'Saran atau masukan untuk layanan kami (boleh dikosongkan)',
  'status_page.survey_send': 'Kirim penilaian',
  'status_page.survey_skip': 'Lewati survei',
  'status_page.survey_incomplete': 'Mohon beri nilai pada kesembilan pertanyaan, lalu kirim lagi.',
  'status_page.form_invalid':
    'Formulir ini tidak sah atau sudah tidak berlaku. Silakan muat ulang halaman ini dan coba lagi.',
});
extendCatalog('en', {
  'status_page.confirm_heading': 'Is your problem solved?',
  'status_page.confirm_until': 'Please answer by {until}. Without an answer by then, the ticket counts as solved.',
  'status_page.confirm_yes': 'Yes, it is solved',
  'status_page.confirm_reason': 'Not yet? Write what is not solved; our staff will take it up again.',
  'status_page.confirm_no': 'Not yet, reopen the ticket',
  'status_page.survey_heading': 'Public Satisfaction Survey',
  'status_page.survey_intro':
    'Nine short questions, each rated from 1 (lowest) to 4 (highest). Your answers do not carry your name and can be sent once.',
  'status_page.survey_question': 'Question {n} of 9 — {name}',
  'status_page.survey_comment': 'Any suggestion for our service (optional)',
  'status_page.survey_send': 'Send my rating',
  'status_page.survey_skip': 'Skip the survey',
  'status_page.survey_incomplete': 'Please rate all nine questions, then send again.',
  'status_page.form_invalid': 'This form is not valid or no longer applies. Please reload this page and try again.',
});

/**
 * What a form's answer came to, carried in the address the page redirects to (`?hasil=`), so a
 * reload does not send the form again. Each names the text the chat says in the same case.
 */
const OUTCOMES = {
  sudah: 'confirm.thanks',
  dibuka: 'confirm.reopened',
  lewat: 'case.rejected.reopen_closed',
  alasan: 'confirm.reason',
  'belum-tutup': 'case.rejected.not_closed',
  'tidak-sah': 'status_page.form_invalid',
  terima: 'survey.thanks',
  dilewati: 'survey.skipped',
  tertutup: 'survey.closed',
  kurang: 'status_page.survey_incomplete',
} as const;
export type FormOutcome = keyof typeof OUTCOMES;

const FORM_OF: Readonly<Record<FormOutcome, StatusForm>> = {
  sudah: 'konfirmasi',
  dibuka: 'konfirmasi',
  lewat: 'konfirmasi',
  alasan: 'konfirmasi',
  'belum-tutup': 'konfirmasi',
  'tidak-sah': 'konfirmasi',
  terima: 'survei',
  dilewati: 'survei',
  tertutup: 'survei',
  kurang: 'survei',
};

/** The confirmation's answers as the chat's engine refusals name them. */
const CLOSING_OUTCOME: Readonly<Record<string, FormOutcome>> = {
  'confirm.thanks': 'sudah',
  'confirm.reopened': 'dibuka',
  'case.rejected.reopen_closed': 'lewat',
  'case.rejected.note_required': 'alasan',
  'case.rejected.not_closed': 'belum-tutup',
};

export const isFormOutcome = (value: unknown): value is FormOutcome =>
  typeof value === 'string' && Object.hasOwn(OUTCOMES, value);

/** The form an outcome belongs to: the page shows it in that form's section. */
export const formOfOutcome = (outcome: FormOutcome): StatusForm => FORM_OF[outcome];

export interface ClosedCase {
  readonly id: string;
  readonly ticket: string;
  readonly unitId: string;
  readonly status: string;
  readonly reopenUntil: Date | null;
}

export interface FormDeps {
  readonly db: Db;
  readonly cases: CaseService;
  readonly signer: Signer;
}

/**
 * "Sudah selesai" or "Belum" with a reason, sent from the page: the chat's own answerClosing, so
 * the window, the reopening step and the counting are the same wherever the reporter answers.
 */
export async function confirmFromPage(
  deps: FormDeps,
  row: ClosedCase,
  body: Readonly<Record<string, unknown>>,
  now: Date,
): Promise<FormOutcome> {
  const key = readStatusFormToken(deps.signer, row.id, 'konfirmasi', body.token);
  if (!key || (body.jawaban !== 'sudah' && body.jawaban !== 'belum')) return 'tidak-sah';
  const reason = body.jawaban === 'belum' ? String(body.alasan ?? '').trim() : null;
  const result = await deps.db.transaction((tx) =>
    answerClosing(tx, deps.cases, {
      caseId: row.id,
      ticket: row.ticket,
      reason,
      idempotencyKey: `status:${key}`,
      now,
    }),
  );
  if (result.saved) await deps.cases.schedule(result.saved, row.id);
  return CLOSING_OUTCOME[result.messageKey] ?? 'tidak-sah';
}

/** The nine scores and a comment, or a skip, sent from the page: stored once per case, as from the chat. */
export async function surveyFromPage(
  deps: FormDeps,
  row: ClosedCase,
  body: Readonly<Record<string, unknown>>,
  now: Date,
): Promise<FormOutcome> {
  if (!readStatusFormToken(deps.signer, row.id, 'survei', body.token)) return 'tidak-sah';
  const skip = body.lewati !== undefined;
  const scores = skip ? null : completeScores(body);
  if (!skip && !scores) return 'kurang';
  const comment = typeof body.komentar === 'string' ? body.komentar : null;
  const saved = await deps.db.transaction((tx) =>
    answerSurvey(tx, { caseId: row.id, scores, comment, channel: 'status', at: now }),
  );
  return !saved ? 'tertutup' : skip ? 'dilewati' : 'terima';
}

export interface SectionView {
  readonly language: Language;
  /** The form's address, with the link's secret and the page's language. */
  readonly action: (form: StatusForm) => string;
  readonly when: (at: Date) => string;
  readonly outcome: FormOutcome | null;
}

function notice(view: SectionView, form: StatusForm, ticket: string): SafeHtml | '' {
  const outcome = view.outcome;
  if (!outcome || FORM_OF[outcome] !== form) return '';
  return html`<p class="notice" role="status">${t(view.language, OUTCOMES[outcome], { ticket })}</p>`;
}

/** "Sudah selesai" / "Belum" while the SOP's window is open; the answer's outcome after it. */
export function confirmSection(deps: FormDeps, view: SectionView, row: ClosedCase, now: Date): SafeHtml | '' {
  const tr = (key: string, params?: Record<string, string>) => t(view.language, key, params);
  const open = reopenWindowOpen(row, now);
  const told = notice(view, 'konfirmasi', row.ticket);
  if (!open && !told) return '';
  const token = statusFormToken(deps.signer, row.id, 'konfirmasi');
  return html`<section id="konfirmasi" aria-labelledby="konfirmasi-judul">
<h2 id="konfirmasi-judul">${tr('status_page.confirm_heading')}</h2>
${told}
${
  open && row.reopenUntil
    ? html`<p>${tr('status_page.confirm_until', { until: view.when(row.reopenUntil) })}</p>
<form method="post" action="${view.action('konfirmasi')}" class="inline">
<input type="hidden" name="token" value="${token}"><input type="hidden" name="jawaban" value="sudah">
<button type="submit">${tr('status_page.confirm_yes')}</button></form>
<form method="post" action="${view.action('konfirmasi')}">
<input type="hidden" name="token" value="${token}"><input type="hidden" name="jawaban" value="belum">
<label for="alasan">${tr('status_page.confirm_reason')}</label>
<textarea id="alasan" name="alasan" rows="3" maxlength="2000" required></textarea>
<button type="submit">${tr('status_page.confirm_no')}</button></form>`
    : ''
}
</section>`;
}

/** The nine unsur as the unit words them, each 1–4, an optional comment, and a skip; once per case. */
export function surveySection(
  deps: FormDeps,
  view: SectionView,
  row: ClosedCase,
  questions: SurveyQuestions,
  open: boolean,
): SafeHtml | '' {
  const tr = (key: string, params?: Record<string, string>) => t(view.language, key, params);
  const told = notice(view, 'survei', row.ticket);
  if (!open && !told) return '';
  const token = statusFormToken(deps.signer, row.id, 'survei');
  const unsur = questions.forUnit(row.unitId);
  return html`<section id="survei" aria-labelledby="survei-judul">
<h2 id="survei-judul">${tr('status_page.survey_heading')}</h2>
${told}
${
  open
    ? html`<p>${tr('status_page.survey_intro')}</p>
<form method="post" action="${view.action('survei')}">
<input type="hidden" name="token" value="${token}">
${unsur.map(
  (u, i) => html`<fieldset><legend>${tr('status_page.survey_question', {
    n: String(i + 1),
    name: inLanguage(u.name, view.language),
  })}</legend>
<p>${inLanguage(u.question, view.language)}</p>
${u.answers.map(
  (a, score) =>
    html`<label class="score"><input type="radio" name="${UNSUR_IDS[i] ?? ''}" value="${score + 1}" required> ${score + 1}. ${inLanguage(a, view.language)}</label>`,
)}</fieldset>`,
)}
<label for="komentar">${tr('status_page.survey_comment')}</label>
<textarea id="komentar" name="komentar" rows="3" maxlength="2000"></textarea>
<button type="submit">${tr('status_page.survey_send')}</button>
</form>
<form method="post" action="${view.action('survei')}">
<input type="hidden" name="token" value="${token}"><input type="hidden" name="lewati" value="1">
<button type="submit" class="secondary">${tr('status_page.survey_skip')}</button></form>`
    : ''
}
</section>`;
}
