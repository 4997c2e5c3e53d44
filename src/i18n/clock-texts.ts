import { extendCatalog } from './catalog.js';

/*
 * Texts of the office's clock: a wait on the reporter (the step's clock stopped) and working time
 * counted in days. Registered on import by the renderer and the flows that use them.
 */

extendCatalog('id', {
  'case.info_requested':
    'Petugas meminta kelengkapan untuk tiket {ticket}:\n{note}\n\nMohon kirim jawaban Anda (teks atau berkas) paling lambat {until}: tekan "Kirim jawaban". Selama menunggu jawaban Anda, waktu penyelesaian tiket dihentikan. Tanpa jawaban sampai batas itu, tiket ditutup sebagai tidak dilengkapi.',
  'case.info_reminder':
    'Pengingat: tiket {ticket} masih menunggu kelengkapan dari Anda sampai {until}. Tekan "Kirim jawaban" untuk mengirimnya.',
  'case.not_completed':
    'Tiket {ticket} kami tutup sebagai tidak dilengkapi: kelengkapan yang diminta belum kami terima sampai batas waktunya. Silakan ajukan kembali bila masih diperlukan.',
  'step.reporter_answered':
    'Pelapor menjawab — tiket {ticket}, langkah {step}: {kegiatan}\nJawaban: {answer}\nBerkas: {files}\nBatas waktu (digeser selama menunggu pelapor): {due}',
  'step.reporter_asked':
    'Admin meminta kelengkapan dari pelapor — tiket {ticket}, langkah {step}: {kegiatan}\nYang diminta: {note}\nWaktu langkah ini berhenti sampai pelapor menjawab (paling lambat {until}).',
  'step.not_completed':
    'Tiket {ticket}, langkah {step} ({kegiatan}) ditutup sebagai tidak dilengkapi: pelapor tidak menjawab sampai batas waktu.',
  'case.rejected.no_reporter': 'Tiket {ticket} tidak punya pelapor yang dapat dimintai kelengkapan.',
  'case.rejected.already_waiting': 'Tiket {ticket} sudah menunggu jawaban pelapor.',
  'case.rejected.not_waiting': 'Tiket {ticket} tidak sedang menunggu jawaban Anda.',
  'case.rejected.not_reporter': 'Maaf, hanya pelapor tiket {ticket} yang dapat menjawab permintaan ini.',
  'time.waiting': 'waktu berhenti: menunggu pelapor',
  'time.days': '{n} hari kerja',
  'time.days_hours': '{days} hari {hours} jam kerja',
});

extendCatalog('en', {
  'case.info_requested':
    'The official handling ticket {ticket} asks you for:\n{note}\n\nPlease send your answer (a text or a file) by {until}: press "Send my answer". The ticket’s clock is stopped while we wait for you. Without an answer by then, the ticket is closed as incomplete.',
  'case.info_reminder':
    'Reminder: ticket {ticket} still waits for what was asked of you, until {until}. Press "Send my answer" to send it.',
  'case.not_completed':
    'Ticket {ticket} has been closed as incomplete: what was asked did not reach us in time. Please file it again if it is still needed.',
  'step.reporter_answered':
    'The reporter answered — ticket {ticket}, step {step}: {kegiatan}\nAnswer: {answer}\nFiles: {files}\nDue (moved by the wait on the reporter): {due}',
  'step.reporter_asked':
    'An admin asked the reporter for kelengkapan — ticket {ticket}, step {step}: {kegiatan}\nAsked for: {note}\nThis step’s clock is stopped until the reporter answers (by {until}).',
  'step.not_completed':
    'Ticket {ticket}, step {step} ({kegiatan}) was closed as incomplete: the reporter did not answer in time.',
  'case.rejected.no_reporter': 'Ticket {ticket} has no reporter to ask.',
  'case.rejected.already_waiting': 'Ticket {ticket} already waits for the reporter’s answer.',
  'case.rejected.not_waiting': 'Ticket {ticket} is not waiting for your answer.',
  'case.rejected.not_reporter': 'Sorry, only the reporter of ticket {ticket} can answer this request.',
  'time.waiting': 'clock stopped: waiting on the reporter',
  'time.days': '{n} working days',
  'time.days_hours': '{days} working days {hours} h',
});
