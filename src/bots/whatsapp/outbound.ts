import { extname } from 'node:path';
import type { AnyMessageContent } from '@whiskeysockets/baileys';
import { DOCX_KIND, type FileKind, PDF_KIND, PHOTO_KINDS, XLSX_KIND } from '../../files/index.js';
import type { OutgoingMessage } from '../../outbox/index.js';

const KINDS: readonly FileKind[] = [PDF_KIND, DOCX_KIND, XLSX_KIND, ...PHOTO_KINDS];

/**
 * Choices as a numbered list under the text. WhatsApp's buttons and lists only reach business API
 * numbers reliably; on an ordinary number they are dropped or shown as "unsupported", so people
 * answer with the number or the word, which the flows understand.
 */
export function numberedText(message: Pick<OutgoingMessage, 'text' | 'choices'>): string {
  if (message.choices.length === 0) return message.text;
  const menu = message.choices.map((c, i) => `${i + 1}. ${c.label}`).join('\n');
  return `${message.text}\n\n${menu}`;
}

/** The text alone: the flow's text already carries the download link of any document. */
export function textContent(message: OutgoingMessage): AnyMessageContent {
  return { text: numberedText(message) };
}

/**
 * The document itself, with the text as its caption, so it opens in WhatsApp. Baileys fetches it
 * from the signed download link; if that fails, the sender falls back to textContent.
 */
export function documentContent(message: OutgoingMessage): AnyMessageContent | null {
  if (!message.document) return null;
  return {
    document: { url: message.document.url },
    fileName: message.document.name,
    mimetype: mimeOf(message.document.name),
    caption: numberedText(message),
  };
}

function mimeOf(name: string): string {
  const ext = extname(name).slice(1).toLowerCase();
  return KINDS.find((k) => k.extensions.includes(ext))?.mime ?? 'application/octet-stream';
}
