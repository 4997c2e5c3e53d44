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
