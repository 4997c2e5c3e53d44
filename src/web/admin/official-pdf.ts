import PDFDocument from 'pdfkit';
import { formatDay, formatMoment, type Language, t } from '../../i18n/index.js';
import { winAnsi } from '../../sop-document/index.js';
import type { DocumentHead } from './letterhead.js';
import { type Period, periodLabel } from './report-period.js';

const MARGIN = 50;
/** The width tables and text may take on an A4 portrait page. */
export const PDF_WIDTH = 595.28 - 2 * MARGIN;
const WIDTH = PDF_WIDTH;
const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';

export interface OfficialPdfOptions {
  readonly head: DocumentHead;
  readonly language: Language;
  /** The zone dates are written in (the console's). */
  readonly zone: string;
  /** When it is made: the date of the signature block. */
  readonly now: Date;
  /** "Laporan Bulanan Penanganan Tiket". */
  readonly title: string;
  readonly period: Period;
  /** What it covers, under the period: "Unit: Semua unit". */
  readonly scope: string;
}

/**
 * An official document of the unit, A4 portrait, rendered with pdfkit: its kop surat (logo, parent
 * body, name, address, contact), the title, period and scope, the body `draw` writes, the signature
 * block (place, date, jabatan, name, NIP) and "Halaman i dari N" on every page.
 */
export function officialPdf(opts: OfficialPdfOptions, draw: (doc: PDFKit.PDFDocument) => void): Promise<Buffer> {
  const { language, head } = opts;
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN + 20, left: MARGIN, right: MARGIN },
    bufferPages: true,
    info: {
      Title: winAnsi(`${opts.title} — ${periodLabel(opts.period, language)}`),
      Author: winAnsi(head.unitName),
      Creator: 'SIPUT',
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  drawKop(doc, head);
  drawTitle(doc, opts);
  draw(doc);
  drawSignature(doc, opts);
  drawPageNumbers(doc, language);
  doc.end();
  return done;
}

/** Small print under a table: how the figures are counted. */
export function pdfNote(doc: PDFKit.PDFDocument, text: string): void {
  doc.font(FONT).fontSize(8).fillColor('#444').text(winAnsi(text), MARGIN, doc.y, { width: WIDTH });
  doc.fillColor('#000');
}

function drawKop(doc: PDFKit.PDFDocument, head: DocumentHead): void {
  const top = MARGIN;
  const logoSize = 64;
  if (head.logoBytes) doc.image(head.logoBytes, MARGIN, top, { fit: [logoSize, logoSize], align: 'center' });
  // The lines are centred on the page, clear of the logo on both sides.
  const x = MARGIN + logoSize + 10;
  const width = WIDTH - 2 * (logoSize + 10);
  const lh = head.letterhead;
  doc.y = top;
  if (lh?.parent)
    doc.font(FONT).fontSize(11).text(winAnsi(lh.parent.toUpperCase()), x, doc.y, { width, align: 'center' });
  doc.font(BOLD).fontSize(14).text(winAnsi(head.unitName.toUpperCase()), x, doc.y, { width, align: 'center' });
  doc.font(FONT).fontSize(9);
  if (lh?.address) doc.text(winAnsi(lh.address), x, doc.y, { width, align: 'center' });
  if (lh?.contact) doc.text(winAnsi(lh.contact), x, doc.y, { width, align: 'center' });
  const ruleY = Math.max(doc.y, top + (head.logoBytes ? logoSize : 0)) + 6;
  doc
    .lineWidth(2)
    .moveTo(MARGIN, ruleY)
    .lineTo(MARGIN + WIDTH, ruleY)
    .stroke('#000');
  doc
    .lineWidth(0.6)
    .moveTo(MARGIN, ruleY + 3)
    .lineTo(MARGIN + WIDTH, ruleY + 3)
    .stroke('#000');
  doc.x = MARGIN;
  doc.y = ruleY + 18;
}

