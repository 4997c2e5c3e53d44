import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { attachments } from '../db/schema.js';
import { DOCX_KIND, identifyFile, PDF_KIND, PHOTO_KINDS, XLSX_KIND } from './file-kinds.js';

export type AttachmentMeta = typeof attachments.$inferSelect;

export interface AttachmentStoreOptions {
  readonly db: Db;
  /** DATA_DIR: bytes go to `<dataDir>/uploads/<id>`. */
  readonly dataDir: string;
  /** Largest accepted file; default 10 MB, what a phone photo or a scanned letter needs. */
  readonly maxBytes?: number;
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

  constructor(opts: AttachmentStoreOptions) {
    this.#db = opts.db;
    this.#dir = join(opts.dataDir, 'uploads');
    this.maxBytes = opts.maxBytes ?? ATTACHMENT_MAX_BYTES;
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
    const id = randomUUID();
    const path = join(this.#dir, id);
    await mkdir(this.#dir, { recursive: true });
    await writeFile(path, input.bytes, { flag: 'wx', mode: 0o640 });
    try {
      const [row] = await this.#db
        .insert(attachments)
        .values({
          id,
          caseId: input.caseId ?? null,
          name: file.name,
          mime: file.kind.mime,
          size: input.bytes.length,
          sha256: createHash('sha256').update(input.bytes).digest('hex'),
          uploadedBy: input.uploadedBy ?? null,
        })
        .returning();
      if (!row) throw new Error('attachment row was not written');
      return row;
    } catch (err) {
      await unlink(path).catch(() => {});
      throw err;
    }
  }

  async get(id: string): Promise<AttachmentMeta | undefined> {
    const [row] = await this.#db.select().from(attachments).where(eq(attachments.id, id));
    return row;
  }

  /** The file's bytes as a stream with its details; undefined for an unknown id. */
  async open(id: string): Promise<{ meta: AttachmentMeta; stream: ReadStream } | undefined> {
    const meta = await this.get(id);
    if (!meta) return undefined;
    return { meta, stream: createReadStream(join(this.#dir, meta.id)) };
  }
}
