import PDFDocument from 'pdfkit';
import { type DocumentPage, LINE_HEIGHT, type SopDocument } from './shapes.js';

/**
 * The standard PDF fonts encode WinAnsi only: characters beyond it (arrows, typographic
 * quotes the sources sometimes carry) are written in their plain forms rather than lost.
 */
export function winAnsi(text: string): string {
  return text
    .replace(/[‘’]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/→/g, '->')
    .replace(/[^\x20-\x7e\u00a0-\u00ff–—…·]/g, '?');
}

function drawPage(doc: PDFKit.PDFDocument, page: DocumentPage): void {
  for (const shape of page.shapes) {
    switch (shape.kind) {
      case 'box': {
        if (shape.r) doc.roundedRect(shape.x, shape.y, shape.w, shape.h, shape.r);
        else doc.rect(shape.x, shape.y, shape.w, shape.h);
        doc.lineWidth(shape.strokeWidth ?? 0.8);
        if (shape.fill && shape.stroke) doc.fillAndStroke(shape.fill, shape.stroke);
        else if (shape.fill) doc.fill(shape.fill);
        else doc.stroke(shape.stroke ?? '#000');
        break;
      }
      case 'polygon':
        doc.polygon(...shape.points.map(([x, y]) => [x, y] as [number, number]));
        doc.lineWidth(0.8).fillAndStroke(shape.fill ?? '#fff', '#000');
        break;
      case 'line':
        doc
          .moveTo(shape.x1, shape.y1)
          .lineTo(shape.x2, shape.y2)
          .lineWidth(shape.strokeWidth ?? 0.8)
          .stroke('#000');
        break;
      case 'arrow': {
        const [first, ...rest] = shape.points;
        const last = shape.points[shape.points.length - 1];
        const before = shape.points[shape.points.length - 2];
        if (!first || !last || !before) break;
        doc.moveTo(first[0], first[1]);
        for (const [x, y] of rest) doc.lineTo(x, y);
        doc.lineWidth(0.7).stroke('#000');
        const angle = Math.atan2(last[1] - before[1], last[0] - before[0]);
        const head = (a: number): [number, number] => [last[0] - 5.5 * Math.cos(a), last[1] - 5.5 * Math.sin(a)];
        doc.polygon(last as [number, number], head(angle + 0.45), head(angle - 0.45)).fill('#000');
        break;
      }
      case 'label': {
        doc
          .font(shape.bold ? 'Helvetica-Bold' : 'Helvetica')
          .fontSize(shape.size)
          .fillColor('#000');
        shape.lines.forEach((line, i) => {
          const text = winAnsi(line);
          const y = shape.y + i * shape.size * LINE_HEIGHT;
          const x = shape.align === 'middle' ? shape.x - doc.widthOfString(text) / 2 : shape.x;
          doc.text(text, x, y, { lineBreak: false });
        });
        break;
      }
    }
  }
}

/** The whole document as an A4 landscape PDF. */
export function documentToPdf(document: SopDocument): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 0,
    autoFirstPage: false,
    info: { Title: winAnsi(document.title), Subject: `${document.sopId} versi ${document.version}`, Creator: 'SIPUT' },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  for (const page of document.pages) {
    doc.addPage({ size: 'A4', layout: 'landscape', margin: 0 });
    drawPage(doc, page);
  }
  doc.end();
  return done;
}
