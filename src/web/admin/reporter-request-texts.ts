import { extendCatalog } from '../../i18n/index.js';

/** Words of asking the reporter for kelengkapan from the console (case page and task list). */
extendCatalog('id', {
  'admin.ask.title': 'Minta kelengkapan ke pelapor',
  'admin.ask.hint':
    'Pelapor menerima permintaan ini di salurannya (atau emailnya). Waktu langkah berhenti sampai pelapor menjawab; tanpa jawaban sampai batas SOP, tiket ditutup sebagai tidak dilengkapi.',
  'admin.ask.hint_admin': 'Pemegang langkah diberi tahu bahwa Anda meminta atas namanya.',
  'admin.ask.note': 'Kelengkapan yang diminta (dibaca pelapor)',
  'admin.ask.submit': 'Kirim permintaan',
  'admin.ask.sent': 'Permintaan kelengkapan tiket {ticket} telah dikirim ke pelapor; waktu langkah berhenti.',
  'admin.tasks.waiting': 'Menunggu pelapor',
});

extendCatalog('en', {
  'admin.ask.title': 'Ask the reporter for kelengkapan',
  'admin.ask.hint':
    'The reporter gets this request on their channel (or by email). The step’s clock stops until they answer; without an answer by the SOP’s limit the ticket closes as incomplete.',
  'admin.ask.hint_admin': 'The step’s holder is told that you asked in their stead.',
  'admin.ask.note': 'What is missing (the reporter reads this)',
  'admin.ask.submit': 'Send the request',
  'admin.ask.sent': 'The request for ticket {ticket} has been sent to the reporter; the step’s clock is stopped.',
  'admin.tasks.waiting': 'Waiting on the reporter',
});
