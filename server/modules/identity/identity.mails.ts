/**
 * The mail identity sends: invitations, password-reset links, the notice that a second factor was
 * reset. Links carry their token in the URL fragment (never sent to a server or proxy log). Plain
 * text only; no client data ever.
 */
import type { MailMessage } from '../../platform/mail/mailer.js';
import { OutboxMailer } from '../../platform/mail/create-mailer.js';
import type { RequestContext } from '../../platform/context.js';

export function invitationMail(ctx: RequestContext, to: { email: string; name: string }, token: string, days: number): MailMessage {
  const link = `${ctx.app.config.publicUrl}/invite#${token}`;
  return {
    to: to.email,
    subject: 'Your Confidant account',
    text: `Hello ${to.name},\n\nAn account was created for you in Confidant. Choose your password within ${days} days:\n\n${link}\n\nIf you did not expect this, ignore this message.`,
  };
}

/** A client contact's invitation to the firm's portal: no client data, just the link. */
export function portalInvitationMail(ctx: RequestContext, to: { email: string; name: string }, token: string, days: number): MailMessage {
  const link = `${ctx.app.config.publicUrl}/portal/welcome#${token}`;
  return {
    to: to.email,
    subject: 'Your secure client portal',
    text: `Hello ${to.name},\n\nYour lawyers invited you to their secure client portal in Confidant, where you exchange messages and files with them and see who handled your data. Set up your access within ${days} days:\n\n${link}\n\nIf you did not expect this, ignore this message.`,
  };
}

export function passwordResetMail(ctx: RequestContext, to: { email: string; name: string }, token: string, minutes: number): MailMessage {
  const link = `${ctx.app.config.publicUrl}/reset-password#${token}`;
  return {
    to: to.email,
    subject: 'Reset your Confidant password',
    text:
      `Hello ${to.name},\n\nSomeone (we hope you) asked to reset your Confidant password. The link works once, for ${minutes} minutes:\n\n${link}\n\n` +
      'You will also need your second factor (authenticator app, passkey or a recovery code). Setting the new password signs you out everywhere else.\n\n' +
      'If you did not ask for this, ignore this message: your password stays as it is.',
  };
}

export function mfaResetMail(to: { email: string; name: string }): MailMessage {
  return {
    to: to.email,
    subject: 'Your Confidant second factor was reset',
    text:
      `Hello ${to.name},\n\nAn administrator reset your second factor, with a second person's approval. Your sessions were ended.\n\n` +
      'Sign in with your password and set up a new authenticator app or passkey. If you did not ask for this, tell your administrator at once.',
  };
}

/**
 * Sends through the configured mailer; when that fails the message goes to the outbox folder
 * the administrator can read, so a mail server that is down never loses a link. Returns where it went.
 */
export async function deliverMail(ctx: RequestContext, message: MailMessage, what: string): Promise<'smtp' | 'outbox'> {
  try {
    await ctx.app.mailer.send(message);
    return ctx.app.mailer.kind;
  } catch (error) {
    ctx.app.logger.error({ err: { type: error instanceof Error ? error.name : 'unknown' }, mail: what }, 'mail failed; kept in the outbox');
    await new OutboxMailer(ctx.app.config.mail.outboxDir).send(message);
    return 'outbox';
  }
}
