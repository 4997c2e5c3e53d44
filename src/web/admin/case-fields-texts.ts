import { extendCatalog } from '../../i18n/index.js';

extendCatalog('id', {
  'admin.case_fields.title': 'Data kasus',
  'admin.case_fields.initiator': 'Dibuka oleh',
  'admin.case_fields.save': 'Simpan data kasus',
  'admin.case_fields.saved': 'Data kasus tersimpan.',
  'admin.case_fields.invalid': 'Isian "{field}" tidak sah; tidak ada yang diubah.',
});

extendCatalog('en', {
  'admin.case_fields.title': 'Case details',
  'admin.case_fields.initiator': 'Opened by',
  'admin.case_fields.save': 'Save the case details',
  'admin.case_fields.saved': 'Case details saved.',
  'admin.case_fields.invalid': '"{field}" is not valid; nothing was changed.',
});
