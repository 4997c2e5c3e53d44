import nodemailer, { type Transporter } from 'nodemailer';
import type { Channel, ChannelLimits, OutgoingMessage } from '../outbox/index.js';
import { ChannelRefusedError, ChannelUnreachableError } from '../outbox/index.js';

export interface EmailChannelOptions {
  /** SMTP_URL: smtp://user:pass@host:587 or smtps://…:465. */
  readonly url: string;
  /** MAIL_FROM, e.g. "SIPUT Ortala <siput@example.go.id>". */
  readonly from: string;
}

/**
 * Email through an SMTP server (nodemailer). The outbox renders the subject and both bodies; this
 * only carries them. An SMTP 5xx answer (no such mailbox, address refused) is final and
 * dead-letters the message; a 4xx or a server that cannot be reached is retried.
 */
export class EmailChannel implements Channel {
  readonly name = 'email';
  // Mail servers throttle senders that burst; a few a second is plenty for case updates.
  readonly limits: ChannelLimits = { perSecond: 5, perChatIntervalMs: 0, yieldsToTimers: true };
  readonly #transport: Transporter;
  readonly #from: string;

  constructor(opts: EmailChannelOptions) {
    this.#transport = nodemailer.createTransport(opts.url);
    this.#from = opts.from;
  }

  async send(message: OutgoingMessage): Promise<void> {
    const mail = message.mail;
    if (!mail) throw new ChannelRefusedError('an email needs a subject and an HTML body; this message has none');
    try {
      await this.#transport.sendMail({
        from: this.#from,
        to: message.address,
        subject: mail.subject,
        text: message.text,
        html: mail.html,
        // RFC 2369 and RFC 8058: mail clients show an "unsubscribe" button that posts to the link.
        ...(mail.unsubscribeUrl
          ? {
              headers: {
                'List-Unsubscribe': `<${mail.unsubscribeUrl}>`,
                'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
              },
            }
          : {}),
      });
    } catch (err) {
      const code = (err as { responseCode?: number }).responseCode;
      // The error text names the server's reply, never the address or the body.
      const reason = `smtp ${code ?? (err as { code?: string }).code ?? 'error'}`;
      if (typeof code === 'number' && code >= 500) throw new ChannelRefusedError(reason);
      throw new ChannelUnreachableError(reason, { cause: err });
    }
  }

  close(): void {
    this.#transport.close();
  }
}
