import { extname } from 'node:path';
import { and, eq, isNotNull, ne } from 'drizzle-orm';
import type { Db, Tx } from '../db/index.js';
import { attachments } from '../db/index.js';
import type { Signer } from '../signing.js';

/** A week: the closing message may be read days later; the status page always gives fresh links. */
const TTL_SECONDS = 7 * 24 * 3600;
const TAG_LENGTH = 22;
const payload = (id: string, expiry: number) => `berkas:${id}:${expiry}`;

/** An output document the reporter receives, as the case holds it. */
export interface OutputDocument {
  readonly id: string;
  /** The document's name from the SOP (e.g. "Laporan Penyelesaian"), with the file's extension. */
  readonly name: string;
}

/** The case's output documents for the reporter: files the SOP publishes, not erased. */
export async function outputDocuments(db: Db | Tx, caseId: string): Promise<OutputDocument[]> {
  const rows = await db
    .select({ id: attachments.id, name: attachments.name, publicName: attachments.publicName })
    .from(attachments)
    .where(and(eq(attachments.caseId, caseId), isNotNull(attachments.publicName), ne(attachments.sha256, '-')));
  return rows.map((r) => ({ id: r.id, name: `${r.publicName}${extname(r.name).toLowerCase()}` }));
}

/** `/berkas/<id>?e=<expiry>&s=<tag>`: signed over the id and the expiry, so neither can be changed. */
export function outputUrl(base: string | undefined, signer: Signer, id: string, now = new Date()): string {
  const expiry = Math.floor(now.getTime() / 1000) + TTL_SECONDS;
  const root = (base ?? '').replace(/\/+$/, '');
  return `${root}/berkas/${encodeURIComponent(id)}?e=${expiry}&s=${signer.sign(payload(id, expiry), TAG_LENGTH)}`;
}

/** Checks a link's expiry and signature; the route serves the file when this is true. */
export function verifyOutputLink(signer: Signer, id: string, e: string | undefined, s: string | undefined, now: Date) {
  return (
    typeof e === 'string' &&
    /^\d{1,12}$/.test(e) &&
    typeof s === 'string' &&
    signer.verify(payload(id, Number(e)), s, TAG_LENGTH) &&
    Number(e) * 1000 >= now.getTime()
  );
}

/**
 * Whether an action's file is the document the action publishes. With one file, it is. With
 * several (a BA beside the laporan), only the one whose kelengkapan names the document ("draf
 * Laporan penyelesaian" for "Laporan Penyelesaian"), so an internal paper never reaches the reporter.
 */
export function isPublishedFile(publishes: string, kelengkapan: string | null, filesInAction: number): boolean {
  if (filesInAction === 1) return true;
  const words = (text: string) =>
    text
      .toLowerCase()
      .replace(/^draf(t)?\s+/, '')
      .trim();
  return kelengkapan !== null && words(kelengkapan) === words(publishes);
}
