import ExcelJS from 'exceljs';
import { stringify } from 'yaml';
import type { SopAction, SopDefinition } from '../sop/index.js';
import { rungSource, toSopSource } from '../sop/index.js';
import {
  ACTION_COLUMNS,
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

/** A decision's two ways as its Ya/Tidak cells: the first way on, and the return (or the second way on). */
export function yaTidak(actions: readonly { kind: string; to: string }[]): { ya: string; tidak: string } | null {
  if (new Set(actions.map((a) => a.to)).size < 2) return null;
  const onward = actions.filter((a) => a.kind !== 'return');
  const back = actions.find((a) => a.kind === 'return') ?? onward[1];
  const ya = onward[0];
  if (!ya || !back) return null;
  return { ya: targetWord(ya.to), tidak: targetWord(back.to) };
}

export function targetWord(to: string): string {
  return to === 'previous' ? PREVIOUS_WORD : to === 'end' ? END_WORD : to;
}

const lines = (items: readonly string[] | undefined) => (items ?? []).join('\n');
const flag = (value: boolean | undefined) => (value ? YES : '');

function identityValue(key: string, value: unknown): string | number {
  if (value === undefined) return '';
  if (LIST_KEYS.has(key)) return lines(value as string[]);
  if (YAML_KEYS.has(key)) return stringify(value).trimEnd();
  return typeof value === 'number' ? value : String(value);
}

function actionRow(stepId: string, a: SopAction): (string | number)[] {
  const cells: Record<(typeof ACTION_COLUMNS)[number]['key'], string> = {
    step: stepId,
    id: a.id,
    kind: a.kind,
    label: a.label.id,
    labelEn: a.label.en ?? '',
    to: a.to,
    outcome: a.outcome ?? '',
    requires: lines(a.requires),
    mayBeAbsent: a.mayBeAbsent ? lines(a.mayBeAbsent) : '',
    note: a.note,
    tindakLanjut: flag(a.tindakLanjut),
    publishes: a.publishes ?? '',
  };
  return ACTION_COLUMNS.map((c) => cells[c.key]);
}

/** The SOP as a workbook: the template an author fills in, pre-filled from this version. */
export async function sopToXlsx(sop: SopDefinition): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'SIPUT';
  const source = toSopSource(sop);
  const bold = { bold: true } as const;
  const wrap = { wrapText: true, vertical: 'top' } as const;

  const identity = book.addWorksheet(SHEETS.identity);
  identity.columns = [{ width: 24 }, { width: 110 }];
  identity.addRow(['Kunci', 'Isi']).font = bold;
  for (const key of IDENTITY_KEYS) identity.addRow([key, identityValue(key, source[key])]).alignment = wrap;

  const roles = book.addWorksheet(SHEETS.roles);
  roles.columns = [{ width: 28 }, { width: 60 }, { width: 28 }];
  roles.addRow([...ROLE_COLUMNS]).font = bold;
  for (const r of sop.roles) roles.addRow([r.id, r.name, r.superior ?? '']);

  const steps = book.addWorksheet(SHEETS.steps);
  const lanes = sop.roles.length;
  const tailStart = 4 + lanes;
  const group: (string | null)[] = ['No', 'Id', 'Kegiatan', ...sop.roles.map(() => 'Pelaksana')];
  const titles: string[] = ['No', 'Id', 'Kegiatan', ...sop.roles.map((r) => r.name)];
  for (const c of STEP_TAIL) {
    group.push('group' in c ? c.group : c.title);
    titles.push(c.title);
  }
  steps.addRow(group).font = bold;
  steps.addRow(titles).font = bold;
  steps.addRow(['', '', 'kode peran →', ...sop.roles.map((r) => r.id)]).font = { italic: true };
  if (lanes > 1) steps.mergeCells(1, 4, 1, 3 + lanes);
  steps.mergeCells(1, tailStart, 1, tailStart + 2);
  steps.columns.forEach((col, i) => {
    col.width = i === 2 ? 60 : i >= 3 && i < tailStart - 1 ? 14 : 22;
  });
  steps.getRow(2).alignment = wrap;
  for (const step of sop.steps) {
    const branches = yaTidak(step.actions);
    const tail: Record<(typeof STEP_TAIL)[number]['key'], string> = {
      kelengkapan: lines(step.kelengkapan),
      waktu: step.waktu.text,
      output: lines(step.output),
      keterangan: step.keterangan ?? '',
      ya: branches?.ya ?? '',
      tidak: branches?.tidak ?? '',
      waktuDefault: flag(step.waktuDefault),
      effort: step.effort?.text ?? '',
      scope: step.scope,
      status: step.status.id,
      statusEn: step.status.en ?? '',
      notifyStakeholder: flag(step.notifyStakeholder),
      ladder: step.ladder ? stringify(step.ladder.map(rungSource)).trimEnd() : '',
    };
    const row = steps.addRow([
      step.no,
      step.id,
      step.kegiatan,
      ...sop.roles.map((r) => (r.id === step.actor ? MARK : '')),
      ...STEP_TAIL.map((c) => tail[c.key]),
    ]);
    row.alignment = wrap;
  }
  steps.views = [{ state: 'frozen', xSplit: 3, ySplit: STEP_HEADER_ROWS }];

  const actions = book.addWorksheet(SHEETS.actions);
  actions.columns = ACTION_COLUMNS.map((c) => ({ width: c.key === 'label' || c.key === 'labelEn' ? 50 : 18 }));
  actions.addRow(ACTION_COLUMNS.map((c) => c.title)).font = bold;
  for (const step of sop.steps) for (const a of step.actions) actions.addRow(actionRow(step.id, a)).alignment = wrap;

  return Buffer.from(await book.xlsx.writeBuffer());
}
