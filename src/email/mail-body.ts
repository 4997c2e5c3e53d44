import { escapeHtml } from '../html.js';
import { extendCatalog, type Language, t } from '../i18n/index.js';

extendCatalog('id', {
  'email.subject': 'SIPUT: kabar tiket {ticket}',
  'email.subject_plain': 'SIPUT: kabar untuk Anda',
  'email.status_link': 'Lihat perkembangan tiket Anda: {url}',
  'email.choices': 'Untuk menjawab ({choices}), buka percakapan SIPUT Anda atau halaman status di atas.',
  'email.footer':
    'Email ini dikirim karena Anda memberikan alamat email saat menyampaikan aspirasi dan percakapan Anda tidak dapat dijangkau. Berhenti menerima email: {url}',
});
extendCatalog('en', {
  'email.subject': 'SIPUT: news on ticket {ticket}',
  'email.subject_plain': 'SIPUT: news for you',
  'email.status_link': 'Follow your ticket: {url}',
  'email.choices': 'To answer ({choices}), open your SIPUT chat or the status page above.',
  'email.footer':
    'You get this email because you gave your email address with your message and your chat could not be reached. Stop these emails: {url}',
});

export interface MailParts {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export interface MailInput {
  readonly language: Language;
  readonly ticket: string | null;
  /** The message as the chat would show it. */
  readonly text: string;
  readonly statusUrl: string | null;
  readonly choices: readonly string[];
  readonly stopUrl: string | null;
}

/** The same words the chat would show, as plain text and as HTML, with the status and stop links. */
export function mailParts(input: MailInput): MailParts {
  const tr = (key: string, params?: Record<string, string>) => t(input.language, key, params);
  const paragraphs = [input.text];
  if (input.statusUrl && !input.text.includes(input.statusUrl))
    paragraphs.push(tr('email.status_link', { url: input.statusUrl }));
  if (input.choices.length > 0) paragraphs.push(tr('email.choices', { choices: input.choices.join(' / ') }));
  const footer = input.stopUrl ? tr('email.footer', { url: input.stopUrl }) : null;
  const text = [...paragraphs, ...(footer ? ['--', footer] : [])].join('\n\n');
  const linked = (p: string) =>
    escapeHtml(p)
      .replace(/(https?:\/\/[^\s<]+)/g, '<a href="$1">$1</a>')
      .replace(/\n/g, '<br>');
  const html = `<!doctype html><html lang="${input.language}"><body style="font:15px/1.5 system-ui,sans-serif;color:#1b1f24">
${paragraphs.map((p) => `<p>${linked(p)}</p>`).join('\n')}
${footer ? `<hr><p style="color:#4a5562;font-size:13px">${linked(footer)}</p>` : ''}
</body></html>`;
  return {
    subject: input.ticket ? tr('email.subject', { ticket: input.ticket }) : tr('email.subject_plain'),
    text,
    html,
  };
}
