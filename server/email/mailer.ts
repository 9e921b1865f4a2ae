import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from '../shared/logger.ts';

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  readonly transport: 'smtp' | 'outbox';
  send(email: OutgoingEmail): Promise<void>;
  close(): void;
}

/** SMTP through nodemailer when configured; otherwise the database outbox is the delivery, and the log shows it. */
export function createMailer(smtpUrl: string | undefined, from: string, logger: Logger): Mailer {
  if (!smtpUrl) {
    return {
      transport: 'outbox',
      async send(email) {
        logger.info('email kept in outbox (no SMTP_URL)', { to: email.to, subject: email.subject });
      },
      close() {},
    };
  }
  const transporter: Transporter = nodemailer.createTransport(smtpUrl, { from });
  return {
    transport: 'smtp',
    async send(email) {
      await transporter.sendMail({ from, ...email });
    },
    close() {
      transporter.close();
    },
  };
}
