// The public face of src/files (stored files): other folders import from here, not from the modules inside.
export { type AttachmentMeta, AttachmentStore } from './attachment-store.js';
export { type DocumentRow, DocumentStore } from './document-store.js';
export { downloadName } from './download-name.js';
export { DocumentInvalidError, FileRejectedError } from './errors.js';
export { DOCX_KIND, type FileKind, PDF_KIND, PHOTO_KINDS, safeFileName, XLSX_KIND } from './file-kinds.js';
export { LOGO_MAX_BYTES, readUnitLogo, removeUnitLogo, setUnitLogo } from './unit-logos.js';
