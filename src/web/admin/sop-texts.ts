import { extendCatalog } from '../../i18n/index.js';

/** The console's SOP section: versions, the rendered document, downloads and the diff. */
extendCatalog('id', {
  'admin.nav.sop': 'SOP',
  'admin.sop.title': 'SOP',
  'admin.sop.intro':
    'Setiap SOP dengan versinya. Kasus baru memakai versi aktif; kasus yang sedang berjalan tetap pada versi tempat ia dimulai.',
  'admin.sop.id': 'Kode',
  'admin.sop.sop_title': 'Judul',
  'admin.sop.versions': 'Versi',
  'admin.sop.version': 'Versi {version}',
  'admin.sop.active': 'aktif',
  'admin.sop.running': '{count} kasus berjalan',
  'admin.sop.document': 'Dokumen SOP',
  'admin.sop.download_pdf': 'Unduh PDF (A4 lanskap)',
  'admin.sop.download_xlsx': 'Unduh lembar kerja (XLSX)',
  'admin.sop.compare': 'Bandingkan dengan versi',
  'admin.sop.compare_button': 'Bandingkan',
  'admin.sop.diff_title': '{id}: versi {from} dibandingkan dengan versi {to}',
  'admin.sop.diff_none': 'Kedua versi sama.',
  'admin.sop.diff_legend': 'Baris bertanda − hanya ada di versi {from}; baris bertanda + hanya ada di versi {to}.',
  'admin.sop.page': 'Halaman {page} dari {pages}',
  'admin.sop.draft': 'draf, belum aktif',
  'admin.sop.preview': 'Pratinjau',
  'admin.sop.status_active': 'Versi ini aktif: kasus baru memakainya.',
  'admin.sop.status_draft':
    'Draf yang diunggah, belum aktif: periksa dokumennya di bawah, lalu aktifkan. Unggahan berikutnya dengan nomor versi yang sama menggantikan draf ini.',
  'admin.sop.status_inactive':
    'Versi ini tidak aktif: kasus baru tidak memakainya; kasus yang dimulai padanya tetap memakainya.',
  'admin.sop.activate': 'Aktifkan versi {version}',
  'admin.sop.activated':
    'Versi {version} dari {id} kini aktif: kasus baru memakainya, di semua proses dalam satu menit. Kasus yang sedang berjalan tetap pada versinya.',
  'admin.sop.download_yaml': 'Unduh YAML',
  'admin.sop.template': 'Templat versi berikutnya, berisi versi ini untuk diubah:',
  'admin.sop.upload_title': 'Unggah SOP baru atau versi baru',
  'admin.sop.upload_file': 'Berkas SOP (XLSX atau YAML)',
  'admin.sop.upload_hint':
    'Lembar kerja seperti unduhan XLSX sebuah versi, atau YAML seperti berkas di folder sops. Berkas diperiksa dan disimpan sebagai draf; draf belum dipakai sebelum diaktifkan.',
  'admin.sop.upload_submit': 'Periksa dan pratinjau',
  'admin.sop.refused_title': 'SOP belum dapat diterima',
  'admin.sop.refused':
    '{file} belum dapat diterima: {count} masalah di bawah ini. Tidak ada yang disimpan atau diaktifkan; perbaiki lalu unggah lagi.',
  'admin.sop.refused_plain': 'Unggahan belum dapat diterima. Tidak ada yang disimpan atau diaktifkan.',
  'admin.sop.problem_where': 'Letak',
  'admin.sop.problem': 'Masalah',
  'admin.sop.no_file': 'Pilih berkas SOP (XLSX atau YAML) untuk diunggah.',
  'admin.sop.too_large': 'Berkas terlalu besar (paling besar 2 MB).',
  'admin.sop.version_taken':
    '{id} sudah punya versi {version}. Beri nomor versi {next} (atau lebih tinggi) pada versi yang baru.',
});

extendCatalog('en', {
  'admin.nav.sop': 'SOP',
  'admin.sop.title': 'SOP',
  'admin.sop.intro':
    'Every SOP with its versions. New cases take the active version; running cases stay on the version they started on.',
  'admin.sop.id': 'Code',
  'admin.sop.sop_title': 'Title',
  'admin.sop.versions': 'Versions',
  'admin.sop.version': 'Version {version}',
  'admin.sop.active': 'active',
  'admin.sop.running': '{count} running cases',
  'admin.sop.document': 'SOP document',
  'admin.sop.download_pdf': 'Download PDF (A4 landscape)',
  'admin.sop.download_xlsx': 'Download the sheet (XLSX)',
  'admin.sop.compare': 'Compare with version',
  'admin.sop.compare_button': 'Compare',
  'admin.sop.diff_title': '{id}: version {from} compared with version {to}',
  'admin.sop.diff_none': 'The two versions are the same.',
  'admin.sop.diff_legend': 'Lines marked − are only in version {from}; lines marked + only in version {to}.',
  'admin.sop.page': 'Page {page} of {pages}',
  'admin.sop.draft': 'draft, not active',
  'admin.sop.preview': 'Preview',
  'admin.sop.status_active': 'This version is active: new cases take it.',
  'admin.sop.status_draft':
    'An uploaded draft, not active yet: check its document below, then activate it. The next upload with the same version number replaces this draft.',
  'admin.sop.status_inactive': 'This version is not active: new cases do not take it; cases started on it stay on it.',
  'admin.sop.activate': 'Activate version {version}',
  'admin.sop.activated':
    'Version {version} of {id} is now active: new cases take it, in every process within a minute. Running cases stay on their version.',
  'admin.sop.download_yaml': 'Download YAML',
  'admin.sop.template': 'Template of the next version, holding this version to edit:',
  'admin.sop.upload_title': 'Upload a new SOP or a new version',
  'admin.sop.upload_file': 'SOP file (XLSX or YAML)',
  'admin.sop.upload_hint':
    'A sheet like a version’s XLSX download, or YAML like the files in the sops folder. The file is checked and stored as a draft; a draft is not used until it is activated.',
  'admin.sop.upload_submit': 'Check and preview',
  'admin.sop.refused_title': 'The SOP cannot be accepted yet',
  'admin.sop.refused':
    '{file} cannot be accepted yet: {count} problems below. Nothing was stored or activated; fix them and upload again.',
  'admin.sop.refused_plain': 'The upload cannot be accepted yet. Nothing was stored or activated.',
  'admin.sop.problem_where': 'Where',
  'admin.sop.problem': 'Problem',
  'admin.sop.no_file': 'Choose an SOP file (XLSX or YAML) to upload.',
  'admin.sop.too_large': 'The file is too large (2 MB at most).',
  'admin.sop.version_taken': '{id} already has a version {version}. Number the new version {next} (or higher).',
});
