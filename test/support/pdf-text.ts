import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';

const fonts = `${join(dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')), 'standard_fonts')}/`;

export interface PdfPageText {
  /** The page's text runs joined by line, as a reader copies them. */
  readonly text: string;
  /** How many images the page paints (a letterhead's logo). */
  readonly images: number;
}

/** Each page's text and image count, read by pdf.js (Mozilla's PDF reader), not by the renderer that wrote it. */
export async function pdfPages(bytes: Uint8Array): Promise<PdfPageText[]> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), standardFontDataUrl: fonts, verbosity: 0 }).promise;
  const pages: PdfPageText[] = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const page = await pdf.getPage(n);
    const content = await page.getTextContent();
    const text = content.items
      .map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : ' ') : ''))
      .join('')
      .replace(/[ \t]+/g, ' ');
    const ops = await page.getOperatorList();
    const images = ops.fnArray.filter((op) => op === OPS.paintImageXObject).length;
    pages.push({ text, images });
  }
  await pdf.destroy();
  return pages;
}
