import { extendCatalog } from '../i18n/index.js';

/** What the web chat and the download links tell people, keyed like the rest of the catalogue. */
extendCatalog('id', {
  'web.no_file': 'Tidak ada berkas yang diunggah.',
  'web.empty_message': 'Pesan kosong: tulis sesuatu, pilih tombol, atau lampirkan berkas.',
  'web.text_too_long': 'Pesan terlalu panjang: paling banyak {max} karakter.',
  'web.invalid_choice': 'Pilihan tidak sah. Tekan salah satu tombol yang tersedia.',
  'web.invalid_message': 'Pesan tidak dapat dibaca. Muat ulang halaman lalu coba lagi.',
  'web.unknown_attachment': 'Lampiran tidak ditemukan. Unggah lagi berkasnya.',
  'web.internal': 'Maaf, sedang terjadi gangguan. Silakan coba lagi sebentar lagi.',
  'web.cross_site': 'Permintaan ini tidak berasal dari halaman percakapan SIPUT. Buka /chat lalu coba lagi.',
  'web.slow_down': 'Pesan Anda terlalu cepat. Mohon tunggu {seconds} detik, lalu kirim lagi.',
  'web.too_many_streams': 'Terlalu banyak halaman percakapan yang terbuka. Tutup sebagian, lalu muat ulang.',
  'web.upload_quota': 'Batas unggahan tercapai untuk saat ini. Coba lagi beberapa jam lagi.',
  'web.link_title': 'Unduhan dokumen',
  'web.link_expired':
    'Mohon maaf, tautan unduhan ini sudah kedaluwarsa. Silakan minta tautan baru melalui menu Dokumen di percakapan SIPUT.',
  'web.link_invalid':
    'Mohon maaf, tautan unduhan ini tidak sah. Pastikan tautan tersalin lengkap, atau minta tautan baru melalui menu Dokumen di percakapan SIPUT.',
  'web.document_gone':
    'Mohon maaf, dokumen ini tidak lagi tersedia. Daftar dokumen terbaru ada di menu Dokumen percakapan SIPUT.',
});

extendCatalog('en', {
  'web.cross_site': 'This request did not come from the SIPUT chat page. Open /chat and try again.',
  'web.slow_down': 'You are sending too fast. Please wait {seconds} seconds, then send again.',
  'web.too_many_streams': 'Too many chat pages are open. Close some, then reload.',
  'web.upload_quota': 'The upload limit is reached for now. Try again in a few hours.',
  'web.no_file': 'No file was uploaded.',
  'web.empty_message': 'Empty message: write something, press a button, or attach a file.',
  'web.text_too_long': 'The message is too long: at most {max} characters.',
  'web.invalid_choice': 'That choice is not valid. Press one of the buttons offered.',
  'web.invalid_message': 'The message could not be read. Reload the page and try again.',
  'web.unknown_attachment': 'The attachment was not found. Please upload the file again.',
  'web.internal': 'Sorry, something went wrong. Please try again in a moment.',
  'web.link_title': 'Document download',
  'web.link_expired':
    'Sorry, this download link has expired. Ask for a new one from the Documents menu in the SIPUT chat.',
  'web.link_invalid':
    'Sorry, this download link is not valid. Make sure the whole link was copied, or ask for a new one from the Documents menu in the SIPUT chat.',
  'web.document_gone':
    'Sorry, this document is no longer available. The current documents are in the Documents menu of the SIPUT chat.',
});
