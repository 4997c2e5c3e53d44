import { extendCatalog } from '../i18n/index.js';

/** The admins' alert for a paused chat line. */
extendCatalog('id', {
  'outbox.line_paused':
    'Peringatan SIPUT: pengiriman ke satu percakapan {channel} dihentikan sementara. Pesan pertamanya gagal setelah semua percobaan (galat: {error}); pesan berikutnya ke percakapan itu menunggu berurutan, tidak ada yang dibuang. Kirim ulang atau abaikan seluruh antrean di konsol: Antrian & kanal.',
});

extendCatalog('en', {
  'outbox.line_paused':
    'SIPUT warning: sending to one {channel} chat is paused. Its first message failed after every attempt (error: {error}); the messages after it wait in order, none dropped. Send the whole line again or discard it in the console: Queues & channels.',
});
