import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadSopFile, loadSopFolder } from '../src/sop/catalog.js';
import { SopDefinitionError } from '../src/sop/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'siput-sop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A small valid SOP: steps 1 → 2 → 4 → end, the last one with a return. */
function minimalSop() {
  const step = (id: string, no: number, actor: string, to: string) => ({
    id,
    no,
    kegiatan: `Kegiatan ${id}`,
    actor,
    waktu: '1 hari kerja',
    status: { id: `Tahap ${id}`, en: `Stage ${id}` },
    actions: [{ id: 'lanjut', kind: 'approve', label: { id: 'Lanjut', en: 'Go on' }, to, outcome: 'selesai' }],
  });
  return {
    id: 'contoh',
    version: 1,
    title: 'Contoh SOP',
    ticketPrefix: 'CTH',
    intake: 'official',
    roles: [
      { id: 'staf', name: 'Staf', superior: 'kasubbag' },
      { id: 'kasubbag', name: 'Kasubbag' },
    ],
    ladder: [{ after: '0 menit', notify: 'owner' }],
    start: '1',
    steps: [
      step('1', 1, 'staf', '2'),
      step('2', 2, 'kasubbag', '4'),
      {
        ...step('4', 4, 'kasubbag', 'end'),
        actions: [
          ...step('4', 4, 'kasubbag', 'end').actions,
          { id: 'kembalikan', kind: 'return', label: { id: 'Kembalikan' }, to: 'previous' },
        ],
      },
    ],
  };
}

type Sop = ReturnType<typeof minimalSop>;

function writeSop(name: string, change: (sop: Sop) => void = () => {}): string {
  const sop = minimalSop();
  change(sop);
  const file = join(dir, name);
  writeFileSync(file, stringify(sop));
  return file;
}

function refusal(file: string): SopDefinitionError {
  try {
    loadSopFile(file);
  } catch (err) {
    expect(err).toBeInstanceOf(SopDefinitionError);
    return err as SopDefinitionError;
  }
  throw new Error(`${file} was accepted`);
}

describe('loading an SOP definition file', () => {
  it('accepts a well-formed file and fills in the defaults', () => {
    const sop = loadSopFile(writeSop('valid.yaml'));
    expect(sop.steps.map((s) => s.id)).toEqual(['1', '2', '4']);
    expect(sop.steps[0]?.waktu).toEqual({ amount: 1, unit: 'workday', text: '1 hari kerja' });
    expect(sop.steps[0]).toMatchObject({
      scope: 'run',
      waktuDefault: false,
      notifyStakeholder: false,
      kelengkapan: [],
    });
    expect(sop.steps[2]?.actions[1]).toMatchObject({ kind: 'return', note: 'optional', requires: [] });
  });

  it('reads the identity page of the SOP AP form, every field optional', () => {
    const file = writeSop('identity.yaml', (sop) => {
      Object.assign(sop, {
        tanggalPembuatan: '2017-12-14',
        tanggalEfektif: '2018-05-02',
        disahkanOleh: { jabatan: 'Kepala Biro', nama: 'Nama Pejabat', nip: '195910081983031001' },
        dasarHukum: ['Peraturan A', 'Peraturan B'],
        peringatan: ['Bila SOP ini tidak dilaksanakan, prosesnya terhambat'],
      });
    });
    const sop = loadSopFile(file);
    expect(sop).toMatchObject({
      tanggalPembuatan: '2017-12-14',
      disahkanOleh: { jabatan: 'Kepala Biro', nip: '195910081983031001' },
      dasarHukum: ['Peraturan A', 'Peraturan B'],
    });
    expect(sop.keterkaitan).toBeUndefined();
    expect(loadSopFile(writeSop('no-identity.yaml')).tanggalEfektif).toBeUndefined();
  });

  it('refuses an identity date that is not YYYY-MM-DD and a NIP that is not 18 digits', () => {
    const file = writeSop('bad-identity.yaml', (sop) => {
      Object.assign(sop, { tanggalRevisi: '14 Desember 2017', disahkanOleh: { jabatan: 'Karo', nip: '1959' } });
    });
    const error = refusal(file);
    expect(error.issues.map((i) => i.path)).toEqual(['tanggalRevisi', 'disahkanOleh.nip']);
    expect(error.message).toContain('YYYY-MM-DD');
  });

  it('refuses a file that is not valid YAML, naming the file and the parser’s complaint', () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'id: contoh\nsteps: [\n  - id: "1"\n    no: 1\n');
    const error = refusal(file);
    expect(error.file).toBe(file);
    expect(error.issues).toHaveLength(1);
    expect(error.message.startsWith(`${file}: (root): not valid YAML/JSON: `), error.message).toBe(true);
  });

  it('refuses a step whose actor is not one of the roles', () => {
    const file = writeSop('unknown-actor.yaml', (sop) => {
      if (sop.steps[1]) sop.steps[1].actor = 'kabag';
    });
    const error = refusal(file);
    expect(error.issues).toEqual([{ path: 'steps[1] (id 2).actor', reason: 'no role "kabag"' }]);
    expect(error.message).toBe(`${file}: steps[1] (id 2).actor: no role "kabag"`);
  });

  it('refuses an action that points to a step that does not exist', () => {
    const file = writeSop('missing-target.yaml', (sop) => {
      const action = sop.steps[2]?.actions[0];
      if (action) action.to = '9';
    });
    const error = refusal(file);
    expect(error.message).toBe(
      `${file}: steps[2] (id 4).actions[0] (id lanjut).to: "9" is not a step cases run through, nor "end"`,
    );
  });

  it('refuses a waktu it cannot read, and says how to write one', () => {
    const file = writeSop('bad-waktu.yaml', (sop) => {
      if (sop.steps[0]) sop.steps[0].waktu = 'sepuluh menit';
    });
    const error = refusal(file);
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.path).toBe('steps[0] (id 1).waktu');
    expect(error.message).toContain(`${file}: steps[0] (id 1).waktu: "sepuluh menit" is not a duration`);
    expect(error.message).toContain('"10 menit"');
  });

  it('accepts kelengkapan an action requires when the step names them, one of them allowed to be absent', () => {
    const file = writeSop('requires.yaml', (sop) => {
      const step = sop.steps[0] as Sop['steps'][number] & Record<string, unknown>;
      step.kelengkapan = ['a) Surat masuk + lampiran surat'];
      step.output = ['b) Draf jawaban'];
      Object.assign(step.actions[0] ?? {}, {
        requires: ['Surat masuk', 'Lampiran surat', 'draf jawaban'],
        mayBeAbsent: ['lampiran surat'],
      });
    });
    expect(loadSopFile(file).steps[0]?.actions[0]).toMatchObject({
      requires: ['Surat masuk', 'Lampiran surat', 'draf jawaban'],
      mayBeAbsent: ['lampiran surat'],
    });
  });

  it('refuses a required kelengkapan the step does not name, and an absence outside requires', () => {
    const file = writeSop('requires-unknown.yaml', (sop) => {
      const step = sop.steps[0] as Sop['steps'][number] & Record<string, unknown>;
      step.kelengkapan = ['Surat masuk'];
      Object.assign(step.actions[0] ?? {}, { requires: ['Surat masuk', 'Notula'], mayBeAbsent: ['Disposisi'] });
    });
    expect(refusal(file).issues).toEqual([
      {
        path: 'steps[0] (id 1).actions[0] (id lanjut).requires[1]',
        reason: '"Notula" is not among the step\'s kelengkapan or output',
      },
      {
        path: 'steps[0] (id 1).actions[0] (id lanjut).mayBeAbsent[0]',
        reason: '"Disposisi" is not in this action\'s requires',
      },
    ]);
  });

  it('refuses a step id used twice', () => {
    const file = writeSop('duplicate-id.yaml', (sop) => {
      if (sop.steps[1]) sop.steps[1].id = '1';
    });
    const error = refusal(file);
    expect(error.message).toContain(`${file}: steps[1] (id 1).id: step "1" is defined twice`);
  });

  it('refuses two files of a folder that claim the same SOP id', () => {
    const folder = mkdtempSync(join(dir, 'folder-'));
    writeFileSync(join(folder, 'a.yaml'), stringify(minimalSop()));
    writeFileSync(join(folder, 'b.yaml'), stringify(minimalSop()));
    expect(() => loadSopFolder(folder)).toThrow(/b\.yaml: id: "contoh" is also the id of a\.yaml/);
  });
});

