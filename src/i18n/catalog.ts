export type Language = 'id' | 'en';

type Catalog = Record<string, string>;

/** Bahasa Indonesia first: it is the default language of every person. */
const id: Catalog = {
  'case.received':
    'Terima kasih. Tiket Anda {ticket} telah kami terima: {status}. Tahap ini selesai paling lambat {due}. Anda akan dikabari setiap ada perkembangan; cek kapan saja dengan menu Cek Status.',
  'case.update': 'Kabar tiket {ticket}: {status}.',
  'case.closed': 'Tiket {ticket} telah selesai ditindaklanjuti ({outcome}). Terima kasih atas partisipasi Anda.',
  'step.assigned':
    'Tugas baru — tiket {ticket}, langkah {step}: {kegiatan}\nKelengkapan: {kelengkapan}\nBatas waktu: {due}',
  'step.returned': 'Dikembalikan — tiket {ticket}, langkah {step}: {kegiatan}\nCatatan: {note}\nBatas waktu: {due}',
  'step.reminder': 'Pengingat: tiket {ticket}, langkah {step} ({kegiatan}) telah melewati batas waktu {due}.',
  'step.escalation':
    'Eskalasi (tingkat {level}): tiket {ticket}, langkah {step} ({kegiatan}) belum ditindaklanjuti sejak batas waktu {due}.',
  'step.reassigned_away': 'Tiket {ticket}, langkah {step} telah dialihkan ke pejabat lain. {reason}',
  'step.case_summary':
    'Jenis: {category}\nTentang: {subject}\nPesan pengirim: {body}\nLampiran: {attachments}\nPelapor: {reporter}',
  'step.unassigned':
    'Tiket {ticket}, langkah {step} ({kegiatan}) belum punya pelaksana: tetapkan pejabat untuk peran ini.',
  'case.rejected.unknown_action': 'Tindakan "{action}" tidak tersedia di langkah ini. Pilihan: {allowed}.',
  'case.rejected.not_assignee': 'Maaf, langkah ini bukan tugas Anda.',
  'case.rejected.note_required': 'Mohon tuliskan catatan untuk tindakan ini.',
  'case.rejected.attachment_required': 'Tindakan ini memerlukan lampiran: {requires}.',
  'case.rejected.case_closed': 'Tiket {ticket} sudah selesai.',
  'case.rejected.stale_step': 'Tiket {ticket} sudah berpindah ke langkah lain; pilihan ini tidak berlaku lagi.',
  'case.rejected.unknown_official': 'Pejabat tersebut tidak ditemukan atau tidak aktif.',
};

const en: Catalog = {
  'case.received':
    'Thank you. Your ticket {ticket} has been received: {status_en}. This stage ends by {due} at the latest. We will tell you of every step; check it any time with Check Status.',
  'case.update': 'Update on ticket {ticket}: {status_en}.',
  'case.closed': 'Ticket {ticket} has been completed ({outcome}). Thank you for taking part.',
  'step.assigned': 'New task — ticket {ticket}, step {step}: {kegiatan}\nRequired: {kelengkapan}\nDue: {due}',
  'step.returned': 'Returned — ticket {ticket}, step {step}: {kegiatan}\nNote: {note}\nDue: {due}',
  'step.reminder': 'Reminder: ticket {ticket}, step {step} ({kegiatan}) passed its deadline {due}.',
  'step.escalation':
    'Escalation (level {level}): ticket {ticket}, step {step} ({kegiatan}) has not been acted on since {due}.',
  'step.reassigned_away': 'Ticket {ticket}, step {step} has been reassigned to another official. {reason}',
  'step.case_summary':
    'Type: {category}\nAbout: {subject}\nSender’s message: {body}\nAttachments: {attachments}\nReporter: {reporter}',
  'step.unassigned': 'Ticket {ticket}, step {step} ({kegiatan}) has nobody to act: assign an official to this role.',
  'case.rejected.unknown_action': 'Action "{action}" is not available at this step. Choices: {allowed}.',
  'case.rejected.not_assignee': 'Sorry, this step is not assigned to you.',
  'case.rejected.note_required': 'Please write a note for this action.',
  'case.rejected.attachment_required': 'This action needs an attachment: {requires}.',
  'case.rejected.case_closed': 'Ticket {ticket} is already closed.',
  'case.rejected.stale_step': 'Ticket {ticket} has moved to another step; this choice no longer applies.',
  'case.rejected.unknown_official': 'That official was not found or is not active.',
};

const catalogs: Record<Language, Catalog> = { id, en };

/** Registers more texts (the flows bring their own); a key defined twice is a programming error. */
export function extendCatalog(language: Language, texts: Catalog): void {
  for (const key of Object.keys(texts)) {
    if (key in catalogs[language]) throw new Error(`message key ${key} is defined twice for ${language}`);
  }
  Object.assign(catalogs[language], texts);
}

/** The text for a key in a language, falling back to Bahasa Indonesia, with {params} filled in. */
export function t(language: Language, key: string, params: Readonly<Record<string, string>> = {}): string {
  const template = catalogs[language][key] ?? catalogs.id[key];
  if (template === undefined) throw new Error(`no message for key ${key}`);
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);
}

export function isLanguage(value: string): value is Language {
  return value === 'id' || value === 'en';
}
