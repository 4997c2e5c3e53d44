import { extendCatalog } from '../../i18n/index.js';

/** Words of the console's dashboard. */
extendCatalog('id', {
  'admin.dashboard.intro_counts':
    'Tiket yang sedang berjalan saat ini. Setiap angka membuka daftar tiketnya di tabel pelacakan.',
  'admin.dashboard.open': 'Berjalan',
  'admin.dashboard.due_today': 'Jatuh tempo hari ini',
  'admin.dashboard.late': 'Terlambat',
  'admin.dashboard.waiting': 'Menunggu pelapor',
  'admin.dashboard.unheld': 'Tanpa pemegang',
  'admin.dashboard.by_sop': 'Per SOP',
  'admin.dashboard.by_unit': 'Per unit',
  'admin.dashboard.sop': 'SOP',
  'admin.dashboard.unit': 'Unit',
  'admin.dashboard.on_time': 'Langkah selesai tepat waktu',
  'admin.dashboard.on_time_of': '({on} dari {of} langkah)',
  'admin.dashboard.trend_up': 'Naik {points} poin dari bulan lalu.',
  'admin.dashboard.trend_down': 'Turun {points} poin dari bulan lalu.',
  'admin.dashboard.trend_same': 'Sama dengan bulan lalu.',
});

extendCatalog('en', {
  'admin.dashboard.intro_counts': 'Cases running now. Each number opens its cases in the tracking table.',
  'admin.dashboard.open': 'Open',
  'admin.dashboard.due_today': 'Due today',
  'admin.dashboard.late': 'Late',
  'admin.dashboard.waiting': 'Waiting on the reporter',
  'admin.dashboard.unheld': 'No holder',
  'admin.dashboard.by_sop': 'By SOP',
  'admin.dashboard.by_unit': 'By unit',
  'admin.dashboard.sop': 'SOP',
  'admin.dashboard.unit': 'Unit',
  'admin.dashboard.on_time': 'Steps done on time',
  'admin.dashboard.on_time_of': '({on} of {of} steps)',
  'admin.dashboard.trend_up': 'Up {points} points on last month.',
  'admin.dashboard.trend_down': 'Down {points} points on last month.',
  'admin.dashboard.trend_same': 'The same as last month.',
});
