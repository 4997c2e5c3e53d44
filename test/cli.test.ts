import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { and, asc, eq, isNull } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { run } from '../src/cli/run.js';
import { caseEvents, stepInstances, units } from '../src/db/schema.js';
import { loadSopFolder } from '../src/sop/catalog.js';
import { ALWAYS_WORKING } from '../src/sop/working-calendar.js';
import { eventually, testApp, testConfig } from './support/app.js';
import { freshDatabase } from './support/postgres.js';

const KILAT_DIR = fileURLToPath(new URL('./fixtures/sops-kilat', import.meta.url));
const KILAT_FILE = join(KILAT_DIR, 'kilat.yaml');
const SHIPPED_DIR = fileURLToPath(new URL('../sops', import.meta.url));

let database: Awaited<ReturnType<typeof freshDatabase>>;
let env: Record<string, string>;

beforeAll(async () => {
  database = await freshDatabase();
  env = { DATABASE_URL: database.url, SOPS_DIR: KILAT_DIR };
});

afterAll(async () => {
  await database.close();
});

/** Runs one command line in this process, as `siput …` would, and keeps what it printed. */
async function siput(argv: string[], overrides: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { ...env, ...overrides },
  });
  return { code, stdout, stderr, lines: stdout.trimEnd().split('\n') };
}

/** The cells of a table row, split on the two-space gaps between columns. */
function cells(line: string | undefined): string[] {
  return (line ?? '').split(/ {2,}/);
}

describe('help and mistakes', () => {
  it('prints the usage for help and for no arguments', async () => {
    for (const argv of [[], ['help']]) {
      const out = await siput(argv);
      expect(out.code).toBe(0);
      expect(out.stdout).toMatch(/^Usage: siput/);
      expect(out.stdout).toContain('case show TICKET');
    }
  });

  it('refuses an unknown command or option with one line and exit code 1', async () => {
    const unknown = await siput(['frobnicate']);
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toBe('unknown command "frobnicate"; "siput help" lists them\n');

    const option = await siput(['official', 'list', '--color']);
    expect(option.code).toBe(1);
    expect(option.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(option.stderr).toContain("'--color'");
  });

  it('names a wrong setting in one line, without a stack', async () => {
    const out = await siput(['official', 'list'], { PORT: 'abc' });
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/^Setting PORT is invalid: .*expected number.*\n$/);
  });
});

describe('sop list', () => {
  it('lists every SOP shipped in sops/ with its run steps and all its steps', async () => {
    const shipped = loadSopFolder(SHIPPED_DIR);
    expect(shipped.map((s) => s.id)).toEqual(
      expect.arrayContaining(['siput-sms', 'pedoman-juklak', 'sisprosedur', 'pemantauan-dumas', 'fasilitasi-sop']),
    );
    const out = await siput(['sop', 'list'], { SOPS_DIR: SHIPPED_DIR });
    expect(out.code).toBe(0);
    expect(cells(out.lines[0])).toEqual(['ID', 'VERSION', 'RUN STEPS', 'ALL STEPS', 'TITLE']);
    expect(out.lines.slice(1).map(cells)).toEqual(
      shipped.map((sop) => [
        sop.id,
        String(sop.version),
        String(sop.steps.filter((s) => s.scope === 'run').length),
        String(sop.steps.length),
        sop.title,
      ]),
    );
  });

  it('reads the folder SOPS_DIR names', async () => {
    const out = await siput(['sop', 'list']);
    expect(out.lines.slice(1).map(cells)).toEqual([['kilat', '1', '2', '2', 'SOP uji dengan batas waktu dalam detik']]);
  });
});

describe('sop check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'siput-cli-'));

  it('accepts a good file', async () => {
    const out = await siput(['sop', 'check', KILAT_FILE]);
    expect(out).toMatchObject({ code: 0, stdout: 'OK kilat@1: 2 steps\n', stderr: '' });
  });

  it('refuses a broken file with the file, the path inside it and the reason', async () => {
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, readFileSync(KILAT_FILE, 'utf8').replace('to: "2"', 'to: "9"'));
    const out = await siput(['sop', 'check', broken]);
    expect(out).toMatchObject({ code: 1, stdout: '' });
    expect(out.stderr).toBe(
      `${broken}: steps[0] (id 1).actions[0] (id setuju).to: "9" is not a step cases run through, nor "end"\n`,
    );
  });

  it('refuses a file that is not YAML, and one that is not there', async () => {
    const garbage = join(dir, 'garbage.yaml');
    writeFileSync(garbage, 'id: [unclosed\n');
    const bad = await siput(['sop', 'check', garbage]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(new RegExp(`^${garbage}: \\(root\\): not valid YAML/JSON`));

    const missing = await siput(['sop', 'check', join(dir, 'nope.yaml')]);
    expect(missing).toMatchObject({ code: 1, stderr: `no file ${join(dir, 'nope.yaml')}\n` });
  });
});

