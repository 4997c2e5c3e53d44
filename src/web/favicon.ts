import { readFileSync } from 'node:fs';
import { asset } from './asset-versions.js';

/** The service's icon, linked by every page at its versioned URL. */
export const FAVICON = asset(
  '/favicon.svg',
  'image/svg+xml',
  readFileSync(new URL('./public/favicon.svg', import.meta.url)),
);
