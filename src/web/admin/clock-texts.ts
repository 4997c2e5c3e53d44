import { extendCatalog } from '../../i18n/index.js';

/** The console's words for the office's clock: SIPUT's default times, waits on the reporter. */
extendCatalog('id', {
  'admin.clock.waktu_default': 'ketetapan SIPUT',
  'admin.clock.waktu_default_title': 'SOP tidak menyebut waktunya; SIPUT menetapkan waktu ini.',
  'admin.clock.effort': 'upaya menurut SOP {effort}',
  'admin.clock.estimated': 'perkiraan',
  'admin.clock.estimated_title': 'Tenggat melewati tahun yang hari liburnya belum ditetapkan SKB.',
  'admin.clock.waiting': 'Menunggu pelapor sampai {until}',
  'admin.clock.waited': 'menunggu pelapor {time}',
  'admin.reports.col.waited': 'Menunggu pelapor',
  'admin.reports.waited_cell': '{n} kali, {time}',
  'admin.case.event.paused': 'Kelengkapan diminta dari pelapor (waktu berhenti)',
  'admin.case.event.resumed': 'Pelapor menjawab (waktu berjalan lagi)',
});

extendCatalog('en', {
  'admin.clock.waktu_default': 'set by SIPUT',
  'admin.clock.waktu_default_title': 'The SOP gives no time for this step; SIPUT set this one.',
  'admin.clock.effort': 'effort per the SOP {effort}',
  'admin.clock.estimated': 'estimate',
  'admin.clock.estimated_title': 'The deadline runs over a year whose holidays the SKB has not set yet.',
  'admin.clock.waiting': 'Waiting on the reporter until {until}',
  'admin.clock.waited': 'waited on the reporter {time}',
  'admin.reports.col.waited': 'Waited on the reporter',
  'admin.reports.waited_cell': '{n} times, {time}',
  'admin.case.event.paused': 'Kelengkapan asked of the reporter (clock stopped)',
  'admin.case.event.resumed': 'The reporter answered (clock running again)',
});
