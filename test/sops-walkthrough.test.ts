import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSopFile } from '../src/sop/catalog.js';
import { END, type SopDefinition } from '../src/sop/definition.js';
import type { Effect } from '../src/sop/effects.js';
import { stepOf } from '../src/sop/engine.js';
import {
  auditEntries,
  DAY,
  notifications,
  SOPS_DIR,
  shippedSop,
  shippedSops,
  type WalkChoice,
  type WalkResult,
  walk,
} from './support/engine-harness.js';

/** One way through an SOP, and what it must look like. */
interface Route {
  readonly name: string;
  readonly choices: readonly WalkChoice[];
  /** Steps entered, in order, returns included. */
  readonly visited: readonly string[];
  readonly outcome: string;
  /** Steps after the first at which the stakeholder gets a case.update, in order. */
  readonly stakeholderUpdates?: readonly string[];
}

const ROUTES: Record<string, readonly Route[]> = {
  'siput-sms': [
    {
      name: 'a) resolved by explanation: the Kasubag signs the completion report and the staff records it',
      choices: ['selesai-dengan-penjelasan', 'sahkan', 'perbarui-progres'],
      visited: ['4', '5a', '11'],
      outcome: 'selesai',
      stakeholderUpdates: ['11'],
    },
    {
      name: 'a) with the completion report sent back to the staff once',
      choices: [
        'selesai-dengan-penjelasan',
        { action: 'kembalikan', note: 'BA konfirmasi belum ditandatangani stakeholder' },
        'selesai-dengan-penjelasan',
        'sahkan',
        'perbarui-progres',
      ],
      visited: ['4', '5a', '4', '5a', '11'],
      outcome: 'selesai',
      stakeholderUpdates: ['11'],
    },
    {
      name: 'b) revision within the Kabag ORTALA’s authority: disposisi straight down to the Kasubag',
      choices: [
        'perlu-revisi',
        'tandatangani-nota-dinas',
        { action: 'disposisi', note: 'Revisi SOP surat masuk, koordinasikan dengan TU' },
        'teruskan-disposisi',
        'unggah-tindak-lanjut',
        'perbarui-progres',
      ],
      visited: ['4', '5b', '6', '9', '10', '11'],
      outcome: 'selesai',
      stakeholderUpdates: ['6', '10', '11'],
    },
    {
      name: 'b) revision approved by the Karo POK and passed down the whole chain',
      choices: [
        'perlu-revisi',
        'tandatangani-nota-dinas',
        'ajukan-ke-karo',
        { action: 'disetujui', note: 'Setuju, susun dokumen baru' },
        'teruskan-disposisi',
        'teruskan-disposisi',
        'unggah-tindak-lanjut',
        'perbarui-progres',
      ],
      visited: ['4', '5b', '6', '7', '8', '9', '10', '11'],
      outcome: 'selesai',
      stakeholderUpdates: ['6', '7', '10', '11'],
    },
    {
      name: 'b) not approved by the Karo POK: back to the Kabag, who then decides within his authority',
      choices: [
        'perlu-revisi',
        'tandatangani-nota-dinas',
        'ajukan-ke-karo',
        { action: 'tidak-disetujui', note: 'Cukup diputuskan di tingkat Kabag' },
        { action: 'disposisi', note: 'Tindak lanjuti sesuai arahan Karo' },
        'teruskan-disposisi',
        'unggah-tindak-lanjut',
        'perbarui-progres',
      ],
      visited: ['4', '5b', '6', '7', '6', '9', '10', '11'],
      outcome: 'selesai',
      stakeholderUpdates: ['6', '7', '6', '10', '11'],
    },
    {
      name: 'b) the nota dinas sent back by the Kasubag and by the Kabag before it goes on',
      choices: [
        'perlu-revisi',
        { action: 'kembalikan', note: 'Rekomendasi belum menyebut dokumen yang direvisi' },
        'perlu-revisi',
        'tandatangani-nota-dinas',
        { action: 'kembalikan', note: 'Lengkapi dasar hukum' },
        'tandatangani-nota-dinas',
        { action: 'disposisi', note: 'Lanjutkan' },
        'teruskan-disposisi',
        'unggah-tindak-lanjut',
        'perbarui-progres',
      ],
      visited: ['4', '5b', '4', '5b', '6', '5b', '6', '9', '10', '11'],
      outcome: 'selesai',
      stakeholderUpdates: ['6', '6', '10', '11'],
    },
  ],
  'pedoman-juklak': [
    {
      name: 'straight through all sixteen steps to the Menko',
      choices: [
        'beri-arahan',
        'tugaskan-kasubbag',
        'sampaikan',
        'laporkan-ke-karo',
        'tugaskan-kabag',
        'tugaskan-kasubbag',
        'sampaikan',
        'paraf',
        'tandatangani',
        'rapat-selesai',
        'sampaikan',
        'kirim-ke-pemrakarsa',
        'konfirmasi',
        'sampaikan-ke-karo',
        'laporkan-ke-sesmenko',
        'sampaikan-ke-menko',
      ],
      visited: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13', '14', '15', '16'],
      outcome: 'ditetapkan',
    },
    {
      name: 'with every reviewing step sending the case back once',
      choices: [
        'beri-arahan',
        'tugaskan-kasubbag',
        'sampaikan',
        { action: 'kembalikan', note: 'Rancangan teknis belum memuat jadwal' },
        'sampaikan',
        'laporkan-ke-karo',
        { action: 'kembalikan', note: 'Bahan kurang lengkap' },
        'laporkan-ke-karo',
        'tugaskan-kabag',
        'tugaskan-kasubbag',
        'sampaikan',
        { action: 'kembalikan', note: 'Daftar undangan kurang Bagian Hukum' },
        'sampaikan',
        'paraf',
        { action: 'kembalikan', note: 'Tanggal rapat bentrok' },
        'paraf',
        'tandatangani',
        'rapat-selesai',
        'sampaikan',
        { action: 'kembalikan', note: 'Notula belum lengkap' },
        'sampaikan',
        'kirim-ke-pemrakarsa',
        'konfirmasi',
        { action: 'kembalikan', note: 'Konfirmasi belum ditandatangani pejabat unit' },
        'konfirmasi',
        'sampaikan-ke-karo',
        { action: 'kembalikan', note: 'Nota dinas pengantar salah alamat' },
        'sampaikan-ke-karo',
        'laporkan-ke-sesmenko',
        { action: 'kembalikan', note: 'Perlu PerMenko' },
        'laporkan-ke-sesmenko',
        'sampaikan-ke-menko',
      ],
      visited: [
        ...['1', '2', '3', '4', '3', '4', '5', '4', '5', '6', '7', '8', '7', '8', '9', '8', '9'],
        ...['10', '11', '12', '11', '12', '13', '14', '13', '14', '15', '14', '15', '16', '15', '16'],
      ],
      outcome: 'ditetapkan',
    },
  ],
  sisprosedur: [
    {
      name: 'a Permensesneg: approved and signed by the Menteri, then copied, printed and distributed',
      choices: [
        'program-kerja-selesai',
        'rencana-kerja-selesai',
        'tim-terbentuk',
        'draf-awal-selesai',
        'pembahasan-selesai',
        'rapat-kerja-selesai',
        'permensesneg',
        'ajukan-ke-menteri',
        'ditandatangani',
        'salinan-dibuat',
        'permohonan-dikirim',
        'terdistribusi',
      ],
      visited: ['1', '2', '3a', '3b', '4a', '4b', '5', '6', '7', '8a', '9', '10'],
      outcome: 'didistribusikan',
    },
    {
      name: 'another naskah dinas: straight from finalisation to copying, without the Menteri',
      choices: [
        'program-kerja-selesai',
        'rencana-kerja-selesai',
        'tim-terbentuk',
        'draf-awal-selesai',
        'pembahasan-selesai',
        'rapat-kerja-selesai',
        'naskah-dinas-lainnya',
        'naskah-digandakan',
        'permohonan-dikirim',
        'terdistribusi',
      ],
      visited: ['1', '2', '3a', '3b', '4a', '4b', '5', '8b', '9', '10'],
      outcome: 'didistribusikan',
    },
    {
      name: 'a Permensesneg sent back by the Menteri, the Karo and the Kasubbag before it is signed',
      choices: [
        'program-kerja-selesai',
        'rencana-kerja-selesai',
        'tim-terbentuk',
        'draf-awal-selesai',
        'pembahasan-selesai',
        'rapat-kerja-selesai',
        { action: 'kembalikan', note: 'Pasal 5 perlu dibahas ulang' },
        'rapat-kerja-selesai',
        'permensesneg',
        { action: 'kembalikan', note: 'Format belum sesuai tata naskah' },
        'permensesneg',
        'ajukan-ke-menteri',
        { action: 'perlu-perbaikan', note: 'Selaraskan dengan Permensesneg 2/2011' },
        'permensesneg',
        'ajukan-ke-menteri',
        'ditandatangani',
        'salinan-dibuat',
        'permohonan-dikirim',
        'terdistribusi',
      ],
      visited: [
        ...['1', '2', '3a', '3b', '4a', '4b', '5', '4b', '5', '6', '5', '6', '7', '5', '6', '7'],
        ...['8a', '9', '10'],
      ],
      outcome: 'didistribusikan',
    },
  ],
  'pemantauan-dumas': [
    {
      name: 'direct monitoring: preparation, surat perintah, visit, report',
      choices: [
        'sampaikan-matrikulasi',
        'ajukan-ke-asdep',
        'setujui-langsung',
        'persiapan-selesai',
        'koordinasi-selesai',
        'pemantauan-selesai',
        'laporan-selesai',
        'laporan-disampaikan',
      ],
      visited: ['1', '2', '3', '4a', '5a', '6a', '7', '8'],
      outcome: 'laporan disampaikan',
    },
    {
      name: 'indirect monitoring: files, materials, contact by letter and electronic media, report',
      choices: [
        'sampaikan-matrikulasi',
        'ajukan-ke-asdep',
        'setujui-tidak-langsung',
        'persiapan-selesai',
        'koordinasi-selesai',
        'pemantauan-selesai',
        'laporan-selesai',
        'laporan-disampaikan',
      ],
      visited: ['1', '2', '3', '4b', '5b', '6b', '7', '8'],
      outcome: 'laporan disampaikan',
    },
    {
      name: 'with the plan, the proposal and the report each sent back once',
      choices: [
        'sampaikan-matrikulasi',
        { action: 'kembalikan', note: 'Tambahkan pengaduan yang belum ditanggapi' },
        'sampaikan-matrikulasi',
        'ajukan-ke-asdep',
        { action: 'kembalikan', note: 'Susunan tim belum ada' },
        'ajukan-ke-asdep',
        'setujui-langsung',
        'persiapan-selesai',
        'koordinasi-selesai',
        'pemantauan-selesai',
        'laporan-selesai',
        { action: 'kembalikan', note: 'Laporan keuangan belum dilampirkan' },
        'laporan-selesai',
        'laporan-disampaikan',
      ],
      visited: ['1', '2', '1', '2', '3', '2', '3', '4a', '5a', '6a', '7', '8', '7', '8'],
      outcome: 'laporan disampaikan',
    },
  ],
  'fasilitasi-sop': [
    {
      name: 'all six stages of the tracking table',
      choices: [
        'setujui-rencana',
        'konsep-dijabarkan',
        'analisis-selesai',
        'usulan-dijabarkan',
        'fasilitasi-selesai',
        'verifikasi-selesai',
      ],
      visited: ['1', '2', '3', '4', '5', '6'],
      outcome: 'selesai',
      stakeholderUpdates: ['2', '3', '4', '5', '6'],
    },
    {
      name: 'with the analysis and the final result sent back once',
      choices: [
        'setujui-rencana',
        'konsep-dijabarkan',
        'analisis-selesai',
        { action: 'kembalikan', note: 'Identifikasi pelaksana belum lengkap' },
        'analisis-selesai',
        'usulan-dijabarkan',
        'fasilitasi-selesai',
        { action: 'kembalikan', note: 'Mutu baku waktu belum diisi' },
        'fasilitasi-selesai',
        'verifikasi-selesai',
      ],
      visited: ['1', '2', '3', '4', '3', '4', '5', '6', '5', '6'],
      outcome: 'selesai',
      stakeholderUpdates: ['2', '3', '4', '3', '4', '5', '6', '5', '6'],
    },
  ],
};

