/** The compliance module's mails: firm text only (policy and course titles, days, a link) — never client content. */
import { recordEvent } from '../../audit/index.js';
import type { AppServices, RequestContext } from '../../platform/context.js';
import { claimReminder, releaseReminder } from './compliance.repository.js';

/** Sends one mail; false (logged, without the address or text) when it could not be sent, so a job can retry it. */
export async function mailPerson(app: AppServices, person: { name: string; email: string }, subject: string, lines: string[]): Promise<boolean> {
  try {
    await app.mailer.send({ to: person.email, subject: `[Confidant] ${subject}`, text: [`Hello ${person.name},`, '', ...lines, ''].join('\n') });
    return true;
  } catch (error) {
    app.logger.error({ err: error instanceof Error ? error.message.slice(0, 200) : 'unknown' }, 'compliance mail failed; the reminder job retries');
    return false;
  }
}

export interface NotifyKey {
  kind: string;
  subject_id: string;
  user_id: string;
  cycle: string;
}

/**
 * Sends a mail at most once per (kind, subject, person, cycle): claimed in compliance_reminders
 * before sending, given back when sending fails so the daily job sends it later. 'skipped' when
 * it was already sent.
 */
export async function notifyOnce(ctx: RequestContext, key: NotifyKey, person: { id: string; name: string; email: string }, subject: string, lines: string[]): Promise<'sent' | 'skipped' | 'failed'> {
  const root: RequestContext = { ...ctx, db: ctx.app.database.db };
  if (!(await claimReminder(root, { ...key, sent_at: ctx.app.clock.now() }))) return 'skipped';
  if (await mailPerson(ctx.app, person, subject, lines)) {
    await recordEvent(root, { action: 'compliance.remind', outcome: 'allowed', reason: key.kind, resources: { userId: person.id, other: { type: 'reminder', id: key.subject_id } } });
    return 'sent';
  }
  await releaseReminder(root, key);
  return 'failed';
}
