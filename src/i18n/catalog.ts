export type Language = 'id' | 'en';

type Catalog = Record<string, string>;

/** Bahasa Indonesia first: it is the default language of every person. */
const id: Catalog = {
  'case.received':
    'Terima kasih. Tiket Anda {ticket} telah kami terima: {status}. Tahap ini selesai paling lambat {due}. Anda akan dikabari setiap ada perkembangan; cek kapan saja dengan menu Cek Status.',
  'case.receipt.status': 'Cek Status',
  'case.receipt.menu': 'Menu utama',
  'case.update': 'Kabar tiket {ticket}: {status}.',
  'case.closed': 'Tiket {ticket} telah selesai ditindaklanjuti ({outcome}). Terima kasih atas partisipasi Anda.',
  'case.tindak_lanjut': 'Tindak lanjut: {text}',
  'case.document_link': '{name}: {url}',
  'case.confirm_ask':
    'Apakah masalah Anda sudah terselesaikan? Pilih "Sudah selesai" atau "Belum" (dengan alasannya) sampai {until}.',
  'case.rejected.reopen_closed':
    'Maaf, batas waktu untuk membuka kembali tiket {ticket} sudah lewat. Silakan sampaikan aspirasi baru bila masalahnya masih ada.',
  'case.rejected.not_closed': 'Tiket {ticket} masih ditindaklanjuti.',
  'case.confirm_link': 'Jawab juga bisa melalui halaman status tiket: {url}',
  'survey.offer':
    'Tiket {ticket} telah tuntas. Mohon bantu kami menilai layanan ini melalui Survei Kepuasan Masyarakat: 9 pertanyaan singkat, masing-masing dijawab dengan satu tombol. Jawaban Anda tidak mencantumkan nama Anda.',
  'survey.link': 'Isi survei di halaman status tiket: {url}',
  'step.assigned':
    'Tugas baru — tiket {ticket}\nDiminta: {asked}\nBatas waktu: {due}{latest}\n\nMenurut SOP, langkah {step}: {kegiatan}\nKelengkapan: {kelengkapan}',
  'step.returned':
    'Dikembalikan — tiket {ticket}\nDiminta: {asked}\nBatas waktu: {due}\nCatatan: {note}\n\nMenurut SOP, langkah {step}: {kegiatan}\nKelengkapan: {kelengkapan}',
  'step.latest_note': 'Catatan terakhir ({by}): {note}',
  'step.reminder': 'Pengingat: tiket {ticket}, langkah {step} ({kegiatan}) telah melewati batas waktu {due}.',
  'step.due_soon': 'Pengingat: tiket {ticket}, langkah {step} ({kegiatan}) jatuh tempo {due}.',
  'holidays.unconfirmed':
    'Peringatan SIPUT: hari libur nasional dan cuti bersama tahun {year} belum dipastikan SKB. Tenggat yang melewati tahun itu masih perkiraan; tambahkan SKB {year} ke berkas hari libur.',
  'time.left': 'sisa {amount}',
  'time.overdue': 'lewat {amount}',
  'time.minutes': '{n} menit kerja',
  'time.hours': '{n} jam kerja',
  'time.sipdefault': 'waktu {waktu} ketetapan SIPUT',
  'time.effort': 'upaya menurut SOP {effort}',
  'time.estimated': 'perkiraan: hari libur tahun itu belum ditetapkan SKB',
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
  'case.rejected.absence_not_allowed':
    'Kelengkapan ini wajib dilampirkan, tidak boleh dinyatakan tidak ada: {requires}.',
  'case.rejected.case_closed': 'Tiket {ticket} sudah selesai.',
  'case.rejected.stale_step': 'Tiket {ticket} sudah berpindah ke langkah lain; pilihan ini tidak berlaku lagi.',
  'case.rejected.unknown_official': 'Pejabat tersebut tidak ditemukan atau tidak aktif.',
  'channel.down':
    'Peringatan SIPUT: kanal {channel} terputus ({state}; galat: {error}). Pesan ke kanal itu menunggu sampai tersambung lagi.',
  'channel.up': 'SIPUT: kanal {channel} tersambung kembali ({state}); pesan yang menunggu dikirim.',
  'whatsapp.refused_official':
    'WhatsApp menolak pesan untuk {name} (galat {code}): nomor layanan belum boleh memulai percakapan dengannya. Pesan dialihkan ke: {routed}. Perbaikan: minta {name} menulis dulu ke nomor WhatsApp layanan, misalnya dengan menautkan ulang lewat DAFTAR <kode>.',
  'whatsapp.refused_reporter':
    'WhatsApp menolak pesan untuk pelapor tiket {ticket} (galat {code}): nomor layanan belum boleh memulai percakapan dengannya. Pesan dialihkan ke: {routed}. Perbaikan: pelapor perlu menulis dulu ke nomor WhatsApp layanan.',
};

