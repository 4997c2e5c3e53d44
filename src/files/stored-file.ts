import { createHash, randomUUID } from 'node:crypto';
import { mkdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A file written to disk under a fresh id, with what its row records of it. */
export interface StoredFile {
  readonly id: string;
  readonly size: number;
  readonly sha256: string;
}

/**
 * Writes the bytes under `dir` with a new id (never the name people gave), then records them.
 * If recording fails the file is removed, so a row never points at a missing file and a failed
 * row leaves no orphan behind.
 */
export async function storeFile<T>(
  dir: string,
  bytes: Uint8Array,
  record: (file: StoredFile) => Promise<T>,
): Promise<T> {
  const id = randomUUID();
  const path = join(dir, id);
  await mkdir(dir, { recursive: true });
  await writeFile(path, bytes, { flag: 'wx', mode: 0o640 });
  try {
    return await record({ id, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
  } catch (err) {
    await unlink(path).catch(() => {});
    throw err;
  }
}
