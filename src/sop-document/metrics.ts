import PDFDocument from 'pdfkit';

/*
 * Text is measured with the metrics of the PDF's own standard font (Helvetica), so lines break
 * where the PDF breaks them; the SVG names Helvetica and its metric twins (Arial, Liberation Sans).
 * The document is never written: it only lends its font tables.
 */
const measurer = new PDFDocument({ autoFirstPage: false });

export function textWidth(text: string, size: number, bold = false): number {
  measurer.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(size);
  return measurer.widthOfString(text);
}

/** Breaks text into lines no wider than `width`; a word longer than a line is cut where it must be. */
export function wrapText(text: string, width: number, size: number, bold = false): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      const candidate = line ? `${line} ${word}` : word;
      if (textWidth(candidate, size, bold) <= width) {
        line = candidate;
        continue;
      }
      if (line) lines.push(line);
      line = word;
      while (textWidth(line, size, bold) > width && line.length > 1) {
        let cut = line.length - 1;
        while (cut > 1 && textWidth(line.slice(0, cut), size, bold) > width) cut--;
        lines.push(line.slice(0, cut));
        line = line.slice(cut);
      }
    }
    lines.push(line);
  }
  return lines;
}
