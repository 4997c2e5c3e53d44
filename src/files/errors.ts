export type FileRejection =
  | 'file_empty'
  | 'file_too_large'
  | 'file_type_not_allowed'
  | 'file_type_mismatch'
  | 'disk_full';

const FILE_STATUS: Record<FileRejection, number> = {
  file_empty: 400,
  file_too_large: 413,
  file_type_not_allowed: 415,
  file_type_mismatch: 415,
  disk_full: 507,
};

/** A file refused before it was stored; the person is told why with the text under `messageKey`. */
export class FileRejectedError extends Error {
  override readonly name = 'FileRejectedError';
  readonly messageKey: string;
  readonly statusCode: number;
  constructor(
    readonly code: FileRejection,
    readonly params: Readonly<Record<string, string>> = {},
  ) {
    super(`file refused: ${code}`);
    this.messageKey = `files.${code}`;
    this.statusCode = FILE_STATUS[code];
  }
}

/** Document details that cannot be stored as given (empty title, a malformed revision date…). */
export class DocumentInvalidError extends Error {
  override readonly name = 'DocumentInvalidError';
  readonly code = 'document_invalid';
  readonly messageKey = 'files.document_invalid';
  constructor(
    /** The field at fault, e.g. `revisionDate`. */
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}
