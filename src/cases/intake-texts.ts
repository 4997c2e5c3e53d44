import { extendCatalog } from '../i18n/index.js';

/** Why a case was not opened, for the chat, the console and the CLI alike. */
extendCatalog('id', {
  'intake.refused.sop_unknown': 'SOP "{sop}" tidak dikenal.',
  'intake.refused.unit_unknown': 'Unit "{unit}" tidak dikenal.',
  'intake.refused.sop_not_offered': 'Maaf, layanan "{sop}" tidak tersedia di unit ini.',
  'intake.refused.not_initiator': 'Maaf, peran Anda tidak dapat membuka kasus "{sop}".',
  'intake.refused.subject_empty': 'Perihal masih kosong. Mohon diisi.',
  'intake.refused.subject_too_long': 'Perihal terlalu panjang; paling banyak {max} karakter.',
  'intake.refused.body_empty': 'Uraian masih kosong. Mohon diisi.',
  'intake.refused.body_too_long': 'Uraian terlalu panjang; paling banyak {max} karakter.',
  'intake.refused.field_missing': '"{field}" masih kosong. Mohon diisi.',
  'intake.refused.field_too_long': '"{field}" terlalu panjang; paling banyak {max} karakter.',
  'intake.refused.field_invalid': 'Isian "{field}" tidak sah.',
  'intake.refused.file_missing': 'Berkas "{kelengkapan}" belum dilampirkan.',
  'intake.refused.file_unknown': 'Berkas untuk "{kelengkapan}" tidak ditemukan; mohon kirim ulang.',
});

extendCatalog('en', {
  'intake.refused.sop_unknown': 'SOP "{sop}" is not known.',
  'intake.refused.unit_unknown': 'Unit "{unit}" is not known.',
  'intake.refused.sop_not_offered': 'Sorry, "{sop}" is not offered by this unit.',
  'intake.refused.not_initiator': 'Sorry, your role cannot open a case of "{sop}".',
  'intake.refused.subject_empty': 'The subject is empty. Please fill it in.',
  'intake.refused.subject_too_long': 'The subject is too long; at most {max} characters.',
  'intake.refused.body_empty': 'The description is empty. Please fill it in.',
  'intake.refused.body_too_long': 'The description is too long; at most {max} characters.',
  'intake.refused.field_missing': '"{field_en}" is empty. Please fill it in.',
  'intake.refused.field_too_long': '"{field_en}" is too long; at most {max} characters.',
  'intake.refused.field_invalid': '"{field_en}" is not valid.',
  'intake.refused.file_missing': 'The file "{kelengkapan}" is not attached yet.',
  'intake.refused.file_unknown': 'The file for "{kelengkapan}" was not found; please send it again.',
});
