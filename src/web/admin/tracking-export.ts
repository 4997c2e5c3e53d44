import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Language } from '../../i18n/index.js';
import type { Logger } from '../../log.js';
import type { TrackingRow } from './tracking-query.js';
import { EXPORT_COLUMNS, headerText, lineOf, type TrackingTableContext } from './tracking-table.js';

export type ExportContext = TrackingTableContext;

function headerOf(language: Language): string[] {
  return EXPORT_COLUMNS.map((c) => headerText(c, language));
}

async function cellsOf(row: TrackingRow, n: number, ctx: ExportContext): Promise<(string | number)[]> {
  const line = await lineOf(row, n, ctx);
  return EXPORT_COLUMNS.map((c) => c.cell(line, ctx));
}

/**
 * A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR at the start) gets a leading
 * apostrophe: the texts come from the public, and CSV injection is a known way to attack the
 * official who opens the file.
 */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n;]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The table as CSV (UTF-8 with a BOM so Excel reads the accents), produced as the rows arrive. */
export function csvStream(rows: AsyncIterable<TrackingRow>, ctx: ExportContext, log: Logger): Readable {
  async function* lines(): AsyncGenerator<string> {
    yield `\uFEFF${headerOf(ctx.language).map(csvCell).join(',')}\r\n`;
    let n = 0;
    let chunk = '';
    for await (const row of rows) {
      n += 1;
      chunk += `${(await cellsOf(row, n, ctx)).map((cell) => csvCell(String(cell))).join(',')}\r\n`;
      // Fewer, larger writes: one per 200 rows rather than one per row.
      if (n % 200 === 0) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
  const stream = Readable.from(lines());
  stream.on('error', (err) => log.warn({ err: err.message }, 'tracking CSV export failed'));
  return stream;
}

/**
 * The table as an XLSX workbook, written with exceljs' streaming writer: each row is committed
 * (and leaves memory) as soon as it is written, and the writer waits whenever the reader falls
 * behind, so a 100,000-row export never holds the sheet in memory.
 */
export function xlsxStream(rows: AsyncIterable<TrackingRow>, ctx: ExportContext, log: Logger): PassThrough {
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(ctx.language === 'en' ? 'Tracking' : 'Pelacakan');
  sheet.columns = EXPORT_COLUMNS.map((c) => ({ header: headerText(c, ctx.language), width: c.width }));
  const write = async () => {
    let n = 0;
    for await (const row of rows) {
      n += 1;
      sheet.addRow(await cellsOf(row, n, ctx)).commit();
      if (out.writableNeedDrain) await new Promise((resolve) => out.once('drain', resolve));
    }
    sheet.commit();
    await workbook.commit();
  };
  write().catch((err: Error) => {
    log.warn({ err: err.message }, 'tracking XLSX export failed');
    out.destroy(err);
  });
  return out;
}
