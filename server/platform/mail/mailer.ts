/** Outgoing mail: SMTP when configured, otherwise the outbox folder shown to administrators. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  readonly kind: 'smtp' | 'outbox';
  send(message: MailMessage): Promise<void>;
  check(): Promise<void>;
  close?(): Promise<void>;
}
