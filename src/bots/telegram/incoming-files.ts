import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Telegram } from 'telegraf';
import type { Message } from 'telegraf/types';
import type { AttachmentMeta, AttachmentStore } from '../../files/index.js';
import { FileRejectedError } from '../../files/index.js';
import { isTelegramError } from './errors.js';

const DOWNLOAD_TIMEOUT_MS = 20_000;

/** A file someone sent, as Telegram describes it before it is downloaded. */
export interface IncomingFile {
  readonly fileId: string;
  readonly size: number | undefined;
  /** The name the sender's app gave; photos have none. */
  readonly name: string;
}

/**
 * The photo (its largest size the store accepts) or document a message carries. Other media
 * (voice, video, stickers) are not attachments the flows take: they go on as a message without one.
 */
export function incomingFile(message: Message, maxBytes: number): IncomingFile | null {
  if ('photo' in message && message.photo.length > 0) {
    const sizes = [...message.photo].sort((a, b) => (a.file_size ?? 0) - (b.file_size ?? 0));
    const best = sizes.filter((p) => (p.file_size ?? 0) <= maxBytes).at(-1) ?? sizes[0];
    if (!best) return null;
    return { fileId: best.file_id, size: best.file_size, name: `foto-${message.message_id}` };
  }
  if ('document' in message) {
    const d = message.document;
    return { fileId: d.file_id, size: d.file_size, name: d.file_name ?? `berkas-${message.message_id}` };
  }
  return null;
}

/**
 * Fetches a file through getFile and keeps it in the attachment store, which checks what it is by
 * its content. Too large or of a kind the store refuses → FileRejectedError, for the person to be
 * told; a network failure → the error as it is, so the update is retried.
 */
export async function storeIncomingFile(
  telegram: Telegram,
  file: IncomingFile,
  store: AttachmentStore,
  uploadedBy: string,
): Promise<AttachmentMeta> {
  const tooLarge = () => new FileRejectedError('file_too_large', { max: `${Math.round(store.maxBytes / 2 ** 20)} MB` });
  if (file.size !== undefined && file.size > store.maxBytes) throw tooLarge();
  let link: URL;
  try {
    link = await telegram.getFileLink(file.fileId);
  } catch (err) {
    // The Bot API hands out files up to 20 MB; a bigger one is refused by getFile itself.
    if (isTelegramError(err, 400) && /too big/i.test(err.description)) throw tooLarge();
    throw err;
  }
  // A local Bot API server (--local) answers with a path on its own disk.
  const bytes =
    link.protocol === 'file:' ? await readFile(fileURLToPath(link)) : await download(link, store.maxBytes, tooLarge);
  return store.save({ bytes, name: file.name, uploadedBy });
}

async function download(url: URL, maxBytes: number, tooLarge: () => Error): Promise<Uint8Array> {
  const response = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  if (!response.ok || !response.body) {
    // The URL holds the token: only the status is told.
    throw new Error(`telegram file download failed: HTTP ${response.status}`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
