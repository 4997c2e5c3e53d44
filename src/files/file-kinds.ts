import { extname } from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import { FileRejectedError } from './errors.js';

/** A kind of file the service accepts, known by its content and by the extensions people give it. */
export interface FileKind {
  readonly mime: string;
  /** The first is the one a stored name gets when the given name has none. */
  readonly extensions: readonly [string, ...string[]];
}

export const PHOTO_KINDS: readonly FileKind[] = [
  { mime: 'image/jpeg', extensions: ['jpg', 'jpeg', 'jfif'] },
  { mime: 'image/png', extensions: ['png'] },
  { mime: 'image/webp', extensions: ['webp'] },
];
export const PDF_KIND: FileKind = { mime: 'application/pdf', extensions: ['pdf'] };
export const DOCX_KIND: FileKind = {
  mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  extensions: ['docx'],
};
export const XLSX_KIND: FileKind = {
  mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  extensions: ['xlsx'],
};

export interface IdentifiedFile {
  readonly kind: FileKind;
  /** The given name made safe to show and to offer as a download name; never used as a path. */
  readonly name: string;
}

/**
 * Decides what a file is from its bytes, not from its name or the browser's claim: a script renamed
 * `.pdf` is refused, and so is a real photo named `.pdf`, since whoever opens it expects a PDF.
 */
export async function identifyFile(
  bytes: Uint8Array,
  givenName: string,
  kinds: readonly FileKind[],
  maxBytes: number,
): Promise<IdentifiedFile> {
  if (bytes.length === 0) throw new FileRejectedError('file_empty');
  if (bytes.length > maxBytes) throw new FileRejectedError('file_too_large', { max: megabytes(maxBytes) });
  const detected = await fileTypeFromBuffer(bytes);
  const kind = kinds.find((k) => k.mime === detected?.mime);
  const allowed = kinds.map((k) => k.extensions[0]).join(', ');
  if (!kind) throw new FileRejectedError('file_type_not_allowed', { allowed });
  const base = safeFileName(givenName);
  const given = extname(base).slice(1).toLowerCase();
  if (given && !kind.extensions.includes(given)) throw new FileRejectedError('file_type_mismatch', { allowed });
  return { kind, name: given ? base : `${base || 'berkas'}.${kind.extensions[0]}` };
}

/**
 * The last path segment of a name, without control, bidi or zero-width characters or characters
 * that mean something to a file system or a header, at most 120 characters. May be empty.
 */
export function safeFileName(given: string): string {
  const last = given.split(/[/\\]/).pop() ?? '';
  const cleaned = last
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
    .replace(/[\u0000-\u001f\u007f<>:"|?*;]/g, '')
    // Bidi overrides and invisible characters: "harmless\u202Egnp.pdf" would show as "harmlessfdp.png".
    .replace(/[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/g, '')
    .replace(/\s+/g, ' ')
    .replace(/^[.\s]+|[.\s]+$/g, '');
  if (cleaned.length <= 120) return cleaned;
  const ext = extname(cleaned);
  return cleaned.slice(0, 120 - ext.length) + ext;
}

function megabytes(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}
