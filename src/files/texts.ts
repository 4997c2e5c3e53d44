import { extendCatalog } from '../i18n/index.js';

/** Why a file was refused, told to whoever sent it on any channel. */
extendCatalog('id', {
  'files.file_empty': 'Berkas kosong. Pilih berkas lain.',
  'files.file_too_large': 'Berkas terlalu besar: paling besar {max}.',
  'files.file_type_not_allowed': 'Jenis berkas ini tidak diterima. Yang diterima: {allowed}.',
  'files.file_type_mismatch': 'Isi berkas tidak sesuai dengan ekstensi namanya. Yang diterima: {allowed}.',
  'files.disk_full': 'Maaf, penyimpanan berkas sedang penuh. Kirim pesan tanpa lampiran, atau coba lagi nanti.',
  'files.document_invalid': 'Data dokumen tidak lengkap atau tidak sah ({field}).',
});

extendCatalog('en', {
  'files.file_empty': 'The file is empty. Choose another file.',
  'files.disk_full':
    'Sorry, file storage is full right now. Send your message without an attachment, or try again later.',
  'files.file_too_large': 'The file is too large: at most {max}.',
  'files.file_type_not_allowed': 'This kind of file is not accepted. Accepted: {allowed}.',
  'files.file_type_mismatch': 'The file’s content does not match the extension of its name. Accepted: {allowed}.',
  'files.document_invalid': 'The document details are incomplete or invalid ({field}).',
});
