import { extendCatalog } from '../../i18n/index.js';

/** What only the Telegram bot says: command descriptions and answers to pressed buttons. */
extendCatalog('id', {
  'telegram.command.start': 'Mulai, atau tautkan akun pejabat dengan kode',
  'telegram.command.menu': 'Menu utama',
  'telegram.command.status': 'Cek status tiket',
  'telegram.command.dokumen': 'Cari dan unduh dokumen tata laksana',
  'telegram.command.tugas': 'Tugas saya (pejabat)',
  'telegram.command.batal': 'Batalkan yang sedang diisi',
  'telegram.command.bahasa': 'Ganti bahasa (English)',
  'telegram.already_chosen': 'Pilihan pada pesan ini sudah dibuat.',
  'telegram.not_yours': 'Tombol ini untuk orang lain.',
});

extendCatalog('en', {
  'telegram.command.start': 'Start, or link an official’s account with a code',
  'telegram.command.menu': 'Main menu',
  'telegram.command.status': 'Check a ticket’s status',
  'telegram.command.dokumen': 'Find and download documents',
  'telegram.command.tugas': 'My tasks (officials)',
  'telegram.command.batal': 'Cancel what is being filled in',
  'telegram.command.bahasa': 'Change language (Bahasa Indonesia)',
  'telegram.already_chosen': 'A choice was already made on this message.',
  'telegram.not_yours': 'This button is for someone else.',
});
