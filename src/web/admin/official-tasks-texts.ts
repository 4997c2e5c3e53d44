import { extendCatalog } from '../../i18n/index.js';

/** An official's one-time sign-in from their chat, and their own open steps. */
extendCatalog('id', {
  'admin.masuk.title': 'Masuk sebagai pejabat',
  'admin.masuk.intro': 'Tautan ini membuka daftar tugas Anda di konsol SIPUT. Tautan hanya dapat dipakai sekali.',
  'admin.masuk.submit': 'Masuk dan lihat tugas saya',
  'admin.masuk.spent':
    'Tautan masuk ini sudah dipakai, kedaluwarsa, atau tidak sah. Ketik MASUK di percakapan SIPUT untuk meminta tautan baru.',
  'admin.tasks.intro':
    'Langkah yang menunggu tindakan Anda, yang terlambat paling atas. Tindakan diambil di percakapan (ketik TUGAS).',
  'admin.tasks.none': 'Tidak ada tugas yang menunggu Anda.',
  'admin.tasks.ticket': 'Tiket',
  'admin.tasks.sop': 'SOP',
  'admin.tasks.step': 'Langkah',
  'admin.tasks.category': 'Jenis',
  'admin.tasks.subject': 'Tentang',
  'admin.tasks.entered': 'Masuk',
  'admin.tasks.due': 'Batas waktu',
  'admin.tasks.late': 'Terlambat',
  'admin.tasks.on_time': 'Tepat waktu',
  'admin.tasks.for': 'Atas nama {name}',
  'admin.tasks.officials_only': 'Halaman ini untuk pejabat yang masuk dengan tautan dari percakapan (MASUK).',
});

extendCatalog('en', {
  'admin.masuk.title': 'Sign in as an official',
  'admin.masuk.intro': 'This link opens your task list in the SIPUT console. It works once.',
  'admin.masuk.submit': 'Sign in and show my tasks',
  'admin.masuk.spent':
    'This sign-in link was already used, has expired, or is not valid. Type MASUK in the SIPUT chat for a new one.',
  'admin.tasks.intro': 'Steps waiting for you, overdue first. Act on them in the chat (type TUGAS).',
  'admin.tasks.none': 'No task is waiting for you.',
  'admin.tasks.ticket': 'Ticket',
  'admin.tasks.sop': 'SOP',
  'admin.tasks.step': 'Step',
  'admin.tasks.category': 'Type',
  'admin.tasks.subject': 'About',
  'admin.tasks.entered': 'Received',
  'admin.tasks.due': 'Due',
  'admin.tasks.late': 'Overdue',
  'admin.tasks.on_time': 'On time',
  'admin.tasks.for': 'On behalf of {name}',
  'admin.tasks.officials_only': 'This page is for officials signed in with a link from the chat (MASUK).',
});
