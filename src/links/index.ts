// The public face of src/links (signed links): other folders import from here, not from the modules inside.
export { AttachmentLinks } from './attachment-links.js';
export { type CaseFile, caseFileList, fileListText } from './case-file-list.js';
export { ExpiringTag, type LinkCheck } from './expiring-tag.js';
export { statusAnswerUrl, statusUrl } from './status-link.js';
