import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../../config.js';
import type { MailMessage, Mailer } from './mailer.js';

class SmtpMailer implements Mailer {
  readonly kind = 'smtp' as const;
  private readonly transport: Transporter;
  constructor(
    url: string,
    private readonly from: string,
  ) {
    this.transport = nodemailer.createTransport(`${url}${url.includes('?') ? '&' : '?'}connectionTimeout=10000&greetingTimeout=10000&socketTimeout=20000`);
  }
  async send(message: MailMessage): Promise<void> {
    await this.transport.sendMail({ from: this.from, to: message.to, subject: message.subject, text: message.text });
  }
  async check(): Promise<void> {
    await this.transport.verify();
  }
  async close(): Promise<void> {
    this.transport.close();
  }
}

/** Without SMTP, mail is kept as files in the outbox folder for an administrator to read. */
export class OutboxMailer implements Mailer {
  readonly kind = 'outbox' as const;
  constructor(private readonly dir: string) {}
  async send(message: MailMessage): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`;
    // A line break in a header would let text forge further headers.
    const header = (value: string) => value.replace(/[\r\n]+/g, ' ');
    const body = `To: ${header(message.to)}\nSubject: ${header(message.subject)}\n\n${message.text}\n`;
    await writeFile(join(this.dir, name), body, { mode: 0o600 });
  }
  async check(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
  }
}

export function createMailer(config: Pick<Config, 'mail'>): Mailer {
  return config.mail.smtpUrl ? new SmtpMailer(config.mail.smtpUrl, config.mail.from) : new OutboxMailer(config.mail.outboxDir);
}
