import { createReadStream, type ReadStream } from 'node:fs';
import { join } from 'node:path';
import { and, asc, desc, eq, ilike, or, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Tx } from '../db/index.js';
import { documents, downloads } from '../db/index.js';
import { DocumentInvalidError } from './errors.js';
import { DOCX_KIND, identifyFile, PDF_KIND, XLSX_KIND } from './file-kinds.js';
import { storeFile } from './stored-file.js';

export type DocumentRow = typeof documents.$inferSelect;

export interface DocumentStoreOptions {
  readonly db: Db;
  /** DATA_DIR: bytes go to `<dataDir>/documents/<id>`. */
  readonly dataDir: string;
  /** Largest accepted file; default 20 MB, room for a scanned SOP with its flowcharts. */
  readonly maxBytes?: number;
}

export interface NewDocument {
  /** The document's number, e.g. `SOP-ORTALA-001`. */
  readonly number: string;
  readonly title: string;
  /** Default 0. A new revision of the same number is a new row; older ones are kept. */
  readonly revision?: number;
  /** YYYY-MM-DD. */
  readonly revisionDate?: string | null;
  readonly category?: string | null;
  /** What people read before choosing to download it. */
  readonly synopsis: string;
  /** Shown and offered as the download name; never part of a path. */
  readonly fileName: string;
  readonly bytes: Uint8Array;
}

export interface DocumentSearch {
  /** Words that must all appear in the number, title or synopsis, in any case. */
  readonly words?: string;
  /** Default 10, at most 100. */
  readonly limit?: number;
  readonly offset?: number;
}

const details = z.object({
  number: z.string().trim().min(1).max(80),
  title: z.string().trim().min(1).max(300),
  revision: z.number().int().min(0).max(999).default(0),
  revisionDate: z.iso.date().nullish(),
  category: z.string().trim().max(100).nullish(),
  synopsis: z.string().trim().min(1).max(4000),
});

/** The tata laksana documents a unit publishes (SOP 000 steps 1–2), and the buku tamu of their downloads. */
export class DocumentStore {
  readonly #db: Db;
  readonly #dir: string;
  readonly maxBytes: number;

  constructor(opts: DocumentStoreOptions) {
    this.#db = opts.db;
    this.#dir = join(opts.dataDir, 'documents');
    this.maxBytes = opts.maxBytes ?? 20 * 1024 * 1024;
  }

  /** Stores a document unpublished: someone checks it before people can download it. */
  async add(input: NewDocument): Promise<DocumentRow> {
    const parsed = details.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = String(issue?.path[0] ?? '?');
      throw new DocumentInvalidError(field, `${field}: ${issue?.message ?? 'invalid'}`);
    }
    const meta = parsed.data;
    const [same] = await this.#db
      .select({ id: documents.id })
      .from(documents)
      .where(and(eq(documents.number, meta.number), eq(documents.revision, meta.revision)));
    if (same) {
      throw new DocumentInvalidError('revision', `${meta.number} already has revision ${meta.revision}`);
    }
    const file = await identifyFile(input.bytes, input.fileName, [PDF_KIND, DOCX_KIND, XLSX_KIND], this.maxBytes);
    return storeFile(this.#dir, input.bytes, async (stored) => {
      const [row] = await this.#db
        .insert(documents)
        .values({
          id: stored.id,
          number: meta.number,
          title: meta.title,
          revision: meta.revision,
          revisionDate: meta.revisionDate ?? null,
          category: meta.category || null,
          synopsis: meta.synopsis,
          fileName: file.name,
          mime: file.kind.mime,
          size: stored.size,
          sha256: stored.sha256,
        })
        .returning();
      if (!row) throw new Error('document row was not written');
      return row;
    });
  }

  /** False when there is no such document. */
  async publish(id: string): Promise<boolean> {
    return this.#setPublished(id, true);
  }

  async unpublish(id: string): Promise<boolean> {
    return this.#setPublished(id, false);
  }

  async #setPublished(id: string, published: boolean): Promise<boolean> {
    const rows = await this.#db
      .update(documents)
      .set({ published })
      .where(eq(documents.id, id))
      .returning({ id: documents.id });
    return rows.length > 0;
  }

  /** `via`: the caller's open transaction, if any (PGlite's one connection would otherwise wait on it). */
  async get(id: string, via: Tx = this.#db): Promise<DocumentRow | undefined> {
    const [row] = await via.select().from(documents).where(eq(documents.id, id));
    return row;
  }

  /**
   * What stakeholders may download: of each number, only its highest published revision, so a
   * superseded SOP is not offered next to the one that replaced it.
   */
  async listPublished(search: DocumentSearch = {}, via: Tx = this.#db): Promise<DocumentRow[]> {
    const latest = sql`${documents.revision} = (select max(d.revision) from ${documents} d where d.number = ${documents.number} and d.published)`;
    return via
      .select()
      .from(documents)
      .where(and(eq(documents.published, true), latest, ...wordsMatch(search.words)))
      .orderBy(asc(documents.number))
      .limit(Math.min(Math.max(search.limit ?? 10, 1), 100))
      .offset(Math.max(search.offset ?? 0, 0));
  }

  /** Every document and revision, published or not, for the people who keep them. */
  async listAll(): Promise<DocumentRow[]> {
    return this.#db.select().from(documents).orderBy(asc(documents.number), desc(documents.revision));
  }

  /** The file's bytes as a stream with its details; undefined for an unknown id. */
  async open(id: string): Promise<{ meta: DocumentRow; stream: ReadStream } | undefined> {
    const meta = await this.get(id);
    if (!meta) return undefined;
    return { meta, stream: createReadStream(join(this.#dir, meta.id)) };
  }

  /**
   * Writes the buku tamu row: who (null before they gave their identity) took which document, over
   * which channel. Pass the conversation's transaction, so a message handled twice logs one download.
   */
  async recordDownload(
    documentId: string,
    stakeholderId: string | null,
    channel: string,
    tx: Tx = this.#db,
  ): Promise<number> {
    const [row] = await tx
      .insert(downloads)
      .values({ documentId, stakeholderId, channel })
      .returning({ id: downloads.id });
    if (!row) throw new Error('buku tamu row was not written');
    return row.id;
  }
}

function wordsMatch(words: string | undefined): SQL[] {
  return (words ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 8)
    .map((word) => {
      const pattern = `%${word.replace(/[\\%_]/g, '\\$&')}%`;
      return or(
        ilike(documents.number, pattern),
        ilike(documents.title, pattern),
        ilike(documents.synopsis, pattern),
      ) as SQL;
    });
}