function stakeholderTemplates(effects: readonly Effect[]): string[] {
  return notifications(effects, { kind: 'stakeholder' }).map((n) => n.template);
}

function runStepIds(sop: SopDefinition): string[] {
  return sop.steps.filter((s) => s.scope === 'run').map((s) => s.id);
}

/** Checks one return: where it went, and that its note reached the audit log and the official. */
function expectReturn(result: WalkResult, returnIndex: number, note: string): void {
  // transitions[0] is the submit, so the act at choices[i] is transitions[i + 1].
  const effects = result.transitions[returnIndex + 1] ?? [];
  const [returned] = auditEntries(effects, 'returned');
  const [entered] = auditEntries(effects, 'entered');
  expect(returned?.note).toBe(note);
  expect(entered?.note).toBe(note);
  const visitedBefore = result.visited.slice(0, returnIndex + 1);
  const action = stepOf(result.sop, returned?.stepId ?? '').actions.find((a) => a.id === returned?.action);
  const expectedTarget = action?.to === 'previous' ? visitedBefore.at(-2) : action?.to;
  expect(entered?.stepId).toBe(expectedTarget);

  const toOfficial = notifications(effects, { kind: 'official' });
  expect(toOfficial).toHaveLength(1);
  expect(toOfficial[0]?.template).toBe('step.returned');
  expect(toOfficial[0]?.to).toEqual({ kind: 'official', id: entered?.target });
  expect(toOfficial[0]?.params.note).toBe(note);
  expect(toOfficial[0]?.params.step).toBe(expectedTarget);
  expect(stepOf(result.sop, expectedTarget ?? '').actor).toBe(
    result.directory.officials.find((o) => o.id === entered?.target)?.roleId,
  );
}