function drawTitle(doc: PDFKit.PDFDocument, opts: OfficialPdfOptions): void {
  const { language, zone } = opts;
  const p = opts.period;
  const last = new Date(p.to.getTime() - 1);
  doc.font(BOLD).fontSize(12).text(winAnsi(opts.title.toUpperCase()), MARGIN, doc.y, { width: WIDTH, align: 'center' });
  doc
    .font(FONT)
    .fontSize(10)
    .text(
      winAnsi(
        t(language, 'admin.reports.pdf_period', {
          period: periodLabel(p, language),
          from: formatDay(p.from, language, p.zone),
          to: formatDay(last, language, p.zone),
        }),
      ),
      { width: WIDTH, align: 'center' },
    );
  doc.text(winAnsi(opts.scope), { width: WIDTH, align: 'center' });
  doc
    .fontSize(8)
    .fillColor('#444')
    .text(winAnsi(t(language, 'admin.reports.generated', { at: formatMoment(opts.now, language, zone) })), {
      width: WIDTH,
      align: 'center',
    })
    .fillColor('#000');
  doc.moveDown(1);
}

type Row = string[];

/**
 * A table with a bold first row, set in small type; pdfkit carries it over page breaks. No rows:
 * one cell across the table says there is no data.
 */
export function pdfTable(
  doc: PDFKit.PDFDocument,
  widths: readonly number[],
  header: Row,
  rows: readonly Row[],
  none: string,
  size = 8,
): void {
  doc.font(FONT).fontSize(size);
  const body =
    rows.length > 0
      ? rows.map((row) => row.map((text) => ({ text: winAnsi(text) })))
      : [[{ text: winAnsi(none), colSpan: widths.length }]];
  doc.table({
    position: { x: MARGIN, y: doc.y },
    columnStyles: [...widths],
    defaultStyle: { border: 0.5, padding: [3, 4, 3, 4], borderColor: '#555' },
    data: [header.map((text) => ({ text: winAnsi(text), font: { src: BOLD }, backgroundColor: '#e8e8e8' })), ...body],
  });
  doc.x = MARGIN;
  doc.moveDown(1);
}

export function pdfHeading(doc: PDFKit.PDFDocument, text: string): void {
  // A heading never sits alone at a page's foot: with less than room for it and a few rows, turn over.
  if (doc.y > doc.page.height - doc.page.margins.bottom - 90) doc.addPage();
  doc.font(BOLD).fontSize(10).text(winAnsi(text), MARGIN, doc.y, { width: WIDTH });
  doc.moveDown(0.3);
}

function drawSignature(doc: PDFKit.PDFDocument, opts: OfficialPdfOptions): void {
  const lh = opts.head.letterhead;
  const blank = '.............................................';
  const height = 130;
  if (doc.y + height > doc.page.height - doc.page.margins.bottom) doc.addPage();
  const x = MARGIN + WIDTH / 2 + 20;
  const width = WIDTH / 2 - 20;
  doc.y += 24;
  const date = formatDay(opts.now, opts.language, opts.zone);
  doc.font(FONT).fontSize(10);
  doc.text(winAnsi(`${lh?.place || blank}, ${date}`), x, doc.y, { width, align: 'center' });
  doc.text(winAnsi(lh?.signerPosition || blank), x, doc.y, { width, align: 'center' });
  doc.y += 56;
  doc
    .font(BOLD)
    .text(winAnsi(lh?.signerName || blank), x, doc.y, { width, align: 'center', underline: !!lh?.signerName });
  const nip = t(opts.language, 'admin.reports.signer_nip', { nip: lh?.signerNip || blank });
  doc.font(FONT).text(winAnsi(nip), x, doc.y, { width, align: 'center' });
}

function drawPageNumbers(doc: PDFKit.PDFDocument, language: Language): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Text below the bottom margin would make pdfkit open a new page: the footer writes inside a zero margin.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font(FONT)
      .fontSize(8)
      .fillColor('#000')
      .text(
        winAnsi(t(language, 'admin.reports.page', { n: String(i + 1), total: String(range.count) })),
        MARGIN,
        doc.page.height - MARGIN,
        { width: WIDTH, align: 'center', lineBreak: false },
      );
    doc.page.margins.bottom = bottom;
  }
}
