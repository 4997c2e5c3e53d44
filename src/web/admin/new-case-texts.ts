import { extendCatalog } from '../../i18n/index.js';

extendCatalog('id', {
  'admin.nav.new_case': 'Kasus baru',
  'admin.new_case.intro': 'Pilih SOP kasus yang akan dibuka. Hanya SOP yang dapat Anda buka yang ditampilkan.',
  'admin.new_case.none': 'Tidak ada SOP yang dapat Anda buka.',
  'admin.new_case.form_intro':
    'Isi kelengkapan langkah pertama SOP ini. Berkas: PDF, Word, Excel atau foto, paling besar 10 MB masing-masing.',
  'admin.new_case.unit': 'Unit',
  'admin.new_case.unit_unknown': 'Unit tersebut tidak dikenal.',
  'admin.new_case.body': 'Uraian',
  'admin.new_case.file': 'Berkas: {kelengkapan}',
  'admin.new_case.submit': 'Buka kasus',
  'admin.new_case.opened': 'Kasus dibuka dengan tiket',
  'admin.new_case.other': 'Buka kasus SOP lain',
});

extendCatalog('en', {
  'admin.nav.new_case': 'New case',
  'admin.new_case.intro': 'Choose the SOP of the case to open. Only the SOPs you may open are listed.',
  'admin.new_case.none': 'There is no SOP you may open.',
  'admin.new_case.form_intro':
    'Fill in the first step’s kelengkapan. Files: PDF, Word, Excel or a photo, at most 10 MB each.',
  'admin.new_case.unit': 'Unit',
  'admin.new_case.unit_unknown': 'That unit is not known.',
  'admin.new_case.body': 'Description',
  'admin.new_case.file': 'File: {kelengkapan}',
  'admin.new_case.submit': 'Open the case',
  'admin.new_case.opened': 'Case opened with ticket',
  'admin.new_case.other': 'Open a case of another SOP',
});
