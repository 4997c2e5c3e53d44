import { asc, eq } from 'drizzle-orm';
import type { Tx } from '../db/index.js';
import { attachments, cases } from '../db/index.js';
import { extendCatalog, type Language, t } from '../i18n/index.js';
import type { AttachmentLinks } from './attachment-links.js';

extendCatalog('id', {
  'files.reporter': 'Lampiran pelapor',
  'files.admin_only': 'hanya dapat dibuka admin (laporan rahasia)',
  'files.valid_for': '(tautan berlaku {hours} jam; ketik TUGAS untuk tautan baru)',
});
extendCatalog('en', {
  'files.reporter': 'Reporter’s attachment',
  'files.admin_only': 'only an admin may open it (confidential report)',
  'files.valid_for': '(links work for {hours} hours; send TUGAS for new ones)',
});

export interface CaseFileListOptions {
  readonly caseId: string;
  /** The official reading it: each link is signed for them. */
  readonly officialId: string;
  readonly language: Language;
  readonly links: AttachmentLinks;
  /** Takes a rahasia reporter's identity out of file names (see reporterForOfficials). */
  readonly scrub: (text: string | null) => string | null;
  readonly now?: Date;
}

/**
 * A case's files as an official reads them in a chat: one line each, naming the kelengkapan the
 * file is (or that the reporter sent it) and a signed link that opens it. A rahasia reporter's own
 * files may show who they are, so they get no link; only an admin opens them in the console.
 * "-" when the case has none.
 */
export async function caseFileList(tx: Tx, opts: CaseFileListOptions): Promise<string> {
  const [row] = await tx.select({ rahasia: cases.rahasia }).from(cases).where(eq(cases.id, opts.caseId));
  const files = await tx
    .select({ id: attachments.id, name: attachments.name, kelengkapan: attachments.kelengkapan })
    .from(attachments)
    .where(eq(attachments.caseId, opts.caseId))
    .orderBy(asc(attachments.createdAt));
  return fileListText(files, row?.rahasia ?? false, opts);
}

/** A case's file, as fileListText lists it. */
export interface CaseFile {
  readonly id: string;
  readonly name: string;
  readonly kelengkapan: string | null;
}

/** caseFileList from the case's files (oldest first) and its rahasia mark, read already. */
export function fileListText(
  files: readonly CaseFile[],
  rahasia: boolean,
  opts: Omit<CaseFileListOptions, 'caseId'>,
): string {
  if (files.length === 0) return '-';
  const tr = (key: string, params?: Record<string, string>) => t(opts.language, key, params);
  const lines = files.map((f) => {
    const what = f.kelengkapan ?? tr('files.reporter');
    const name = opts.scrub(f.name) ?? f.name;
    const reporterOwn = f.kelengkapan === null;
    const where = rahasia && reporterOwn ? tr('files.admin_only') : opts.links.url(f.id, opts.officialId, opts.now);
    return `• ${what}: ${name} — ${where}`;
  });
  return `\n${lines.join('\n')}\n${tr('files.valid_for', { hours: String(opts.links.ttlHours) })}`;
}
