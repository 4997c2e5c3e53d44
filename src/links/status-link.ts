import { extendCatalog } from '../i18n/index.js';

extendCatalog('id', {
  'case.status_link': 'Pantau perkembangan tiket ini kapan saja di: {url}',
  'case.answer_link': 'Kirim jawaban Anda (teks atau berkas) melalui halaman ini: {url}',
});
extendCatalog('en', {
  'case.status_link': 'Follow this ticket at any time at: {url}',
  'case.answer_link': 'Send your answer (a text or a file) on this page: {url}',
});

/**
 * The public status page of a ticket: `/status/<ticket>?k=<secret>`. `base` is PUBLIC_URL (see
 * publicBaseUrl); without one the link is relative, which the web chat's own page still opens.
 */
export function statusUrl(base: string | undefined, ticket: string, secret: string): string {
  const root = (base ?? '').replace(/\/+$/, '');
  return `${root}/status/${encodeURIComponent(ticket)}?k=${encodeURIComponent(secret)}`;
}

/**
 * The page where a reporter answers a request for kelengkapan (`/status/<ticket>/jawab?k=<secret>`),
 * under the same secret as the status page: the link an email carries instead of a chat's button.
 */
export function statusAnswerUrl(base: string | undefined, ticket: string, secret: string): string {
  return statusUrl(base, ticket, secret).replace('?k=', '/jawab?k=');
}
