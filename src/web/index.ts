// The public face of src/web (the fastify server, its routes and the console): other folders import from here, not from the modules inside.
export { addAdminAccount } from './admin/accounts.js';
export { AdminAccountError } from './admin/errors.js';
export { documentCatalog } from './document-catalog.js';
export { DownloadLinks, publicBaseUrl } from './download-links.js';
export { readyLine } from './ready-line.js';
export { startWeb, type WebServer } from './server.js';