describe('units and officials', () => {
  it('adds a unit once', async () => {
    expect(await siput(['unit', 'add', '--id', 'kilat', '--name', 'Unit Kilat', '--tz', 'WITA'])).toMatchObject({
      code: 0,
      stdout: 'kilat\n',
    });
    const [row] = await database.db.select().from(units).where(eq(units.id, 'kilat'));
    expect(row?.timeZone).toBe('WITA');
    expect(await siput(['unit', 'add', '--id', 'kilat', '--name', 'Lagi'])).toMatchObject({
      code: 1,
      stderr: 'a unit with id "kilat" already exists\n',
    });
    expect((await siput(['unit', 'add', '--id', 'x', '--name', 'X', '--tz', 'UTC'])).stderr).toBe(
      '--tz must be WIB, WITA or WIT, not "UTC"\n',
    );
  });

  it('adds officials up a chain of superiors and lists them', async () => {
    const add = (nip: string, name: string, role: string, superior?: string) =>
      siput(
        ['official', 'add', '--nip', nip, '--name', name, '--role', role, '--unit', 'kilat'].concat(
          superior ? ['--superior', superior] : [],
        ),
      );
    for (const out of [
      await add('3', 'Pimpinan', 'pimpinan'),
      await add('2', 'Kepala', 'kepala', '3'),
      await add('1', 'Pelaksana', 'pelaksana', '2'),
    ]) {
      expect(out.code).toBe(0);
      expect(out.stdout).toMatch(/^[0-9a-f-]{36}\n$/);
    }
    const list = await siput(['official', 'list']);
    expect(list.code).toBe(0);
    expect(list.lines.map(cells)).toEqual([
      ['NIP', 'UNIT', 'ROLE', 'SUPERIOR', 'LANG', 'ACTIVE', 'NAME'],
      ['2', 'kilat', 'kepala', '3', 'id', 'yes', 'Kepala'],
      ['1', 'kilat', 'pelaksana', '2', 'id', 'yes', 'Pelaksana'],
      ['3', 'kilat', 'pimpinan', '-', 'id', 'yes', 'Pimpinan'],
    ]);
  });

  it('refuses an unknown superior, an unknown unit and a missing option, each in one line', async () => {
    const base = ['official', 'add', '--nip', '9', '--name', 'Baru', '--role', 'pelaksana'];
    expect(await siput([...base, '--unit', 'kilat', '--superior', '404'])).toEqual(
      expect.objectContaining({ code: 1, stdout: '', stderr: 'no official with NIP 404\n' }),
    );
    expect(await siput([...base, '--unit', 'atlantis'])).toEqual(
      expect.objectContaining({ code: 1, stderr: 'no unit "atlantis"\n' }),
    );
    const missing = await siput(['official', 'add', '--nip', '9']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^usage: official add --nip NIP --name NAME --role ROLE --unit UNIT/);
    expect((await siput(['official', 'list'])).lines).toHaveLength(4);
  });
});

