import QRCode from 'qrcode';
import type { Logger } from '../../log.js';
import type { ChannelStatus } from './channel-status.js';

/** Where the pairing QR code and code are printed for whoever runs the service; null prints nothing. */
export type Terminal = Pick<NodeJS.WritableStream, 'write'> | null;

/**
 * Shows how to pair: the QR code in the terminal and in channel_states (the console renders it
 * from there, for a service that runs without a terminal), or the pairing code for a phone number.
 * The codes go to the terminal and the console only, never to the log, which is kept and shipped.
 */
export class Pairing {
  constructor(
    private readonly status: ChannelStatus,
    private readonly log: Logger,
    private readonly terminal: Terminal,
  ) {}

  /** A new QR code; WhatsApp sends a fresh one every 20 seconds or so until it is scanned. */
  async qr(qr: string, first: boolean): Promise<void> {
    if (first) log(this.log, 'scan the QR code (terminal or console) in WhatsApp > Linked devices > Link a device');
    await this.status.set('pairing', { qr });
    if (!this.terminal) return;
    const picture = await QRCode.toString(qr, { type: 'terminal', small: true });
    this.terminal.write(`\nWhatsApp: scan this code in WhatsApp > Linked devices > Link a device\n${picture}\n`);
  }

  async code(code: string): Promise<void> {
    log(this.log, 'enter the pairing code (terminal or console) in WhatsApp > Linked devices > Link with phone number');
    await this.status.set('pairing', { pairingCode: code });
    this.terminal?.write(
      `\nWhatsApp: enter the code ${code} in WhatsApp > Linked devices > Link a device > Link with phone number instead\n\n`,
    );
  }
}

function log(logger: Logger, how: string): void {
  logger.warn(`whatsapp is not paired: ${how}`);
}
