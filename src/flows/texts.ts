import { extendCatalog } from '../i18n/index.js';

/** What the conversation flows say, in Bahasa Indonesia and English. */
extendCatalog('id', {
  'flow.text': '{text}',
  'flow.slow_down':
    'Mohon maaf, pesan Anda datang terlalu cepat. Pesan yang Anda kirim dalam {seconds} detik ke depan tidak kami proses; setelah itu silakan kirim lagi.',
  'menu.prompt': 'Selamat datang di SIPUT — layanan keluhan, saran dan masukan tata laksana. Silakan pilih menu:',
  'menu.prompt.official': 'Selamat datang, {name}. Silakan pilih menu:',
  'menu.dokumen': 'Dokumen',
  'menu.aspirasi': 'Saran/Keluhan/Masukan',
  'menu.unit': '"{sop}" dilayani beberapa unit. Ke unit mana kasus Anda ditujukan?',
  'menu.status': 'Cek Status',
  'menu.bantuan': 'Bantuan',
  'menu.tugas': 'Tugas saya',
  'menu.bahasa': 'English',
  'menu.identitas': 'Ubah identitas',
  'menu.baru': 'Kasus baru',
  'open.choose': 'Kasus baru: pilih SOP-nya.',
  'open.none': 'Tidak ada SOP yang dapat dibuka dengan peran Anda di unit Anda.',
  'open.gone': 'SOP ini sudah tidak tersedia. Silakan mulai lagi dari menu.',
  'open.subject': '{sop}\nTuliskan {label} (paling banyak {max} karakter).',
  'open.body': 'Tuliskan uraiannya (paling banyak {max} karakter).',
  'open.field': 'Isi "{label}":',
  'open.field_choice': 'Pilih "{label}":',
  'open.field_date': 'Isi "{label}" dengan format TTTT-BB-HH, mis. 2026-03-01:',
  'open.file': 'Kirim berkas "{kelengkapan}" (PDF, Word, Excel atau foto; paling besar 10 MB).',
  'open.file_expected': 'Kami menunggu berkas "{kelengkapan}". Kirim berkasnya, atau ketik BATAL untuk membatalkan.',
  'open.file_received': 'Diterima untuk "{kelengkapan}": {name}.',
  'open.summary':
    'Mohon periksa sebelum dikirim:\nSOP: {sop}\n{subjectLabel}: {subject}\nUraian: {body}\n{fields}Berkas:\n{files}',
  'open.edit_subject': 'Ubah perihal',
  'menu.hint': 'Maaf, kami belum memahami pesan itu. Pilih salah satu menu, atau ketik MENU kapan saja.',
  'help.text':
    'Cara memakai SIPUT:\n• Dokumen — cari dan unduh dokumen tata laksana.\n• Saran/Keluhan/Masukan — sampaikan aspirasi Anda dan dapatkan nomor tiket.\n• Cek Status — lihat perkembangan tiket Anda.\nPerintah: MENU untuk kembali ke menu, BATAL untuk membatalkan, STATUS <nomor tiket>, BAHASA EN untuk English.\nPejabat: DAFTAR <kode> untuk menautkan akun, TUGAS untuk daftar tugas, BARU untuk membuka kasus baru, MASUK untuk membuka tugas di konsol web.',
  'cancel.done': 'Dibatalkan. Tidak ada yang dikirim.',
  'lang.set': 'Bahasa diubah ke Bahasa Indonesia.',
  'common.skip': 'Lewati',
  'common.yes': 'Ya',
  'common.back': 'Kembali',
  'common.choose_hint': 'Mohon pilih salah satu pilihan di atas (ketik nomornya atau tekan tombolnya).',
  'identity.name': 'Boleh kami tahu nama lengkap Anda?',
  'identity.name_invalid': 'Nama perlu 2 sampai 100 huruf. Mohon tuliskan nama lengkap Anda.',
  'identity.contact':
    'Terima kasih, {name}. Tuliskan email dan/atau nomor HP Anda (mis. 0812 3456 7890 atau nama@contoh.go.id). Boleh keduanya, dipisah koma.',
  'identity.contact_invalid':
    'Maaf, "{value}" bukan email atau nomor HP Indonesia yang valid. Contoh: 0812 3456 7890, +62 812 3456 7890, atau nama@contoh.go.id.',
  'identity.consent':
    'Data Anda (nama, email/HP) hanya dipakai untuk menindaklanjuti aspirasi dan mencatat unduhan dokumen, disimpan sesuai UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi, dan dapat Anda minta untuk dihapus. Setuju?',
  'identity.consent_yes': 'Setuju',
  'identity.consent_no': 'Tidak setuju',
  'identity.declined': 'Baik. Tanpa persetujuan, identitas Anda tidak kami catat dan tidak diubah.',
  'identity.declined.case':
    'Baik, data Anda tidak kami simpan. Tanpa persetujuan, aspirasi ini belum dapat kami kirim: petugas memerlukan nama dan kontak Anda untuk menindaklanjutinya dan mengabarkan setiap perkembangannya. Draf Anda tetap tersimpan di percakapan ini. Pilih "Setuju" bila Anda berubah pikiran, atau "Hapus draf".',
  'identity.declined.download':
    'Baik, data Anda tidak kami simpan. Tanpa persetujuan, tautan unduhan belum dapat kami berikan, karena setiap unduhan dokumen publik dicatat di buku tamu. Sinopsis dokumen tetap dapat Anda baca. Pilih "Setuju" bila Anda berubah pikiran, atau kembali ke dokumen.',
  'identity.drop.case': 'Hapus draf',
  'identity.drop.download': 'Kembali ke dokumen',
  'identity.name.download':
    'Setiap unduhan dokumen publik dicatat di buku tamu unit: siapa mengunduh dokumen apa dan kapan. Untuk itu kami hanya menanyakan nama Anda dan satu kontak. Boleh kami tahu nama lengkap Anda?',
  'identity.contact.download':
    'Terima kasih, {name}. Tuliskan satu email atau nomor HP untuk buku tamu (mis. 0812 3456 7890 atau nama@contoh.go.id).',
  'identity.consent.download':
    'Nama dan kontak Anda hanya dicatat di buku tamu unduhan dokumen, disimpan sesuai UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi, dan dapat Anda minta untuk dihapus. Setuju?',
  'identity.saved': 'Identitas tersimpan: {name} ({contact}).',
  'identity.known': 'Anda tercatat sebagai {name} ({contact}).',
  'complaint.category': 'Apa yang ingin Anda sampaikan?',
  'complaint.category.keluhan': 'Keluhan',
  'complaint.category.saran': 'Saran',
  'complaint.category.masukan': 'Masukan',
  'complaint.about': 'Tentang dokumen atau layanan apa? Ketik judul/nomornya, atau pilih Lewati.',
  'complaint.about_too_long': 'Mohon singkat saja, paling banyak {max} karakter.',
  'complaint.text': 'Silakan tuliskan {category} Anda (paling banyak {max} karakter).',
  'complaint.text_empty': 'Pesannya masih kosong. Mohon tuliskan {category} Anda.',
  'complaint.text_too_long':
    'Pesan Anda {length} karakter; paling banyak {max}. Mohon dipersingkat, atau kirim lampiran.',
  'complaint.attachment': 'Ada lampiran (foto, PDF, Word atau Excel)? Kirim berkasnya sekarang, atau pilih Lewati.',
  'complaint.attachment_received': 'Lampiran diterima: {name}.',
  'complaint.attachment_expected':
    'Kami menunggu berkas foto, PDF, Word atau Excel. Kirim berkasnya, atau pilih Lewati.',
  'complaint.summary':
    'Mohon periksa sebelum dikirim:\nJenis: {category}\nTentang: {about}\nPesan: {text}\nLampiran: {attachment}\nPengirim: {name} ({contact})\nIdentitas dirahasiakan: {rahasia}',
  'complaint.send': 'Kirim',
  'complaint.edit_text': 'Ubah pesan',
  'complaint.edit_category': 'Ubah jenis',
  'complaint.cancel': 'Batal',
  'complaint.none': '-',
  'complaint.rahasia':
    'Apakah identitas Anda ingin dirahasiakan? Jika ya, petugas yang menangani hanya melihat nama samaran tanpa kontak Anda; identitas Anda hanya dapat dilihat admin, dan setiap kali dilihat tercatat.',
  'complaint.rahasia_yes': 'Ya, rahasiakan identitas saya',
  'complaint.rahasia_no': 'Tidak perlu dirahasiakan',
  'complaint.rahasia_on': 'Ya',
  'complaint.rahasia_off': 'Tidak',
  'complaint.edit_rahasia': 'Ubah pilihan rahasia',
  'status.ask': 'Ketik nomor tiket Anda (mis. SMS-2026-000123).',
  'status.ask_own': 'Pilih tiket Anda, atau ketik nomor tiket:',
  'status.not_found': 'Tiket "{ticket}" tidak kami temukan di antara tiket Anda. Periksa kembali nomornya.',
  'status.detail': 'Tiket {ticket} ({category})\nStatus: {status}\n{fields}Riwayat:\n{history}',
  'status.closed': 'Selesai pada {date}: {outcome}',
  'documents.prompt': 'Dokumen tata laksana yang dipublikasikan. Pilih dokumen, atau ketik kata kunci untuk mencari:',
  'documents.none': 'Belum ada dokumen yang cocok. Coba kata kunci lain, atau ketik MENU.',
  'documents.detail': '{number} — {title} (revisi {revision})\n\nSinopsis: {synopsis}',
  'documents.download': 'Unduh',
  'documents.link': 'Silakan unduh "{title}" melalui tautan ini (berlaku {hours} jam): {url}',
  'official.linked':
    'Akun Anda tertaut, {name}. Tugas yang menjadi bagian Anda akan dikirim ke sini. Ketik TUGAS untuk melihat daftar tugas.',
  'official.code_invalid': 'Kode tidak berlaku (salah, sudah dipakai, atau kedaluwarsa). Mintalah kode baru ke admin.',
  'official.only': 'Menu ini hanya untuk pejabat yang sudah menautkan akun (DAFTAR <kode>).',
  'masuk.link':
    'Tautan masuk ke konsol untuk melihat tugas Anda (berlaku {minutes} menit, sekali pakai; jangan teruskan ke orang lain): {url}',
  'masuk.private_only': 'Demi keamanan, ketik MASUK di percakapan pribadi dengan bot, bukan di grup.',
  'tasks.none': 'Tidak ada tugas yang menunggu Anda.',
  'tasks.list': 'Tugas Anda ({count}):',
  'tasks.item': '{ticket} · langkah {step} · batas {due}{late}',
  'tasks.late': ' · TERLAMBAT',
  'task.detail':
    'Tiket {ticket}\nBatas waktu: {due}{latest}\n\nMenurut SOP, langkah {step}: {kegiatan}\nJenis: {category}\nPesan pengirim: {body}\nLampiran: {attachments}\nPelapor: {reporter}\nPilih tindakan:',
  'act.note': 'Tuliskan catatan untuk "{label}".',
  'act.note_optional':
    'Ada catatan untuk "{label}"? Tuliskan, misalnya arahan bagi yang menerima berikutnya, atau pilih Lewati (catatan tidak wajib).',
  'act.kelengkapan':
    'Kelengkapan {n} dari {total} untuk "{label}": kirim berkas {name} (PDF, Word, Excel atau foto, paling besar 10 MB).',
  'act.kelengkapan_or_absent':
    'Kelengkapan {n} dari {total} untuk "{label}": kirim berkas {name} (PDF, Word, Excel atau foto, paling besar 10 MB), atau tekan "Tidak ada" bila memang belum ada.',
  'act.kelengkapan_absent_button': 'Tidak ada',
  'act.kelengkapan_absent_note': 'Tuliskan mengapa {name} tidak ada. Catatan ini disimpan bersama tindakan Anda.',
  'act.kelengkapan_received': 'Diterima sebagai {name}: {file}.',
  'act.kelengkapan_reused':
    'Berkas itu sudah dipakai untuk kelengkapan lain atau tiket lain. Mohon kirim berkas tersendiri untuk {name}.',
  'act.kelengkapan_missing':
    'Mohon maaf, {name} wajib dilampirkan sebagai berkas sebelum tindakan ini dapat dilanjutkan. Kirim berkasnya, atau ketik BATAL untuk membatalkan.',
  'act.kelengkapan_missing_or_absent':
    'Mohon kirim {name} sebagai berkas, atau tekan "Tidak ada" dan tuliskan alasannya. Ketik BATAL untuk membatalkan.',
  'act.done': 'Tercatat: "{label}" untuk tiket {ticket}.',
  'act.tindak_lanjut':
    'Tuliskan tindak lanjut untuk "{label}": apa yang telah dilakukan (bisa disampaikan ke pelapor), atau pilih Lewati.',
  'act.visibility': 'Apakah pelapor boleh membaca catatan ini? Bawaannya internal: hanya untuk rekan kerja.',
  'act.visibility_internal': 'Internal saja',
  'confirm.reason':
    'Mohon tuliskan apa yang belum terselesaikan pada tiket {ticket}; petugas akan menindaklanjutinya kembali.',
  'confirm.reopened': 'Tiket {ticket} dibuka kembali. Alasan Anda sudah kami teruskan ke petugas.',
  'confirm.thanks': 'Terima kasih atas konfirmasinya. Tiket {ticket} ditutup.',
  'act.visibility_public': 'Tampilkan ke pelapor',
  'act.invalid': 'Pilihan ini tidak sah atau sudah tidak berlaku.',
});

