import { extendCatalog } from '../../i18n/index.js';

/** A unit's own days off, and the warning when next year's holiday list is not confirmed. */
extendCatalog('id', {
  'admin.daysoff.title': 'Hari libur unit {name}',
  'admin.daysoff.link': 'Hari libur unit',
  'admin.daysoff.hint':
    'Libur nasional dan cuti bersama berlaku untuk semua unit. Di sini unit menambah hari liburnya sendiri (mis. libur daerah) atau tetap masuk pada hari libur nasional (mis. cuti bersama yang diubah SKB revisi). Perubahan dipakai semua proses dalam satu menit.',
  'admin.daysoff.none': 'Belum ada hari libur unit.',
  'admin.daysoff.add': 'Tambah atau ubah hari',
  'admin.daysoff.date': 'Tanggal',
  'admin.daysoff.kind': 'Jenis',
  'admin.daysoff.off': 'Libur unit',
  'admin.daysoff.works': 'Tetap masuk kerja',
  'admin.daysoff.reason': 'Alasan',
  'admin.daysoff.by': 'Dicatat oleh',
  'admin.daysoff.remove': 'Hapus',
  'admin.daysoff.back': 'Kembali ke unit',
  'admin.daysoff.saved': 'Hari libur unit tersimpan.',
  'admin.daysoff.removed': 'Hari libur unit dihapus.',
  'admin.daysoff.date_invalid': 'Tanggal tidak sah: pilih tanggal (TTTT-BB-HH).',
  'admin.daysoff.kind_invalid': 'Pilih jenis: libur unit atau tetap masuk kerja.',
  'admin.daysoff.reason_required': 'Alasan wajib diisi (paling banyak 200 huruf).',
  'admin.daysoff.not_listed': 'Tanggal itu tidak ada dalam daftar hari libur unit.',
  'admin.holidays.missing':
    'Daftar hari libur nasional dan cuti bersama tahun {year} belum dipastikan SKB. Tenggat yang melewati tahun itu masih perkiraan: tambahkan SKB {year} ke berkas hari libur.',
});

extendCatalog('en', {
  'admin.daysoff.title': 'Days off of unit {name}',
  'admin.daysoff.link': 'Unit days off',
  'admin.daysoff.hint':
    'National holidays and cuti bersama apply to every unit. Here a unit adds its own days off (e.g. a local holiday) or works on a national day off (e.g. a cuti bersama changed by a revised SKB). Every process uses a change within a minute.',
  'admin.daysoff.none': 'No unit days off yet.',
  'admin.daysoff.add': 'Add or change a day',
  'admin.daysoff.date': 'Date',
  'admin.daysoff.kind': 'Kind',
  'admin.daysoff.off': 'Unit day off',
  'admin.daysoff.works': 'Works that day',
  'admin.daysoff.reason': 'Reason',
  'admin.daysoff.by': 'Recorded by',
  'admin.daysoff.remove': 'Remove',
  'admin.daysoff.back': 'Back to the unit',
  'admin.daysoff.saved': 'Unit day off saved.',
  'admin.daysoff.removed': 'Unit day off removed.',
  'admin.daysoff.date_invalid': 'The date is not valid: pick a date (YYYY-MM-DD).',
  'admin.daysoff.kind_invalid': 'Choose a kind: unit day off or works that day.',
  'admin.daysoff.reason_required': 'A reason is required (at most 200 characters).',
  'admin.daysoff.not_listed': 'That date is not among the unit’s days off.',
  'admin.holidays.missing':
    'The national holidays and cuti bersama of {year} are not yet confirmed by an SKB. Deadlines over that year are estimates: add the SKB {year} to the holidays file.',
});
