import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { SopRegistry } from '../../cases/sop-registry.js';
import type { Language } from '../../i18n/catalog.js';
import { t } from '../../i18n/catalog.js';
import type { Logger } from '../../log.js';
import { formatDate, formatDateTime } from './console-format.js';
import { isOverdue, statusWords, type TrackingRow, uraianOf } from './tracking-query.js';
import './tracking-texts.js';

export interface ExportContext {
  readonly sops: SopRegistry;
  readonly language: Language;
  readonly zone: string;
  readonly now: Date;
  readonly unitNames: ReadonlyMap<string, string>;
}

const COLUMNS = [
  'no',
  'ticket',
  'revision',
  'revision_date',
  'uraian',
  'category',
  'status',
  'closed',
  'owner',
  'due',
  'late',
  'opened',
  'sop',
  'unit',
  'channel',
] as const;

function headerOf(language: Language): string[] {
  return COLUMNS.map((c) => t(language, `admin.tracking.col.${c}`));
}

async function cellsOf(row: TrackingRow, n: number, ctx: ExportContext): Promise<string[]> {
  return [
    String(n),
    row.ticket,
    String(row.revisions),
    formatDate(row.lastRevisionAt, ctx.zone),
    uraianOf(row, 300),
    row.category ?? '',
    await statusWords(ctx.sops, row, ctx.language),
    formatDate(row.closedAt, ctx.zone),
    row.ownerName ?? '',
    formatDateTime(row.dueAt, ctx.zone),
    t(ctx.language, isOverdue(row, ctx.now) ? 'admin.tracking.yes' : 'admin.tracking.no'),
    formatDateTime(row.openedAt, ctx.zone),
    row.sopId,
    ctx.unitNames.get(row.unitId) ?? row.unitId,
    row.channel ?? '',
  ];
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
      chunk += `${(await cellsOf(row, n, ctx)).map(csvCell).join(',')}\r\n`;
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
  sheet.columns = headerOf(ctx.language).map((header, i) => ({ header, width: i === 4 ? 60 : 18 }));
  const write = async () => {
    let n = 0;
    for await (const row of rows) {
      n += 1;
      const cells: (string | number)[] = await cellsOf(row, n, ctx);
      cells[0] = n;
      cells[2] = row.revisions;
      sheet.addRow(cells).commit();
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