extendCatalog('en', {
  'flow.text': '{text}',
  'flow.slow_down':
    'Sorry, your messages are coming too fast. Messages you send in the next {seconds} seconds will not be processed; after that, please send again.',
  'menu.prompt': 'Welcome to SIPUT — complaints, suggestions and feedback on procedures. Please choose:',
  'menu.prompt.official': 'Welcome, {name}. Please choose:',
  'menu.dokumen': 'Documents',
  'menu.aspirasi': 'Suggestion/Complaint/Feedback',
  'menu.unit': '"{sop}" is offered by several units. Which unit is your case for?',
  'menu.status': 'Check status',
  'menu.bantuan': 'Help',
  'menu.tugas': 'My tasks',
  'menu.bahasa': 'Bahasa Indonesia',
  'menu.identitas': 'Change my details',
  'menu.baru': 'New case',
  'open.choose': 'New case: choose its SOP.',
  'open.none': 'There is no SOP your role can open in your unit.',
  'open.gone': 'This SOP is no longer available. Please start again from the menu.',
  'open.subject': '{sop}\nWrite the {label} (at most {max} characters).',
  'open.body': 'Write the description (at most {max} characters).',
  'open.field': 'Fill in "{label}":',
  'open.field_choice': 'Choose "{label}":',
  'open.field_date': 'Fill in "{label}" as YYYY-MM-DD, e.g. 2026-03-01:',
  'open.file': 'Send the file "{kelengkapan}" (PDF, Word, Excel or a photo; 10 MB at most).',
  'open.file_expected': 'We are waiting for the file "{kelengkapan}". Send it, or type BATAL to cancel.',
  'open.file_received': 'Received for "{kelengkapan}": {name}.',
  'open.summary':
    'Please check before sending:\nSOP: {sop}\n{subjectLabel}: {subject}\nDescription: {body}\n{fields}Files:\n{files}',
  'open.edit_subject': 'Edit subject',
  'menu.hint': 'Sorry, we did not understand that. Choose one of the menu items, or type MENU at any time.',
  'help.text':
    'Using SIPUT:\n• Documents — find and download procedure documents.\n• Suggestion/Complaint/Feedback — send yours and get a ticket number.\n• Check status — follow your ticket.\nCommands: MENU to go back to the menu, BATAL to cancel, STATUS <ticket>, BAHASA ID for Bahasa Indonesia.\nOfficials: DAFTAR <code> to link your account, TUGAS for your tasks, BARU to open a new case, MASUK to open them in the web console.',
  'cancel.done': 'Cancelled. Nothing was sent.',
  'lang.set': 'Language set to English.',
  'common.skip': 'Skip',
  'common.yes': 'Yes',
  'common.back': 'Back',
  'common.choose_hint': 'Please pick one of the choices above (type its number or press its button).',
  'identity.name': 'May we have your full name?',
  'identity.name_invalid': 'A name needs 2 to 100 letters. Please write your full name.',
  'identity.contact':
    'Thank you, {name}. Please write your email and/or mobile number (e.g. 0812 3456 7890 or name@example.go.id). Both are fine, separated by a comma.',
  'identity.contact_invalid':
    'Sorry, "{value}" is not a valid email or Indonesian mobile number. Examples: 0812 3456 7890, +62 812 3456 7890, name@example.go.id.',
  'identity.consent':
    'Your details (name, email/phone) are used only to follow up your message and to record document downloads, kept under Law No. 27 of 2022 on Personal Data Protection, and you may ask us to erase them. Do you agree?',
  'identity.consent_yes': 'I agree',
  'identity.consent_no': 'I do not agree',
  'identity.declined': 'Understood. Without your consent your details are not recorded or changed.',
  'identity.declined.case':
    'Understood, your details are not kept. Without your consent we cannot send this yet: the officials need your name and contact to follow it up and tell you of each step. Your draft stays in this conversation. Choose "I agree" if you change your mind, or "Delete the draft".',
  'identity.declined.download':
    'Understood, your details are not kept. Without your consent we cannot give the download link, because every download of a public document is written in the guest book. You can still read the synopsis. Choose "I agree" if you change your mind, or go back to the document.',
  'identity.drop.case': 'Delete the draft',
  'identity.drop.download': 'Back to the document',
  'identity.name.download':
    'Every download of a public document is written in the unit’s guest book: who downloaded which document, and when. For that we ask only your name and one contact. May we have your full name?',
  'identity.contact.download':
    'Thank you, {name}. Please write one email or mobile number for the guest book (e.g. 0812 3456 7890 or name@example.go.id).',
  'identity.consent.download':
    'Your name and contact are written only in the document download guest book, kept under Law No. 27 of 2022 on Personal Data Protection, and you may ask us to erase them. Do you agree?',
  'identity.saved': 'Details saved: {name} ({contact}).',
  'identity.known': 'You are recorded as {name} ({contact}).',
  'complaint.category': 'What would you like to send?',
  'complaint.category.keluhan': 'Complaint',
  'complaint.category.saran': 'Suggestion',
  'complaint.category.masukan': 'Feedback',
  'complaint.about': 'Which document or service is it about? Type its title/number, or choose Skip.',
  'complaint.about_too_long': 'Please keep it short, at most {max} characters.',
  'complaint.text': 'Please write your {category} (at most {max} characters).',
  'complaint.text_empty': 'The message is empty. Please write your {category}.',
  'complaint.text_too_long':
    'Your message has {length} characters; the limit is {max}. Please shorten it, or send an attachment.',
  'complaint.attachment': 'Any attachment (photo, PDF, Word or Excel)? Send the file now, or choose Skip.',
  'complaint.attachment_received': 'Attachment received: {name}.',
  'complaint.attachment_expected': 'We are waiting for a photo, PDF, Word or Excel file. Send it, or choose Skip.',
  'complaint.summary':
    'Please check before sending:\nType: {category}\nAbout: {about}\nMessage: {text}\nAttachment: {attachment}\nFrom: {name} ({contact})\nIdentity kept confidential: {rahasia}',
  'complaint.send': 'Send',
  'complaint.edit_text': 'Edit message',
  'complaint.edit_category': 'Change type',
  'complaint.cancel': 'Cancel',
  'complaint.none': '-',
  'complaint.rahasia':
    'Should your identity be kept confidential? If so, the officials handling it see only a pseudonym and none of your contact details; only administrators can see who you are, and each look is recorded.',
  'complaint.rahasia_yes': 'Yes, keep my identity confidential',
  'complaint.rahasia_no': 'No need',
  'complaint.rahasia_on': 'Yes',
  'complaint.rahasia_off': 'No',
  'complaint.edit_rahasia': 'Change confidentiality',
  'status.ask': 'Type your ticket number (e.g. SMS-2026-000123).',
  'status.ask_own': 'Choose your ticket, or type a ticket number:',
  'status.not_found': 'We could not find ticket "{ticket}" among your tickets. Please check the number.',
  'status.detail': 'Ticket {ticket} ({category})\nStatus: {status}\n{fields}History:\n{history}',
  'status.closed': 'Completed on {date}: {outcome}',
  'documents.prompt': 'Published procedure documents. Choose one, or type words to search:',
  'documents.none': 'No document matches yet. Try other words, or type MENU.',
  'documents.detail': '{number} — {title} (revision {revision})\n\nSynopsis: {synopsis}',
  'documents.download': 'Download',
  'documents.link': 'Download "{title}" with this link (valid for {hours} hours): {url}',
  'official.linked':
    'Your account is linked, {name}. Steps assigned to you will arrive here. Type TUGAS for your task list.',
  'official.code_invalid': 'That code is not valid (wrong, already used or expired). Ask the admin for a new one.',
  'official.only': 'This is for officials who have linked their account (DAFTAR <code>).',
  'masuk.link': 'Your link to the console’s task list (valid for {minutes} minutes, once; do not pass it on): {url}',
  'masuk.private_only': 'For your safety, type MASUK in a private chat with the bot, not in a group.',
  'tasks.none': 'No task is waiting for you.',
  'tasks.list': 'Your tasks ({count}):',
  'tasks.item': '{ticket} · step {step} · due {due}{late}',
  'tasks.late': ' · OVERDUE',
  'task.detail':
    'Ticket {ticket}\nDue: {due}{latest}\n\nPer the SOP, step {step}: {kegiatan}\nType: {category}\nSender’s message: {body}\nAttachments: {attachments}\nReporter: {reporter}\nChoose an action:',
  'act.note': 'Write a note for "{label}".',
  'act.note_optional':
    'Any note for "{label}"? Write it, for instance a word for whoever receives it next, or choose Skip (a note is not required).',
  'act.kelengkapan':
    'Required item {n} of {total} for "{label}": send the file {name} (PDF, Word, Excel or a photo, at most 10 MB).',
  'act.kelengkapan_or_absent':
    'Required item {n} of {total} for "{label}": send the file {name} (PDF, Word, Excel or a photo, at most 10 MB), or press "Not available" if there is none yet.',
  'act.kelengkapan_absent_button': 'Not available',
  'act.kelengkapan_absent_note': 'Write why {name} is not available. The note is kept with your action.',
  'act.kelengkapan_received': 'Received as {name}: {file}.',
  'act.kelengkapan_reused':
    'That file is already used for another required item or another ticket. Please send a separate file for {name}.',
  'act.kelengkapan_missing':
    'Sorry, {name} must be attached as a file before this action can go on. Send the file, or type BATAL to cancel.',
  'act.kelengkapan_missing_or_absent':
    'Please send {name} as a file, or press "Not available" and write why. Type BATAL to cancel.',
  'act.done': 'Recorded: "{label}" for ticket {ticket}.',
  'act.tindak_lanjut':
    'Write the follow-up for "{label}": what was done (it may be shown to the reporter), or choose Skip.',
  'act.visibility': 'May the reporter read this note? By default it is internal: for colleagues only.',
  'act.visibility_internal': 'Internal only',
  'confirm.reason': 'Please write what is not solved yet on ticket {ticket}; our staff will take it up again.',
  'confirm.reopened': 'Ticket {ticket} is reopened. Your reason has been passed to our staff.',
  'confirm.thanks': 'Thank you for confirming. Ticket {ticket} is closed.',
  'act.visibility_public': 'Show the reporter',
  'act.invalid': 'This choice is not valid or no longer applies.',
});
