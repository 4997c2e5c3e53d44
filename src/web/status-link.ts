import { extendCatalog } from '../i18n/catalog.js';

extendCatalog('id', { 'case.status_link': 'Pantau perkembangan tiket ini kapan saja di: {url}' });
extendCatalog('en', { 'case.status_link': 'Follow this ticket at any time at: {url}' });

/**
 * The public status page of a ticket: `/status/<ticket>?k=<secret>`. `base` is PUBLIC_URL (see
 * publicBaseUrl); without one the link is relative, which the web chat's own page still opens.
 */
export function statusUrl(base: string | undefined, ticket: string, secret: string): string {
  const root = (base ?? '').replace(/\/+$/, '');
  return `${root}/status/${encodeURIComponent(ticket)}?k=${encodeURIComponent(secret)}`;
}
