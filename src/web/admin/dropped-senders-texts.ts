import { extendCatalog } from '../../i18n/index.js';

/** Senders over the flood limit, on the channel page. */
extendCatalog('id', {
  'admin.dropped.title': 'Pengirim yang terlalu cepat',
  'admin.dropped.intro':
    'Pesan Telegram dan WhatsApp dari satu pengirim yang melebihi {limit} pesan per menit tidak diproses (pengirimnya diminta menunggu sebentar), agar pengirim lain tetap dilayani. Jumlah pesan yang tidak diproses dalam 24 jam terakhir:',
  'admin.dropped.none': 'Tidak ada pengirim yang melebihi batas dalam 24 jam terakhir.',
  'admin.dropped.unavailable':
    'Hitungan ini disimpan di antrian (Redis), yang sedang tidak dapat dihubungi; tampil lagi setelah tersambung.',
  'admin.dropped.who': 'Pengirim',
  'admin.dropped.count': 'Pesan tidak diproses',
  'admin.dropped.last': 'Terakhir',
  'admin.dropped.ref': 'Rujukan log',
  'admin.dropped.official': '{name} (pejabat)',
  'admin.dropped.reporter': 'Pelapor yang sudah mengisi identitas',
  'admin.dropped.unknown': 'Pengirim yang belum dikenal',
  'admin.dropped.messages': '{count} pesan',
});

extendCatalog('en', {
  'admin.dropped.title': 'Senders writing too fast',
  'admin.dropped.intro':
    'Telegram and WhatsApp messages from one sender beyond {limit} a minute are not processed (the sender is asked to wait a moment), so that everyone else is still answered. Messages not processed in the last 24 hours:',
  'admin.dropped.none': 'No sender went over the limit in the last 24 hours.',
  'admin.dropped.unavailable':
    'These counts are kept in the queue (Redis), which cannot be reached now; they show again once it is back.',
  'admin.dropped.who': 'Sender',
  'admin.dropped.count': 'Messages not processed',
  'admin.dropped.last': 'Last',
  'admin.dropped.ref': 'Log reference',
  'admin.dropped.official': '{name} (official)',
  'admin.dropped.reporter': 'A reporter who gave their identity',
  'admin.dropped.unknown': 'A sender not known yet',
  'admin.dropped.messages': '{count} messages',
});
