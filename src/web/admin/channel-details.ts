import QRCode from 'qrcode';
import { html, SafeHtml } from '../../html.js';

/**
 * The Telegram bot's username, as the Telegram adapter writes it in channel_states.detail
 * ("@siput_bot", or "@siput_bot at host" in webhook mode); null while it is not known.
 */
export function telegramUsername(detail: string | null | undefined): string | null {
  return /@([A-Za-z][A-Za-z0-9_]{3,31})\b/.exec(detail ?? '')?.[1] ?? null;
}

/** The WhatsApp adapter's channel_states.detail: JSON with the pairing QR or code and the decrypt-error count. */
export interface WhatsAppDetail {
  readonly qr?: string;
  readonly pairingCode?: string;
  readonly decryptErrors?: number;
  readonly attempt?: number;
  readonly retryInMs?: number;
  readonly code?: number;
  /** Messages sent on coldDay to people silent for a day, against the daily coldCap. */
  readonly coldToday?: number;
  readonly coldCap?: number;
  readonly coldDay?: string;
}

export function whatsappDetail(detail: string | null | undefined): WhatsAppDetail {
  if (!detail) return {};
  try {
    const parsed: unknown = JSON.parse(detail);
    return parsed && typeof parsed === 'object' ? (parsed as WhatsAppDetail) : {};
  } catch {
    return {};
  }
}

/**
 * A QR code as inline SVG, drawn on the server: no script, no image from elsewhere. Labelled for
 * screen readers with what it holds, since a QR means nothing to someone who cannot see it.
 */
export async function qrSvg(text: string, label: string): Promise<SafeHtml> {
  const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  // qrcode's SVG is built from the text's modules only: no markup of the text itself gets in.
  return html`<figure class="qr" role="img" aria-label="${label}">${new SafeHtml(svg)}</figure>`;
}
