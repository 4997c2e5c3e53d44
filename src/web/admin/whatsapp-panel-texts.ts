import { extendCatalog } from '../../i18n/index.js';

/** WhatsApp on the channel page: pairing again, the daily cap, held and refused messages. */
extendCatalog('id', {
  'admin.wa.cap_used': 'Hari ini {count} dari {cap} pesan ke orang yang tidak menulis dalam 24 jam terakhir.',
  'admin.wa.cap_near':
    'Hampir mencapai batas harian: {count} dari {cap} pesan ke orang yang tidak menulis dalam 24 jam terakhir. Setelah batas, pesan seperti itu ditahan sampai besok.',
  'admin.wa.cap_reached':
    'Batas harian tercapai ({count} dari {cap}): pesan ke orang yang tidak menulis dalam 24 jam terakhir ditahan sampai besok.',
  'admin.wa.pair_hint':
    'WhatsApp berhenti dan menunggu ditautkan ulang. Pesan yang menunggu tetap tersimpan dan terkirim setelah tertaut; layanan tidak perlu dimulai ulang.',
  'admin.wa.pair_how': 'Cara menautkan',
  'admin.wa.pair_qr': 'Kode QR (muncul di halaman ini)',
  'admin.wa.pair_code': 'Kode penautan untuk nomor telepon',
  'admin.wa.pair_phone': 'Nomor WhatsApp layanan (untuk kode penautan), dengan kode negara',
  'admin.wa.pair_submit': 'Tautkan ulang WhatsApp',
  'admin.wa.reconnect_hint':
    'Sesi ini dibuka di tempat lain. Tutup WhatsApp Web/aplikasi lain yang memakai sesi ini, lalu sambungkan lagi.',
  'admin.wa.reconnect': 'Sambungkan lagi',
  'admin.health.pair_asked':
    'Permintaan dikirim. Muat ulang halaman ini sebentar lagi untuk kode QR atau kode penautan.',
  'admin.health.pair_not_needed': 'WhatsApp tidak sedang berhenti; tidak ada yang perlu ditautkan ulang.',
  'admin.health.pair_phone_invalid':
    'Nomor telepon tidak valid: tulis angka dengan kode negara, misalnya 6281234567890.',
  'admin.wa.held_title': 'Pesan WhatsApp yang ditahan',
  'admin.wa.held_intro': 'Pesan ini tidak dibuang: terkirim otomatis saat penahanannya berakhir.',
  'admin.wa.reason': 'Alasan',
  'admin.wa.held.daily_cap':
    'Batas harian {cap} pesan ke orang yang tidak menulis dalam 24 jam terakhir sudah tercapai; terkirim besok.',
  'admin.wa.held.other': 'Ditahan sementara.',
  'admin.wa.refused_title': 'Pesan yang ditolak WhatsApp',
  'admin.wa.refused_intro':
    'WhatsApp menolak pesan ini dalam tanda terimanya. Galat 463 tidak dikirim ulang lewat WhatsApp (itu memperburuk pembatasan nomor); pesannya dialihkan ke Telegram, obrolan web atau email orang itu bila ada.',
  'admin.wa.code': 'Galat',
  'admin.wa.outcome': 'Hasil',
  'admin.wa.rerouted': 'dialihkan ke kanal lain',
  'admin.wa.not_rerouted': 'tidak ada kanal lain',
  'admin.wa.fix': 'Cara memperbaiki',
  'admin.wa.fix_463':
    'Orang ini perlu menulis dulu ke nomor WhatsApp layanan; setelah itu pesan berikutnya dapat dikirim.',
  'admin.wa.fix_463_official':
    'Minta pejabat ini menulis dulu ke nomor WhatsApp layanan, misalnya menautkan ulang dengan DAFTAR <kode> (kode dari Pejabat & unit).',
  'admin.wa.fix_other': 'Periksa galatnya; kirim ulang dari daftar pesan gagal bila perlu.',
  'admin.case.message.sending': 'menunggu tanda terima server',
  'admin.case.message.rerouted': 'ditolak WhatsApp, dialihkan',
  'admin.case.delivery.server': 'diterima server WhatsApp',
  'admin.case.delivery.delivered': 'sampai di ponsel',
  'admin.case.delivery.read': 'dibaca',
  'admin.case.delivery.error': 'ditolak (galat {code})',
  'admin.case.notices': 'Pemberitahuan ke pejabat',
});

extendCatalog('en', {
  'admin.wa.cap_used': 'Today {count} of {cap} messages to people who have not written in the last 24 hours.',
  'admin.wa.cap_near':
    'Close to the daily cap: {count} of {cap} messages to people who have not written in the last 24 hours. Past the cap such messages are held until tomorrow.',
  'admin.wa.cap_reached':
    'Daily cap reached ({count} of {cap}): messages to people who have not written in the last 24 hours are held until tomorrow.',
  'admin.wa.pair_hint':
    'WhatsApp stopped and waits to be paired again. Waiting messages are kept and go out once it is paired; no restart is needed.',
  'admin.wa.pair_how': 'How to pair',
  'admin.wa.pair_qr': 'QR code (shown on this page)',
  'admin.wa.pair_code': 'Pairing code for a phone number',
  'admin.wa.pair_phone': 'The service’s WhatsApp number (for a pairing code), with its country code',
  'admin.wa.pair_submit': 'Pair WhatsApp again',
  'admin.wa.reconnect_hint':
    'This session was opened elsewhere. Close the other WhatsApp Web or app using it, then reconnect.',
  'admin.wa.reconnect': 'Reconnect',
  'admin.health.pair_asked': 'Asked. Reload this page in a moment for the QR code or the pairing code.',
  'admin.health.pair_not_needed': 'WhatsApp has not stopped; there is nothing to pair again.',
  'admin.health.pair_phone_invalid':
    'That phone number is not valid: digits with the country code, like 6281234567890.',
  'admin.wa.held_title': 'WhatsApp messages held back',
  'admin.wa.held_intro': 'These are not dropped: they go out by themselves when the hold ends.',
  'admin.wa.reason': 'Reason',
  'admin.wa.held.daily_cap':
    'The daily cap of {cap} messages to people who have not written in the last 24 hours is reached; it goes out tomorrow.',
  'admin.wa.held.other': 'Held for now.',
  'admin.wa.refused_title': 'Messages WhatsApp refused',
  'admin.wa.refused_intro':
    'WhatsApp refused these in its acknowledgement. Error 463 is not sent again on WhatsApp (that deepens the number’s restriction); the message goes to the person’s Telegram, web chat or email when they have one.',
  'admin.wa.code': 'Error',
  'admin.wa.outcome': 'Outcome',
  'admin.wa.rerouted': 'sent on another channel',
  'admin.wa.not_rerouted': 'no other channel',
  'admin.wa.fix': 'How to fix',
  'admin.wa.fix_463': 'This person has to write to the service’s WhatsApp number first; then the next messages can go.',
  'admin.wa.fix_463_official':
    'Ask this official to write to the service’s WhatsApp number first, e.g. by linking again with DAFTAR <code> (code from Officials & units).',
  'admin.wa.fix_other': 'Check the error; send it again from the failed messages if needed.',
  'admin.case.message.sending': 'waiting for the server’s ack',
  'admin.case.message.rerouted': 'refused by WhatsApp, sent elsewhere',
  'admin.case.delivery.server': 'taken by WhatsApp’s server',
  'admin.case.delivery.delivered': 'delivered to the phone',
  'admin.case.delivery.read': 'read',
  'admin.case.delivery.error': 'refused (error {code})',
  'admin.case.notices': 'Notices to officials',
});
