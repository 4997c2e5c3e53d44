// The public face of src/email (email bodies and stop links): other folders import from here, not from the modules inside.
export { mailParts } from './mail-body.js';
export { emailStopUrl, verifyEmailStop } from './stop-link.js';
