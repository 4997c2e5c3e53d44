import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { loadSopFolder, parseSop } from '../src/sop/catalog.js';
import { toSopSource } from '../src/sop/source.js';
import { describeProblem, sopToXlsx, xlsxToSop } from '../src/sop-document/index.js';

const SHIPPED = loadSopFolder(fileURLToPath(new URL('../sops/', import.meta.url)));

describe.each(SHIPPED.map((sop) => [sop.id, sop] as const))('the sheet of %s', (_id, sop) => {
  it('reads back as the same SOP: export, import, deep-equal', async () => {
    const imported = await xlsxToSop(await sopToXlsx(sop));
    expect(imported.ok ? [] : imported.problems.map(describeProblem)).toEqual([]);
    if (imported.ok) expect(imported.sop).toEqual(sop);
  });

  it('writes the SOP as its author would, which parses to the same definition', () => {
    expect(parseSop(structuredClone(toSopSource(sop)), 'source')).toEqual(sop);
  });
});

async function brokenSheet(change: (book: ExcelJS.Workbook) => void) {
  const sms = SHIPPED.find((s) => s.id === 'siput-sms');
  if (!sms) throw new Error('siput-sms is not shipped');
  const book = new ExcelJS.Workbook();
  await book.xlsx.load((await sopToXlsx(sms)) as unknown as ArrayBuffer);
  change(book);
  return xlsxToSop(Buffer.from(await book.xlsx.writeBuffer()));
}

/** Prosedur's row of a step, and the column under a header of row 2. */
function at(book: ExcelJS.Workbook, stepId: string, title: string): { row: number; column: number } {
  const sheet = book.getWorksheet('Prosedur');
  if (!sheet) throw new Error('no Prosedur sheet');
  let row = 0;
  sheet.eachRow((r, n) => {
    if (n > 3 && r.getCell(2).text === stepId) row = n;
  });
  let column = 0;
  sheet.getRow(2).eachCell((c, n) => {
    if (c.text === title && !column) column = n;
  });
  return { row, column };
}

describe('a broken sheet', () => {
  it('is refused with the row and column of every problem, and gives no SOP', async () => {
    const where: Record<string, { row: number; column: number }> = {};
    const result = await brokenSheet((book) => {
      const steps = book.getWorksheet('Prosedur');
      const actions = book.getWorksheet('Aksi');
      if (!steps || !actions) throw new Error('sheets missing');
      // An unknown role column: the Karo POK's lane renamed to a role the SOP lacks.
      steps.getRow(3).getCell(7).value = 'kabag-umum';
      // Two marks in one row: step 8 marked for the Staf Pelaksana too.
      where.twoMarks = at(book, '8', 'Staf Pelaksana');
      steps.getRow(where.twoMarks.row).getCell(where.twoMarks.column).value = 'X';
      // A time the parser does not know.
      where.waktu = at(book, '9', 'Waktu');
      steps.getRow(where.waktu.row).getCell(where.waktu.column).value = 'sepuluh menit';
      // A decision branching to a row that does not exist, in the table and in its action.
      where.ya = at(book, '4', 'Ya');
      steps.getRow(where.ya.row).getCell(where.ya.column).value = '99';
      actions.getRow(2).getCell(6).value = '99';
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const problems = result.problems.map(describeProblem);
    expect(problems).toEqual(
      expect.arrayContaining([
        'Prosedur!G3: kolom pelaksana "kabag-umum" bukan peran di lembar Peran',
        expect.stringMatching(
          new RegExp(`^Prosedur![E-H]${where.twoMarks?.row}: dua tanda pelaksana dalam satu baris \\(juga di D`),
        ),
        expect.stringMatching(
          new RegExp(
            `^Prosedur!${String.fromCharCode(64 + (where.waktu?.column ?? 0))}${where.waktu?.row}: waktu "sepuluh menit" tidak dikenal`,
          ),
        ),
        expect.stringMatching(
          new RegExp(
            `^Prosedur!${String.fromCharCode(64 + (where.ya?.column ?? 0))}${where.ya?.row}: cabang ke baris "99" yang tidak ada`,
          ),
        ),
        'Aksi!F2: cabang ke langkah "99" yang tidak ada',
      ]),
    );
    for (const p of result.problems) expect(p.row, describeProblem(p)).toBeGreaterThan(0);
  });

  it('is refused when it is not a workbook at all', async () => {
    const result = await xlsxToSop(Buffer.from('id: bukan-excel\n'));
    expect(result.ok).toBe(false);
  });
});
