import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { type Language, t } from '../../i18n/index.js';
import type { Logger } from '../../log.js';
import { hoursOf } from './console-format.js';
import type { Report } from './report-figures.js';
import { periodLabel } from './report-period.js';

/**
 * A report as a workbook, one sheet per table, durations in working hours (numbers, so the
 * pimpinan's staff can chart them again). Written with exceljs' streaming writer, row by row.
 */
export function reportXlsx(report: Report, language: Language, log: Logger): PassThrough {
  const tr = (key: string) => t(language, key);
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = (name: string, headers: string[], rows: (string | number | null)[][]) => {
    const ws = workbook.addWorksheet(name.slice(0, 31));
    ws.columns = headers.map((header) => ({ header, width: Math.max(12, header.length + 2) }));
    for (const row of rows) ws.addRow(row).commit();
    ws.commit();
  };
  const hours = `(${tr('admin.reports.hours')})`;
  const write = async () => {
    sheet(
      tr('admin.reports.sheet.summary'),
      [
        tr('admin.reports.period'),
        tr('admin.reports.opened'),
        tr('admin.reports.closed'),
        tr('admin.reports.open_now'),
        tr('admin.reports.overdue_now'),
      ],
      [
        [
          periodLabel(report.period, language),
          report.totals.opened,
          report.totals.closed,
          report.totals.open,
          report.totals.overdue,
        ],
      ],
    );
    sheet(
      tr('admin.reports.by_step'),
      [
        tr('admin.reports.col.sop'),
        tr('admin.reports.col.step'),
        tr('admin.reports.col.waktu'),
        tr('admin.reports.col.count'),
        `${tr('admin.reports.col.median')} ${hours}`,
        `${tr('admin.reports.col.p90')} ${hours}`,
        `${tr('admin.reports.col.on_time')} (%)`,
        `${tr('admin.reports.col.waited')} ${hours}`,
        tr('admin.reports.col.reopened'),
      ],
      report.steps.map((s) => [
        s.sopId,
        s.stepId,
        s.waktuDefault ? `${s.waktu} (${tr('admin.clock.waktu_default')})` : s.waktu,
        s.count,
        hoursOf(s.medianMs),
        hoursOf(s.p90Ms),
        s.onTimePct,
        hoursOf(s.waitedMs),
        s.reopened,
      ]),
    );
    const loadHeaders = [
      tr('admin.reports.col.name'),
      tr('admin.reports.col.open'),
      tr('admin.reports.col.overdue'),
      tr('admin.reports.col.handled'),
      `${tr('admin.reports.col.median_response')} ${hours}`,
    ];
    sheet(
      tr('admin.reports.by_official'),
      loadHeaders,
      report.officials.map((o) => [o.name, o.open, o.overdue, o.handled, hoursOf(o.medianResponseMs)]),
    );
    sheet(
      tr('admin.reports.by_unit'),
      loadHeaders,
      report.units.map((u) => [u.name, u.open, u.overdue, u.handled, hoursOf(u.medianResponseMs)]),
    );
    sheet(
      tr('admin.reports.by_category'),
      [tr('admin.reports.col.key'), tr('admin.reports.col.count')],
      report.categories.map((c) => [c.key, c.count]),
    );
    sheet(
      tr('admin.reports.by_channel'),
      [tr('admin.reports.col.key'), tr('admin.reports.col.count')],
      report.channels.map((c) => [c.key, c.count]),
    );
    sheet(
      tr('admin.reports.trend'),
      [tr('admin.reports.period'), tr('admin.reports.opened'), tr('admin.reports.closed')],
      report.trend.map((p) => [p.bucket, p.opened, p.closed]),
    );
    await workbook.commit();
  };
  write().catch((err: Error) => {
    log.warn({ err: err.message }, 'report XLSX export failed');
    out.destroy(err);
  });
  return out;
}
