import ExcelJS from 'exceljs';
import { parse as parseYaml } from 'yaml';
import { parseDuration, type SopDefinition, sopDefinitionSchema } from '../sop/index.js';
import {
  ACTION_COLUMNS,
  columnLetter,
  END_WORD,
  IDENTITY_KEYS,
  LIST_KEYS,
  MARK,
  PREVIOUS_WORD,
  ROLE_COLUMNS,
  SHEETS,
  STEP_HEADER_ROWS,
  STEP_TAIL,
  YAML_KEYS,
  YES,
} from './sheet-layout.js';
import { yaTidak } from './xlsx-export.js';

/** One problem of an uploaded sheet, at the cell to fix ("Prosedur!F7"). */
export interface SheetProblem {
  readonly sheet: string;
  readonly row: number;
  /** 1-based; 0 when the problem is the whole row or sheet. */
  readonly column: number;
  readonly message: string;
}

export function describeProblem(p: SheetProblem): string {
  const at = p.column ? `${columnLetter(p.column)}${p.row}` : p.row ? `baris ${p.row}` : '';
  return `${p.sheet}${at ? `!${at}` : ''}: ${p.message}`;
}

export type SheetImport = { ok: true; sop: SopDefinition } | { ok: false; problems: SheetProblem[] };

const text = (cell: ExcelJS.Cell) => (cell.value === null || cell.value === undefined ? '' : cell.text);
const list = (value: string) =>
  value
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

/**
 * Reads a workbook laid out as sopToXlsx writes it into an SOP definition. Every problem is
 * listed with its sheet, row and column; a sheet with any problem gives no definition.
 */
