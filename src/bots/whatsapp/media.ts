import { downloadMediaMessage, type WAMessage } from '@whiskeysockets/baileys';
import type { AttachmentStore } from '../../files/index.js';
import { FileRejectedError } from '../../files/index.js';
import type { Inbound } from '../../flows/index.js';
import type { BaileysLogger } from './baileys-logger.js';
import type { IncomingMedia } from './inbound.js';
import type { WhatsAppSocket } from './socket.js';

/** Fetches the bytes of a photo or document message from WhatsApp's media servers. */
export type MediaDownload = (message: WAMessage, socket: WhatsAppSocket) => Promise<Buffer>;

export function baileysDownload(logger: BaileysLogger): MediaDownload {
  // reuploadRequest asks the sender's phone to upload again a file whose link has expired.
  return (message, socket) =>
    downloadMediaMessage(message, 'buffer', {}, { logger, reuploadRequest: socket.updateMediaMessage });
}

/**
 * Downloads and stores a photo or document someone sent. A file that cannot be fetched, or that the
 * store refuses (too large, not a photo, PDF, Word or Excel file), gives no attachment: the flow then asks again for
 * one it can take.
 */
export async function storeMedia(
  media: IncomingMedia,
  fetch: () => Promise<Buffer>,
  store: AttachmentStore,
  uploadedBy: string,
): Promise<{ attachment: Inbound['attachment'] } | { refused: string }> {
  // The size the message announces is checked first, so a large video-as-document is never fetched.
  if (media.size !== null && media.size > store.maxBytes) return { refused: 'file_too_large' };
  let bytes: Buffer;
  try {
    bytes = await fetch();
  } catch {
    // Media links expire and WhatsApp's servers fail at times; the flow then asks for the file again.
    return { refused: 'download_failed' };
  }
  try {
    const saved = await store.save({ bytes, name: media.name ?? 'foto', uploadedBy });
    return { attachment: { id: saved.id, name: saved.name, mime: saved.mime } };
  } catch (err) {
    if (err instanceof FileRejectedError) return { refused: err.code };
    throw err;
  }
}