describe('case show', () => {
  let app: App;
  let ticket: string;
  let caseId: string;

  /** Acts on the case's open step as its assignee. */
  async function act(action: string, note?: string) {
    const [open] = await database.db
      .select()
      .from(stepInstances)
      .where(and(eq(stepInstances.caseId, caseId), isNull(stepInstances.leftAt)));
    if (!open?.assigneeId) throw new Error('the case has no assigned open step');
    await app.cases.dispatch(caseId, {
      type: 'act',
      instanceId: open.id,
      action,
      actorId: open.assigneeId,
      ...(note ? { note } : {}),
    });
  }

  beforeAll(async () => {
    // The CLI made the unit; second-long deadlines need it to work round the clock.
    await database.db.update(units).set({ workingHours: ALWAYS_WORKING }).where(eq(units.id, 'kilat'));
    const config = testConfig({
      SOPS_DIR: KILAT_DIR,
      HOLIDAYS_FILE: fileURLToPath(new URL('./fixtures/no-holidays.yaml', import.meta.url)),
      DEFAULT_UNIT: 'kilat',
    });
    app = await testApp(database, config);
    ({ ticket, caseId } = await app.cases.submit({ sopId: 'kilat', unitId: 'kilat', body: 'uji' }));
    // Step 1 (2 detik) is left to run late until the ladder escalates it, then taken and returned.
    await eventually('the escalation of step 1', async () =>
      (await database.db.select().from(caseEvents).where(eq(caseEvents.caseId, caseId))).some(
        (e) => e.kind === 'escalated',
      ),
    );
    await act('setuju');
    await act('kembalikan', 'Lengkapi\nlampirannya');
  });

  afterAll(async () => {
    await app?.close();
  });

  it('shows each step visit with its assignee, times in the unit zone, outcome and lateness', async () => {
    const out = await siput(['case', 'show', ticket.toLowerCase()]);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.lines[0]).toBe(`Case ${ticket}: kilat@1 SOP uji dengan batas waktu dalam detik`);
    expect(out.lines[1]).toBe('Unit kilat (Unit Kilat); open');

    const steps = out.lines.slice(out.lines.indexOf('Steps') + 1, out.lines.indexOf('Audit') - 1).map(cells);
    const visits = await database.db
      .select()
      .from(stepInstances)
      .where(eq(stepInstances.caseId, caseId))
      .orderBy(asc(stepInstances.seq));
    const wita = (at: Date | null | undefined) =>
      at
        ? `${DateTime.fromJSDate(at, { zone: 'Asia/Makassar' }).setLocale('en-US').toFormat('d LLL yyyy HH:mm')} WITA`
        : '-';
    const times = (seq: number) => {
      const visit = visits[seq - 1];
      return [wita(visit?.enteredAt), wita(visit?.dueAt), wita(visit?.leftAt)];
    };
    expect(steps).toEqual([
      ['#', 'STEP', 'ASSIGNEE', 'ENTERED', 'DUE', 'LEFT', 'OUTCOME', 'LATE', 'KEGIATAN'],
      ['1', '1', 'Pelaksana', ...times(1), 'setuju', 'LATE', 'Memeriksa laporan'],
      ['2', '2', 'Kepala', ...times(2), 'kembalikan', '-', 'Menyetujui laporan'],
      // The third visit may or may not be past its 2-second limit by now.
      ['3', '1', 'Pelaksana', ...times(3), '-', expect.stringMatching(/^(LATE|-)$/), 'Memeriksa laporan'],
    ]);
  });

  it('then lists the audit trail: who did what, to whom, with the note', async () => {
    const out = await siput(['case', 'show', ticket]);
    const audit = out.lines.slice(out.lines.indexOf('Audit') + 1).map(cells);
    expect(audit[0]).toEqual(['TIME', 'KIND', 'STEP', 'ACTOR', 'ACTION', 'TO', 'NOTE']);
    const rows = audit.slice(1);
    for (const row of rows) expect(row[0]).toMatch(/^\d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d WITA$/);
    const kinds = rows.map((r) => r.slice(1));
    expect(kinds.slice(0, 2)).toEqual([
      ['submitted', '-', 'system', '-', '-', '-'],
      ['entered', '1', 'system', '-', 'Pelaksana', '-'],
    ]);
    expect(kinds).toContainEqual(['escalated', '1', 'system', '-', 'Kepala', '-']);
    expect(kinds).toContainEqual(['acted', '1', 'Pelaksana', 'setuju', '-', '-']);
    expect(kinds).toContainEqual(['returned', '2', 'Kepala', 'kembalikan', '-', 'Lengkapi lampirannya']);
    expect(kinds.at(-1)).toEqual(['entered', '1', 'system', '-', 'Pelaksana', 'Lengkapi lampirannya']);
  });

  it('refuses a ticket it does not know', async () => {
    expect(await siput(['case', 'show', 'KLT-1999-000001'])).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'no case with ticket KLT-1999-000001\n',
    });
  });
});