export async function xlsxToSop(data: Buffer): Promise<SheetImport> {
  const book = new ExcelJS.Workbook();
  try {
    await book.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    return {
      ok: false,
      problems: [{ sheet: '', row: 0, column: 0, message: 'berkas ini bukan lembar kerja Excel (.xlsx)' }],
    };
  }
  const problems: SheetProblem[] = [];
  const sheet = (name: string) => {
    const found = book.getWorksheet(name);
    if (!found) problems.push({ sheet: name, row: 0, column: 0, message: `lembar "${name}" tidak ada` });
    return found;
  };
  const identity = sheet(SHEETS.identity);
  const rolesSheet = sheet(SHEETS.roles);
  const stepsSheet = sheet(SHEETS.steps);
  const actionsSheet = sheet(SHEETS.actions);
  if (!identity || !rolesSheet || !stepsSheet || !actionsSheet) return { ok: false, problems };

  // Where each part of the definition came from, to put the schema's complaints on their cells.
  const identityRows = new Map<string, number>();
  const roleRows: number[] = [];
  const stepRows: number[] = [];
  const actionRows: number[][] = [];

  const raw: Record<string, unknown> = {};
  identity.eachRow((row, r) => {
    if (r === 1) return;
    const key = text(row.getCell(1)).trim();
    const value = text(row.getCell(2));
    if (!key) return;
    if (!(IDENTITY_KEYS as readonly string[]).includes(key)) {
      problems.push({ sheet: SHEETS.identity, row: r, column: 1, message: `kunci "${key}" tidak dikenal` });
      return;
    }
    identityRows.set(key, r);
    if (!value.trim()) return;
    if (key === 'version') raw[key] = Number(value);
    else if (LIST_KEYS.has(key)) raw[key] = list(value);
    else if (YAML_KEYS.has(key)) {
      try {
        raw[key] = parseYaml(value);
      } catch {
        problems.push({ sheet: SHEETS.identity, row: r, column: 2, message: 'bukan YAML yang sah' });
      }
    } else raw[key] = value;
  });

  const roles: Record<string, unknown>[] = [];
  rolesSheet.eachRow((row, r) => {
    if (r === 1) return;
    const [id, name, superior] = ROLE_COLUMNS.map((_, i) => text(row.getCell(i + 1)).trim());
    if (!id && !name) return;
    roleRows.push(r);
    roles.push({ id, name, ...(superior ? { superior } : {}) });
  });
  raw.roles = roles;
  const roleIds = roles.map((r) => String(r.id));

  // The lanes: every column between Kegiatan and the Mutu Baku, named by the role id in row 3.
  const header = stepsSheet.getRow(2);
  let tailStart = 4;
  while (tailStart <= header.cellCount && text(header.getCell(tailStart)).trim() !== STEP_TAIL[0].title) tailStart++;
  const laneRoles: string[] = [];
  for (let c = 4; c < tailStart; c++) {
    const id = text(stepsSheet.getRow(3).getCell(c)).trim();
    if (!roleIds.includes(id))
      problems.push({
        sheet: SHEETS.steps,
        row: 3,
        column: c,
        message: `kolom pelaksana "${id || text(header.getCell(c))}" bukan peran di lembar ${SHEETS.roles}`,
      });
    laneRoles.push(id);
  }
  for (const [i, id] of roleIds.entries())
    if (!laneRoles.includes(id))
      problems.push({
        sheet: SHEETS.roles,
        row: roleRows[i] ?? 0,
        column: 1,
        message: `peran "${id}" tidak punya kolom di lembar ${SHEETS.steps}`,
      });
  const tailColumn = (key: (typeof STEP_TAIL)[number]['key']) => tailStart + STEP_TAIL.findIndex((c) => c.key === key);

  const steps: Record<string, unknown>[] = [];
  const branchCells: { row: number; ya: string; tidak: string; stepIndex: number }[] = [];
  stepsSheet.eachRow((row, r) => {
    if (r <= STEP_HEADER_ROWS) return;
    const get = (key: (typeof STEP_TAIL)[number]['key']) => text(row.getCell(tailColumn(key)));
    const id = text(row.getCell(2)).trim();
    if (!id && !text(row.getCell(3)).trim()) return;
    const marked = laneRoles.flatMap((role, i) =>
      text(row.getCell(4 + i))
        .trim()
        .toUpperCase() === MARK
        ? [{ role, column: 4 + i }]
        : [],
    );
    if (marked.length === 0)
      problems.push({
        sheet: SHEETS.steps,
        row: r,
        column: 4,
        message: `tidak ada tanda "${MARK}" di kolom pelaksana`,
      });
    for (const extra of marked.slice(1))
      problems.push({
        sheet: SHEETS.steps,
        row: r,
        column: extra.column,
        message: `dua tanda pelaksana dalam satu baris (juga di ${columnLetter(marked[0]?.column ?? 4)}${r})`,
      });
    const waktu = get('waktu').trim();
    if (!parseDuration(waktu))
      problems.push({
        sheet: SHEETS.steps,
        row: r,
        column: tailColumn('waktu'),
        message: `waktu "${waktu}" tidak dikenal; tulis mis. "10 menit", "2 jam", "3 hari kerja"`,
      });
    const no = Number(text(row.getCell(1)));
    const ladder = get('ladder').trim();
    let stepLadder: unknown;
    if (ladder) {
      try {
        stepLadder = parseYaml(ladder);
      } catch {
        problems.push({ sheet: SHEETS.steps, row: r, column: tailColumn('ladder'), message: 'bukan YAML yang sah' });
      }
    }
    const keterangan = get('keterangan');
    const effort = get('effort').trim();
    const statusEn = get('statusEn');
    stepRows.push(r);
    actionRows.push([]);
    branchCells.push({ row: r, ya: get('ya').trim(), tidak: get('tidak').trim(), stepIndex: steps.length });
    steps.push({
      id,
      no: Number.isInteger(no) ? no : text(row.getCell(1)),
      kegiatan: text(row.getCell(3)),
      actor: marked[0]?.role ?? '',
      kelengkapan: list(get('kelengkapan')),
      waktu,
      waktuDefault: get('waktuDefault').trim().toLowerCase() === YES,
      ...(effort ? { effort } : {}),
      output: list(get('output')),
      ...(keterangan.trim() ? { keterangan } : {}),
      scope: get('scope').trim() || 'run',
      status: { id: get('status'), ...(statusEn.trim() ? { en: statusEn } : {}) },
      notifyStakeholder: get('notifyStakeholder').trim().toLowerCase() === YES,
      actions: [],
      ...(stepLadder === undefined ? {} : { ladder: stepLadder }),
    });
  });
  const stepIds = steps.map((s) => String(s.id));

  actionsSheet.eachRow((row, r) => {
    if (r === 1) return;
    const cell = (key: (typeof ACTION_COLUMNS)[number]['key']) =>
      text(row.getCell(ACTION_COLUMNS.findIndex((c) => c.key === key) + 1));
    const stepId = cell('step').trim();
    if (!stepId && !cell('id').trim()) return;
    const at = stepIds.indexOf(stepId);
    if (at < 0) {
      problems.push({
        sheet: SHEETS.actions,
        row: r,
        column: 1,
        message: `tidak ada baris langkah "${stepId}" di lembar ${SHEETS.steps}`,
      });
      return;
    }
    const to = cell('to').trim();
    const toColumn = ACTION_COLUMNS.findIndex((c) => c.key === 'to') + 1;
    if (to !== 'end' && to !== 'previous' && !stepIds.includes(to))
      problems.push({
        sheet: SHEETS.actions,
        row: r,
        column: toColumn,
        message: `cabang ke langkah "${to}" yang tidak ada`,
      });
    const labelEn = cell('labelEn');
    const outcome = cell('outcome').trim();
    const mayBeAbsent = list(cell('mayBeAbsent'));
    const publishes = cell('publishes').trim();
    actionRows[at]?.push(r);
    ((steps[at]?.actions ?? []) as unknown[]).push({
      id: cell('id').trim(),
      kind: cell('kind').trim(),
      label: { id: cell('label'), ...(labelEn.trim() ? { en: labelEn } : {}) },
      to,
      ...(outcome ? { outcome } : {}),
      requires: list(cell('requires')),
      ...(mayBeAbsent.length ? { mayBeAbsent } : {}),
      note: cell('note').trim() || 'optional',
      tindakLanjut: cell('tindakLanjut').trim().toLowerCase() === YES,
      ...(publishes ? { publishes } : {}),
    });
  });

  // A decision's Ya/Tidak cells must name rows that exist, and agree with its actions.
  const known = new Set([...stepIds, PREVIOUS_WORD, END_WORD]);
  for (const b of branchCells) {
    const actions = (steps[b.stepIndex]?.actions ?? []) as { kind: string; to: string }[];
    const expected = yaTidak(actions);
    for (const [key, value] of [
      ['ya', b.ya],
      ['tidak', b.tidak],
    ] as const) {
      const column = tailColumn(key);
      if (value && !known.has(value)) {
        problems.push({
          sheet: SHEETS.steps,
          row: b.row,
          column,
          message: `cabang ke baris "${value}" yang tidak ada`,
        });
      } else if ((expected?.[key] ?? '') !== value) {
        const should = expected?.[key] ?? '';
        problems.push({
          sheet: SHEETS.steps,
          row: b.row,
          column,
          message: should
            ? `tidak sama dengan lembar ${SHEETS.actions}, yang membawa ke "${should}"`
            : `langkah ini bukan keputusan menurut lembar ${SHEETS.actions}; kosongkan sel ini`,
        });
      }
    }
  }
  raw.steps = steps;
  if (problems.length > 0) return { ok: false, problems };

  const parsed = sopDefinitionSchema.safeParse(raw);
  if (parsed.success) return { ok: true, sop: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((issue) => placeIssue(issue.path, issue.message)),
  };

  /** The cell a schema complaint belongs to. */
  function placeIssue(path: readonly PropertyKey[], message: string): SheetProblem {
    const [head, index, field, actionIndex, actionField] = path;
    if (head === 'steps' && typeof index === 'number') {
      if (field === 'actions' && typeof actionIndex === 'number') {
        const column = ACTION_COLUMNS.findIndex((c) => c.key === actionField) + 1;
        return { sheet: SHEETS.actions, row: actionRows[index]?.[actionIndex] ?? 0, column, message };
      }
      const row = stepRows[index] ?? 0;
      if (field === 'actor') return { sheet: SHEETS.steps, row, column: 4, message };
      const fixed = ['no', 'id', 'kegiatan'].indexOf(String(field));
      if (fixed >= 0) return { sheet: SHEETS.steps, row, column: [1, 2, 3][fixed] ?? 0, message };
      const tail = STEP_TAIL.findIndex((c) => c.key === field);
      return { sheet: SHEETS.steps, row, column: tail >= 0 ? tailStart + tail : 0, message };
    }
    if (head === 'roles' && typeof index === 'number') {
      const column = field === 'superior' ? 3 : field === 'name' ? 2 : 1;
      return { sheet: SHEETS.roles, row: roleRows[index] ?? 0, column, message };
    }
    return { sheet: SHEETS.identity, row: identityRows.get(String(head)) ?? 0, column: 2, message };
  }
}