describe('the shipped SOP definitions', () => {
  it('are the five seed procedures, each in a file named after its id', () => {
    const files = readdirSync(SOPS_DIR).filter((f) => f.endsWith('.yaml'));
    expect(files.sort()).toEqual([
      'fasilitasi-sop.yaml',
      'pedoman-juklak.yaml',
      'pemantauan-dumas.yaml',
      'siput-sms.yaml',
      'sisprosedur.yaml',
    ]);
    for (const file of files) expect(`${loadSopFile(join(SOPS_DIR, file)).id}.yaml`).toBe(file);
    expect(new Set(shippedSops().map((s) => s.ticketPrefix)).size).toBe(5);
  });

  describe.each(shippedSops().map((sop) => [sop.id, sop] as const))('%s', (_id, sop) => {
    it('reaches every step cases run through from its start', () => {
      const reached = new Set<string>([sop.start]);
      const queue = [sop.start];
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        for (const action of stepOf(sop, id).actions) {
          if (action.to === END || action.to === 'previous' || reached.has(action.to)) continue;
          reached.add(action.to);
          queue.push(action.to);
        }
      }
      expect([...reached].sort()).toEqual(runStepIds(sop).sort());
    });

    it('can end from every step it runs through', () => {
      const ending = new Set<string>();
      let grew = true;
      while (grew) {
        grew = false;
        for (const step of sop.steps.filter((s) => s.scope === 'run' && !ending.has(s.id))) {
          if (step.actions.some((a) => a.kind !== 'return' && (a.to === END || ending.has(a.to)))) {
            ending.add(step.id);
            grew = true;
          }
        }
      }
      expect([...ending].sort()).toEqual(runStepIds(sop).sort());
    });

    it('points every action at a step cases run through, at the end with an outcome, or back', () => {
      const runIds = new Set(runStepIds(sop));
      for (const step of sop.steps) {
        for (const action of step.actions) {
          if (action.to === END) expect(action.outcome, `${step.id}.${action.id}`).toBeTruthy();
          else if (action.to === 'previous') expect(action.kind).toBe('return');
          else expect(runIds.has(action.to), `${step.id}.${action.id} → ${action.to}`).toBe(true);
        }
      }
    });

    it('has a status and labels in Bahasa Indonesia and English for every step and action', () => {
      for (const step of sop.steps) {
        expect(step.status.en, `step ${step.id}`).toBeTruthy();
        for (const action of step.actions) expect(action.label.en, `${step.id}.${action.id}`).toBeTruthy();
      }
    });
  });

  it('marks as waktuDefault exactly the steps whose time the source leaves blank', () => {
    const blankInSource: Record<string, readonly string[] | 'all'> = {
      'siput-sms': 'all',
      'fasilitasi-sop': 'all',
      sisprosedur: ['7'],
      'pedoman-juklak': [],
      'pemantauan-dumas': [],
    };
    for (const sop of shippedSops()) {
      const blank = blankInSource[sop.id];
      const expected = blank === 'all' ? sop.steps.map((s) => s.id) : blank;
      expect(
        sop.steps.filter((s) => s.waktuDefault).map((s) => s.id),
        sop.id,
      ).toEqual(expected);
    }
  });

  it('keeps the times of the Pedoman/Juklak SOP exactly as the source gives them', () => {
    const sop = shippedSop('pedoman-juklak');
    expect(sop.steps.map((s) => s.waktu.text)).toEqual([
      ...['10 Menit', '60 Menit', '14 Hari', '60 Menit', '20 Menit', '60 Menit', '30 Menit', '10 Menit'],
      ...['5 Menit', '120 Menit', '1 Hari', '30 Menit', '1 Hari', '60 Menit', '30 Menit', '20 Menit'],
    ]);
  });
});

