import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { attachments } from '../db/index.js';
import { FileRejectedError } from './errors.js';
import { DOCX_KIND, identifyFile, PDF_KIND, PHOTO_KINDS, XLSX_KIND } from './file-kinds.js';
import { storeFile } from './stored-file.js';

export type AttachmentMeta = typeof attachments.$inferSelect;

export interface AttachmentStoreOptions {
  readonly db: Db;
  /** DATA_DIR: bytes go to `<dataDir>/uploads/<id>`. */
  readonly dataDir: string;
  /** Largest accepted file; default 10 MB, what a phone photo or a scanned letter needs. */
  readonly maxBytes?: number;
  /** Free space to leave under dataDir (UPLOAD_MIN_FREE_MB); default 0: only a full disk refuses. */
  readonly minFreeBytes?: number;
}

export interface NewAttachment {
  readonly bytes: Uint8Array;
  /** The name the person's device gave; only shown, never part of a path. */
  readonly name: string;
  /** Who sent it: a chat (`web:<address>`), a stakeholder or an official id. */
  readonly uploadedBy?: string | null;
  readonly caseId?: string | null;
}

export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;

/** Photos and PDFs people send with a complaint, and kelengkapan officials attach to a step. */
export class AttachmentStore {
  readonly #db: Db;
  readonly #dir: string;
  readonly maxBytes: number;
  readonly #minFree: number;

  constructor(opts: AttachmentStoreOptions) {
    this.#db = opts.db;
    this.#dir = join(opts.dataDir, 'uploads');
    this.maxBytes = opts.maxBytes ?? ATTACHMENT_MAX_BYTES;
    this.#minFree = opts.minFreeBytes ?? 0;
  }

  /** Checks the content, writes the bytes, then the row: a row never points at a missing file. */
  async save(input: NewAttachment): Promise<AttachmentMeta> {
    // Officials attach their kelengkapan (a nota dinas, a draf laporan) as Word or Excel files too.
    const file = await identifyFile(
      input.bytes,
      input.name,
      [...PHOTO_KINDS, PDF_KIND, DOCX_KIND, XLSX_KIND],
      this.maxBytes,
    );
    // A disk filled by uploads stops the database and the logs too: keep a floor free.
    await mkdir(this.#dir, { recursive: true });
    const disk = await statfs(this.#dir);
    if (disk.bavail * disk.bsize - input.bytes.length < this.#minFree) throw new FileRejectedError('disk_full');
    return storeFile(this.#dir, input.bytes, async (stored) => {
      const [row] = await this.#db
        .insert(attachments)
        .values({
          id: stored.id,
          caseId: input.caseId ?? null,
          name: file.name,
          mime: file.kind.mime,
          size: stored.size,
          sha256: stored.sha256,
          uploadedBy: input.uploadedBy ?? null,
        })
        .returning();
      if (!row) throw new Error('attachment row was not written');
      return row;
    });
  }

  async get(id: string): Promise<AttachmentMeta | undefined> {
    const [row] = await this.#db.select().from(attachments).where(eq(attachments.id, id));
    return row;
  }

  /** The file's bytes as a stream with its details; undefined for an unknown id. */
  async open(id: string): Promise<{ meta: AttachmentMeta; stream: ReadStream } | undefined> {
    const meta = await this.get(id);
    if (!meta) return undefined;
    // A row whose file is gone from the disk (restored backup, a hand-cleaned folder) is answered as
    // gone, not with a stream that fails after the headers are sent.
    const path = join(this.#dir, meta.id);
    if (!(await stat(path).catch(() => null))?.isFile()) return undefined;
    return { meta, stream: createReadStream(path) };
  }
}