describe('refusing a broken ladder or ceiling, with the file, the place and the reason', () => {
  it('refuses an unknown duration word in a rung', () => {
    const file = writeSop('bad-rung-word.yaml', (sop) => {
      (sop.ladder as unknown[]) = [{ after: '2 bulan', notify: 'owner' }];
    });
    expect(refusal(file).message).toContain(`${file}: ladder[0].after: "2 bulan" is neither a waktu nor a share of it`);
  });

  it('refuses a share before the deadline that is not a percentage below 100%', () => {
    const file = writeSop('bad-share.yaml', (sop) => {
      (sop.ladder as unknown[]) = [{ at: '120%', notify: 'owner' }];
    });
    expect(refusal(file).message).toContain(`${file}: ladder[0].at: "120%" is not a share of the waktu`);
  });

  it('refuses a rung with both at and after, and a heads-up placed after an escalation', () => {
    const both = writeSop('both.yaml', (sop) => {
      (sop.ladder as unknown[]) = [{ at: '80%', after: '0 menit', notify: 'owner' }];
    });
    expect(refusal(both).message).toContain('ladder[0]: a rung has either "at"');
    const order = writeSop('order.yaml', (sop) => {
      (sop.ladder as unknown[]) = [
        { after: '0 menit', notify: 'owner' },
        { at: '80%', notify: 'owner' },
      ];
    });
    expect(refusal(order).message).toContain(
      'ladder[1].at: a rung before the deadline must come before those after it',
    );
  });

  it('refuses a ceiling role the SOP lacks', () => {
    const file = writeSop('bad-ceiling.yaml', (sop) => {
      (sop as Record<string, unknown>).ceiling = 'menteri';
    });
    expect(refusal(file).message).toContain(`${file}: ceiling: no role "menteri" to stop escalations at`);
  });

  it('reads at: 80%, after: 50% with a minimum, and a ceiling', () => {
    const file = writeSop('good-ladder.yaml', (sop) => {
      (sop.ladder as unknown[]) = [
        { at: '80%', longerThan: '1 jam', notify: 'owner' },
        { after: '50%', min: '1 jam', notify: 'superior' },
      ];
      (sop as Record<string, unknown>).ceiling = 'kasubbag';
    });
    const sop = loadSopFile(file);
    expect(sop.ceiling).toBe('kasubbag');
    expect(sop.ladder[0]).toMatchObject({ at: 0.8, notify: 'owner', longerThan: { amount: 1, unit: 'hour' } });
    expect(sop.ladder[1]).toMatchObject({ afterShare: 0.5, min: { amount: 1, unit: 'hour' }, notify: 'superior' });
  });
});
