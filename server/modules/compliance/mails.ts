/** The compliance module's mails: firm text only (policy and course titles, days, a link) — never client content. */
import type { AppServices } from '../../platform/context.js';

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
