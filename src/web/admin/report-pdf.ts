import { type Language, t } from '../../i18n/index.js';
import { winAnsi } from '../../sop-document/index.js';
import { formatWorkingMs } from './console-format.js';
import type { DocumentHead } from './letterhead.js';
import { officialPdf, pdfHeading, pdfNote, pdfTable } from './official-pdf.js';
import type { Report } from './report-figures.js';

export interface ReportPdfOptions {
  readonly head: DocumentHead;
  readonly language: Language;
  /** The zone dates are written in (the console's). */
  readonly zone: string;
  /** When it is made: the date of the signature block. */
  readonly now: Date;
}

/** The report's title for its kind of period: "Laporan Bulanan Penanganan Tiket". */
export function reportTitle(report: Report, language: Language): string {
  return t(language, `admin.reports.pdf_title.${report.period.kind}`);
}

/** The Laporan as an official document (see officialPdf): its figures as tables. */
export function reportPdf(report: Report, opts: ReportPdfOptions): Promise<Buffer> {
  const { language } = opts;
  const tr = (key: string, params?: Record<string, string>) => winAnsi(t(language, key, params));
  const scope = report.unitId ? opts.head.unitName : t(language, 'admin.reports.all_units');
  return officialPdf(
    {
      ...opts,
      title: reportTitle(report, language),
      period: report.period,
      scope: t(language, 'admin.reports.pdf_scope', { unit: scope }),
    },
    (doc) => drawFigures(doc, report, language, tr),
  );
}

function drawFigures(
  doc: PDFKit.PDFDocument,
  report: Report,
  language: Language,
  tr: (key: string, params?: Record<string, string>) => string,
): void {
  const duration = (ms: number | null) => formatWorkingMs(ms, language);
  const pct = (n: number | null) => (n === null ? '–' : `${n.toLocaleString(language === 'en' ? 'en-US' : 'id-ID')} %`);
  const none = tr('admin.reports.none');
  const totals = report.totals;
  pdfHeading(doc, tr('admin.reports.totals'));
  pdfTable(
    doc,
    [330, 165],
    [tr('admin.reports.col.item'), tr('admin.reports.col.count')],
    [
      [tr('admin.reports.opened'), String(totals.opened)],
      [tr('admin.reports.closed'), String(totals.closed)],
      [tr('admin.reports.open_now'), String(totals.open)],
      [tr('admin.reports.overdue_now'), String(totals.overdue)],
      [tr('admin.reports.reopened'), String(totals.reopened)],
      [tr('admin.reports.confirmed'), String(totals.confirmed)],
    ],
    none,
  );

  pdfHeading(doc, tr('admin.reports.by_step'));
  const stepHead = ['sop', 'step', 'waktu', 'count', 'median', 'p90', 'on_time', 'waited', 'reopened'].map((c) =>
    tr(`admin.reports.col.${c}`),
  );
  const stepRows = report.steps.map((s) => [
    s.sopId,
    `${s.stepId}${s.kegiatan ? `. ${s.kegiatan.length > 90 ? `${s.kegiatan.slice(0, 89)}…` : s.kegiatan}` : ''}`,
    s.waktu,
    String(s.count),
    duration(s.medianMs),
    duration(s.p90Ms),
    pct(s.onTimePct),
    s.waited > 0 ? tr('admin.reports.waited_cell', { n: String(s.waited), time: duration(s.waitedMs) }) : '–',
    String(s.reopened),
  ]);
  pdfTable(doc, [52, 133, 46, 40, 44, 40, 40, 56, 44], stepHead, stepRows, none);

  const loadHead = ['name', 'open', 'overdue', 'handled', 'median_response'].map((c) => tr(`admin.reports.col.${c}`));
  const loadRows = (list: Report['officials']) =>
    list.map((o) => [o.name, String(o.open), String(o.overdue), String(o.handled), duration(o.medianResponseMs)]);
  pdfHeading(doc, tr('admin.reports.by_official'));
  pdfTable(doc, [175, 70, 70, 70, 110], loadHead, loadRows(report.officials), none);
  pdfHeading(doc, tr('admin.reports.by_unit'));
  pdfTable(doc, [175, 70, 70, 70, 110], loadHead, loadRows(report.units), none);

  const counts = (list: Report['categories']) => list.map((c) => [c.key, String(c.count)]);
  const countHead = [tr('admin.reports.col.key'), tr('admin.reports.col.count')];
  pdfHeading(doc, tr('admin.reports.by_category'));
  pdfTable(doc, [330, 165], countHead, counts(report.categories), none);
  pdfHeading(doc, tr('admin.reports.by_channel'));
  pdfTable(doc, [330, 165], countHead, counts(report.channels), none);
  pdfNote(doc, t(language, 'admin.reports.note'));
}