describe.each(Object.entries(ROUTES))('walking %s', (sopId, routes) => {
  const sop = shippedSop(sopId);

  it.each(routes.map((route) => [route.name, route] as const))('%s', (_name, route) => {
    const result = walk(sop, route.choices);

    expect(result.visited).toEqual(route.visited);
    expect(result.state.status).toBe('closed');
    expect(result.state.outcome).toBe(route.outcome);
    expect(result.state.openStep).toBeNull();
    expect(auditEntries(result.effects, 'closed')).toHaveLength(1);

    if (sop.intake === 'stakeholder') {
      const updates = notifications(result.effects, { kind: 'stakeholder' }).filter(
        (n) => n.template === 'case.update',
      );
      expect(updates.map((n) => n.params.status)).toEqual(
        (route.stakeholderUpdates ?? []).map((id) => stepOf(sop, id).status.id),
      );
      expect(stakeholderTemplates(result.effects)).toEqual([
        'case.received',
        ...updates.map(() => 'case.update'),
        'case.closed',
      ]);
      const closed = notifications(result.effects, { kind: 'stakeholder' }).at(-1);
      expect(closed?.params.outcome).toBe(route.outcome);
    } else {
      expect(stakeholderTemplates(result.effects)).toEqual([]);
    }

    route.choices.forEach((choice, i) => {
      if (typeof choice !== 'string' && auditEntries(result.transitions[i + 1] ?? [], 'returned').length > 0) {
        expectReturn(result, i, choice.note ?? '');
      }
    });
  });

  it('takes every action of every step on one route or another', () => {
    const taken = new Set<string>();
    for (const route of routes) {
      for (const entry of auditEntries(walk(sop, route.choices).effects)) {
        if (entry.kind === 'acted' || entry.kind === 'returned') taken.add(`${entry.stepId}.${entry.action}`);
      }
    }
    const all = sop.steps.filter((s) => s.scope === 'run').flatMap((s) => s.actions.map((a) => `${s.id}.${a.id}`));
    expect([...taken].sort()).toEqual(all.sort());
  });

  it('goes back to an earlier step on at least one route', () => {
    expect(
      routes.some((route) =>
        walk(sop, route.choices).effects.some((e) => e.type === 'audit' && e.entry.kind === 'returned'),
      ),
    ).toBe(true);
  });
});

