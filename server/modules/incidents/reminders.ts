/**
 * The deadline reminders (hourly job): for every incident not yet notified, each clock due soon
 * (within a day, or a third of its span) is mailed to the compliance officers, and each overdue one
 * escalated to the firm administrators too. Once per incident, deadline and stage (claimed before
 * sending, released when the mail fails so the next run retries); the mail carries the incident
 * number, the deadline's label and its time — never the description or anything of a client.
 */
import { systemContext, type AppServices } from '../../platform/context.js';
import { userDirectory } from '../identity/index.js';
import { claimReminder, findIncidentRows, releaseReminder } from './incidents.repository.js';
import { clocksOf, loadRegimes } from './regimes.js';

const STOPPED = new Set(['notified', 'remediated', 'closed']);

export async function remindIncidentDeadlines(services: AppServices): Promise<{ sent: number; failed: number }> {
  const ctx = systemContext(services, 'incidents.reminders');
  const now = services.clock.now();
  const regimes = loadRegimes();
  const staff = (await userDirectory.unsafeListAllUsers(ctx)).filter((u) => u.status === 'active');
  const officers = staff.filter((u) => u.role === 'compliance_officer');
  const admins = staff.filter((u) => u.role === 'firm_admin');
  let sent = 0;
  let failed = 0;
  for (const incident of await findIncidentRows(ctx, { open: true })) {
    if (STOPPED.has(incident.status)) continue;
    for (const clock of clocksOf(regimes, JSON.parse(incident.regimes) as string[], incident.aware_at, now, false)) {
      if (clock.state !== 'due_soon' && clock.state !== 'overdue') continue;
      const stage = clock.state;
      const deadline = `${clock.regime}:${clock.key}`;
      if (!(await claimReminder(ctx, incident.id, deadline, stage, now))) continue;
      const to = stage === 'overdue' ? [...officers, ...admins] : officers;
      const when = new Date(clock.dueAt).toISOString().slice(0, 16).replace('T', ' ');
      const hours = Math.abs(Math.round(clock.remainingMs / 3_600_000));
      const subject = stage === 'overdue' ? `${incident.number}: a notification deadline has passed` : `${incident.number}: a notification deadline is near`;
      const line = stage === 'overdue' ? `${clock.label} was due ${when} UTC (${hours} h ago).` : `${clock.label} is due ${when} UTC (in ${hours} h).`;
      try {
        for (const person of to) await services.mailer.send({ to: person.email, subject: `[Confidant] ${subject}`, text: [`Hello ${person.name},`, '', line, clock.undueDelay ? 'The law asks for it without undue delay: this time is a prompt, not a cut-off.' : '', 'Open the incident in Confidant (Incidents) to record the notification.', ''].join('\n') });
        sent += 1;
      } catch (error) {
        await releaseReminder(ctx, incident.id, deadline, stage);
        services.logger.error({ err: error instanceof Error ? error.message.slice(0, 200) : 'unknown', incident: incident.number }, 'incident deadline reminder failed; the next run retries');
        failed += 1;
      }
    }
  }
  if (failed > 0) throw new Error(`${failed} incident deadline reminder(s) could not be sent; the next run retries`);
  return { sent, failed };
}
