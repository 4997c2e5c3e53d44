import { extendCatalog } from '../../i18n/index.js';

/** A unit's date ranges with their own office hours (jam kerja Ramadan), and its escalation ceiling. */
extendCatalog('id', {
  'admin.periods.title': 'Jam kerja khusus unit {name}',
  'admin.periods.link': 'Jam kerja khusus (mis. Ramadan)',
  'admin.periods.hint':
    'Rentang tanggal dengan jam kerjanya sendiri, mis. jam kerja Ramadan yang ditetapkan tiap tahun. Di luar rentang ini berlaku jam kerja biasa unit; libur nasional, cuti bersama dan hari libur unit tetap libur. Tenggat langkah yang baru masuk dihitung dengan jam ini; semua proses memakainya dalam satu menit.',
  'admin.periods.none': 'Belum ada jam kerja khusus.',
  'admin.periods.add': 'Tambah jam kerja khusus',
  'admin.periods.name': 'Nama',
  'admin.periods.from': 'Dari tanggal',
  'admin.periods.to': 'Sampai tanggal',
  'admin.periods.hours': 'Jam kerja',
  'admin.periods.remove': 'Hapus',
  'admin.periods.back': 'Kembali ke unit',
  'admin.periods.saved': 'Jam kerja khusus tersimpan.',
  'admin.periods.removed': 'Jam kerja khusus dihapus.',
  'admin.periods.name_required': 'Nama wajib diisi (paling banyak 100 huruf), mis. Ramadan 1448 H.',
  'admin.periods.dates_invalid': 'Tanggal tidak sah: pilih tanggal mulai dan selesai, mulai tidak sesudah selesai.',
  'admin.periods.too_long': 'Rentang paling lama 366 hari.',
  'admin.periods.overlap':
    'Rentang ini bertumpang tindih dengan "{name}" ({from} s.d. {to}). Hapus atau ubah yang itu dulu.',
  'admin.periods.no_hours': 'Isi jam kerja untuk sedikitnya satu hari; untuk hari libur pakai halaman Hari libur unit.',
  'admin.periods.not_listed': 'Jam kerja khusus itu tidak ada.',
  'admin.audit.action.unit.hours_period.add': 'Menambah jam kerja khusus unit',
  'admin.audit.action.unit.hours_period.remove': 'Menghapus jam kerja khusus unit',
  'admin.unit.ceiling': 'Batas eskalasi',
  'admin.unit.ceiling_sop': 'Menurut SOP (puncak rantai atau batas SOP)',
  'admin.unit.ceiling_hint':
    'Peran tertinggi yang menerima eskalasi di unit ini, mis. kepala unit. Di atasnya admin unit yang diberi tahu. Berlaku bila lebih rendah dari batas SOP dan SOP memakai peran itu.',
});

extendCatalog('en', {
  'admin.periods.title': 'Special office hours of unit {name}',
  'admin.periods.link': 'Special office hours (e.g. Ramadan)',
  'admin.periods.hint':
    'Date ranges with their own office hours, e.g. the Ramadan hours set each year. Outside them the unit’s usual hours apply; national holidays, cuti bersama and the unit’s days off stay off. New steps’ deadlines are counted with these hours; every process uses them within a minute.',
  'admin.periods.none': 'No special office hours yet.',
  'admin.periods.add': 'Add special office hours',
  'admin.periods.name': 'Name',
  'admin.periods.from': 'From',
  'admin.periods.to': 'To',
  'admin.periods.hours': 'Office hours',
  'admin.periods.remove': 'Remove',
  'admin.periods.back': 'Back to the unit',
  'admin.periods.saved': 'Special office hours saved.',
  'admin.periods.removed': 'Special office hours removed.',
  'admin.periods.name_required': 'A name is required (at most 100 characters), e.g. Ramadan 1448 H.',
  'admin.periods.dates_invalid': 'The dates are not valid: pick a start and an end, the start not after the end.',
  'admin.periods.too_long': 'A range lasts 366 days at most.',
  'admin.periods.overlap': 'This range overlaps "{name}" ({from} to {to}). Remove or change that one first.',
  'admin.periods.no_hours': 'Give office hours for at least one day; for days off use the unit’s Days off page.',
  'admin.periods.not_listed': 'Those special office hours do not exist.',
  'admin.audit.action.unit.hours_period.add': 'Added a unit’s special office hours',
  'admin.audit.action.unit.hours_period.remove': 'Removed a unit’s special office hours',
  'admin.unit.ceiling': 'Escalation ceiling',
  'admin.unit.ceiling_sop': 'As the SOP says (its chain’s top or its ceiling)',
  'admin.unit.ceiling_hint':
    'The highest role escalations reach in this unit, e.g. the unit head. Above it the unit’s admins are told. Applies where it is lower than the SOP’s ceiling and the SOP has that role.',
});
