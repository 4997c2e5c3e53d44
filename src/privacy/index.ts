// The public face of src/privacy (UU PDP: erasure, export, retention, pseudonyms): other folders import from here, not from the modules inside.
export { eraseStakeholder } from './erasure.js';
export { identityPatterns, scrubText } from './identity-text.js';
export { pseudonymOf } from './pseudonym.js';
export { type ReporterFacts, reporterForOfficials, reporterView } from './reporter.js';
export { anonymiseExpired } from './retention.js';
export { exportStakeholder } from './stakeholder-export.js';
export { removeUnattachedUploads } from './unattached-uploads.js';
