import { extname } from 'node:path';
import { safeFileName } from './file-kinds.js';

/**
 * The name a published document is downloaded under, on every channel: its number, title and
 * revision ("SOP-ORTALA-007 SOP Pelayanan Pengaduan rev 2.pdf"), so the file in someone's download
 * folder says what it is, whatever the uploaded file was called ("scan0001.pdf").
 */
export function downloadName(doc: { number: string; title: string; revision: number; fileName: string }): string {
  const extension = extname(doc.fileName).toLowerCase();
  // A number such as "SOP/ORTALA/007" keeps its parts: a slash would otherwise end the name there.
  const stem = safeFileName(`${doc.number} ${doc.title} rev ${doc.revision}`.replace(/[/\\]/g, '-'))
    .replace(/[. ]+$/, '')
    .slice(0, 110);
  return `${stem || 'dokumen'}${extension}`;
}