const en: Catalog = {
  'case.received':
    'Thank you. Your ticket {ticket} has been received: {status_en}. This stage ends by {due} at the latest. We will tell you of every step; check it any time with Check Status.',
  'case.receipt.status': 'Check status',
  'case.receipt.menu': 'Main menu',
  'case.update': 'Update on ticket {ticket}: {status_en}.',
  'case.closed': 'Ticket {ticket} has been completed ({outcome}). Thank you for taking part.',
  'case.tindak_lanjut': 'Follow-up: {text}',
  'case.document_link': '{name}: {url}',
  'case.confirm_ask':
    'Is your problem solved? Choose "Yes, it is solved" or "Not yet" (with the reason) until {until}.',
  'case.rejected.reopen_closed':
    'Sorry, the time to reopen ticket {ticket} has passed. Please send a new message if the problem remains.',
  'case.rejected.not_closed': 'Ticket {ticket} is still being handled.',
  'case.confirm_link': 'You may also answer on the ticket status page: {url}',
  'survey.offer':
    'Ticket {ticket} is now final. Please help us rate this service in the Public Satisfaction Survey: 9 short questions, each answered with one button. Your answers do not carry your name.',
  'survey.link': 'Take the survey on the ticket status page: {url}',
  'step.assigned':
    'New task — ticket {ticket}\nAsked: {asked}\nDue: {due}{latest}\n\nPer the SOP, step {step}: {kegiatan}\nRequired: {kelengkapan}',
  'step.returned':
    'Returned — ticket {ticket}\nAsked: {asked}\nDue: {due}\nNote: {note}\n\nPer the SOP, step {step}: {kegiatan}\nRequired: {kelengkapan}',
  'step.latest_note': 'Latest note ({by}): {note}',
  'step.reminder': 'Reminder: ticket {ticket}, step {step} ({kegiatan}) passed its deadline {due}.',
  'step.due_soon': 'Reminder: ticket {ticket}, step {step} ({kegiatan}) is due {due}.',
  'holidays.unconfirmed':
    'SIPUT warning: the national holidays and cuti bersama of {year} are not yet confirmed by an SKB. Deadlines over that year are estimates; add the SKB {year} to the holidays file.',
  'time.left': '{amount} left',
  'time.overdue': '{amount} overdue',
  'time.minutes': '{n} working minutes',
  'time.hours': '{n} working hours',
  'time.sipdefault': 'waktu {waktu} set by SIPUT',
  'time.effort': 'effort per the SOP {effort}',
  'time.estimated': 'estimate: that year’s holidays are not yet set by the SKB',
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
  'case.rejected.absence_not_allowed': 'These must be attached; they cannot be declared not available: {requires}.',
  'case.rejected.case_closed': 'Ticket {ticket} is already closed.',
  'case.rejected.stale_step': 'Ticket {ticket} has moved to another step; this choice no longer applies.',
  'case.rejected.unknown_official': 'That official was not found or is not active.',
  'channel.down':
    'SIPUT warning: the {channel} channel is down ({state}; error: {error}). Messages for it wait until it is back.',
  'channel.up': 'SIPUT: the {channel} channel is back ({state}); waiting messages are going out.',
  'whatsapp.refused_official':
    'WhatsApp refused a message for {name} (error {code}): the service number may not start a chat with them now. Sent instead to: {routed}. To fix it, ask {name} to write to the service’s WhatsApp number first, e.g. by linking again with DAFTAR <code>.',
  'whatsapp.refused_reporter':
    'WhatsApp refused a message for the reporter of ticket {ticket} (error {code}): the service number may not start a chat with them now. Sent instead to: {routed}. To fix it, the reporter has to write to the service’s WhatsApp number first.',
};

const catalogs: Record<Language, Catalog> = { id, en };

/** Registers more texts (the flows bring their own); a key defined twice is a programming error. */
export function extendCatalog(language: Language, texts: Catalog): void {
  for (const key of Object.keys(texts)) {
    if (key in catalogs[language]) throw new Error(`message key ${key} is defined twice for ${language}`);
  }
  Object.assign(catalogs[language], texts);
}

/** Whether a key has a text (in the language or in Bahasa Indonesia): for words looked up from data, such as audit actions. */
export function hasMessage(language: Language, key: string): boolean {
  return catalogs[language][key] !== undefined || catalogs.id[key] !== undefined;
}

/** The text for a key in a language, falling back to Bahasa Indonesia, with {params} filled in. */
export function t(language: Language, key: string, params: Readonly<Record<string, string>> = {}): string {
  const template = catalogs[language][key] ?? catalogs.id[key];
  if (template === undefined) throw new Error(`no message for key ${key}`);
  // A value that ends a sentence itself (a name with its title, "Drs. Budi, M.AP.") takes the place
  // of the template's full stop rather than doubling it.
  return template.replace(/\{(\w+)\}(\.?)/g, (whole, name: string, stop: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return stop && value.endsWith('.') ? value : value + stop;
  });
}

export function isLanguage(value: string): value is Language {
  return value === 'id' || value === 'en';
}
