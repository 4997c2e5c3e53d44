import { extendCatalog } from '../../i18n/index.js';

/** Paused chat lines on the channel page. */
extendCatalog('id', {
  'admin.lines.title': 'Percakapan yang pengirimannya dihentikan',
  'admin.lines.intro':
    'Pesan pertama ke percakapan ini gagal setelah semua percobaan, jadi pesan berikutnya ke percakapan yang sama menunggu di belakangnya agar urutannya terjaga. Tidak ada yang dibuang. Kirim ulang semua (berurutan, mulai dari pesan yang gagal) setelah masalahnya teratasi, atau abaikan semua.',
  'admin.lines.who': 'Untuk',
  'admin.lines.waiting': 'Menunggu',
  'admin.lines.since': 'Dihentikan sejak',
  'admin.lines.actions': 'Tindakan',
  'admin.lines.count': '{count} pesan',
  'admin.lines.retry': 'Kirim ulang semua',
  'admin.lines.discard': 'Abaikan semua',
  'admin.lines.official': '{name} (pejabat)',
  'admin.lines.reporter_of': 'Pelapor tiket {ticket}',
  'admin.lines.reporter': 'Pelapor',
  'admin.lines.chat': 'Percakapan yang belum tertaut ke siapa pun',
  'admin.health.line_retried': 'Semua pesan percakapan itu dikirim ulang, berurutan.',
  'admin.health.line_retried_later':
    'Antrian (Redis) sedang tidak dapat dihubungi. Pesan-pesan itu tidak lagi ditahan dan dikirim berurutan begitu antrian kembali; tidak perlu menekan lagi.',
  'admin.health.line_discarded': 'Semua pesan percakapan itu diabaikan; tetap tercatat.',
  'admin.health.line_gone': 'Percakapan itu sudah tidak dihentikan.',
  'admin.health.retried_later':
    'Antrian (Redis) sedang tidak dapat dihubungi. Pesan itu akan dikirim begitu antrian kembali; tidak perlu menekan lagi.',
});

extendCatalog('en', {
  'admin.lines.title': 'Chats whose sending is paused',
  'admin.lines.intro':
    'The first message to each of these chats failed after every attempt, so the later messages to the same chat wait behind it to keep their order. Nothing is dropped. Send them all again (in order, from the one that failed) once the problem is fixed, or discard them all.',
  'admin.lines.who': 'For',
  'admin.lines.waiting': 'Waiting',
  'admin.lines.since': 'Paused since',
  'admin.lines.actions': 'Actions',
  'admin.lines.count': '{count} messages',
  'admin.lines.retry': 'Send all again',
  'admin.lines.discard': 'Discard all',
  'admin.lines.official': '{name} (official)',
  'admin.lines.reporter_of': 'Reporter of ticket {ticket}',
  'admin.lines.reporter': 'Reporter',
  'admin.lines.chat': 'A chat not linked to anyone yet',
  'admin.health.line_retried': 'Every message of that chat was sent again, in order.',
  'admin.health.line_retried_later':
    'The queue (Redis) cannot be reached right now. The messages are no longer held and go out in order once it is back; no need to press again.',
  'admin.health.line_discarded': 'Every message of that chat was discarded; they stay on record.',
  'admin.health.line_gone': 'That chat is no longer paused.',
  'admin.health.retried_later':
    'The queue (Redis) cannot be reached right now. The message goes out once it is back; no need to press again.',
});