describe('details of the seed readings', () => {
  it('asks for the BA konfirmasi and the draft report before the SIPUT SMS staff reports a case resolved', () => {
    const result = walk('siput-sms', [
      {
        action: 'selesai-dengan-penjelasan',
        attachments: [
          { id: 'ba-1', name: 'BA konfirmasi penyelesaian.pdf' },
          { id: 'lp-1', name: 'draf Laporan penyelesaian.docx' },
        ],
      },
    ]);
    const [acted] = auditEntries(result.effects, 'acted');
    expect(acted?.attachments.map((a) => a.id)).toEqual(['ba-1', 'lp-1']);
    expect(result.state.openStep?.stepId).toBe('5a');
  });

  it('gives the direct DUMAS monitoring the upper bound of its 3-4 days', () => {
    const result = walk('pemantauan-dumas', [
      'sampaikan-matrikulasi',
      'ajukan-ke-asdep',
      'setujui-langsung',
      'persiapan-selesai',
      'koordinasi-selesai',
    ]);
    const open = result.state.openStep;
    expect(open?.stepId).toBe('6a');
    expect((open?.dueAt.getTime() ?? 0) - result.now.getTime()).toBe(4 * DAY);
  });

  it('assigns each SIPUT SMS step to the role the chain of nota dinas and disposisi gives it', () => {
    const sop = shippedSop('siput-sms');
    expect(Object.fromEntries(sop.steps.map((s) => [s.id, `${s.scope}:${s.actor}`]))).toEqual({
      '1': 'publication:staf-pelaksana',
      '2': 'publication:staf-pelaksana',
      '3': 'intake:stakeholder',
      '4': 'run:staf-pelaksana',
      '5a': 'run:kasubag-tl',
      '5b': 'run:kasubag-tl',
      '6': 'run:kabag-ortala',
      '7': 'run:karo-pok',
      '8': 'run:kabag-ortala',
      '9': 'run:kasubag-tl',
      '10': 'run:staf-pelaksana',
      '11': 'run:staf-pelaksana',
    });
  });
});
