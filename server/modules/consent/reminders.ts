/**
 * The daily reminder: each lead attorney of a client whose consent ends within the next 30 days
 * is told (by mail, with ids and the end date only — no names, no purposes). Runs as a system
 * actor, audited like anyone (the consent list read, each matter read).
 */
import type { MatterId } from '../../../common/ids.js';
import { systemContext, type AppServices } from '../../platform/context.js';
import { userDirectory } from '../identity/index.js';
import { AppError } from '../../platform/errors.js';
import { findMatters, getMatterById } from '../vault/index.js';
import { findExpiringConsents } from './consents.service.js';

export const JOB_CONSENT_REMINDERS = 'consent.reminders';
export const REMINDER_DAYS = 30;

/** Mails each lead attorney the consents about to end on their clients; returns how many mails went out. */
export async function remindExpiringConsents(services: AppServices): Promise<number> {
  const ctx = systemContext(services, 'consent.reminders');
  const consents = await findExpiringConsents(ctx, REMINDER_DAYS);
  const byLead = new Map<string, string[]>();
  for (const consent of consents) {
    const leads = new Set<string>();
    if (consent.matterScope === 'listed') {
      for (const matter of consent.matters) {
        // A matter destroyed under retention (410) has no lead to remind: the others still are.
        const found = await getMatterById(ctx, matter.id as MatterId).catch((error: unknown) => {
          if (error instanceof AppError && (error.code === 'KEY_DESTROYED' || error.code === 'ACCESS_DENIED')) return null;
          throw error;
        });
        if (found) leads.add(found.leadUserId);
      }
    } else {
      for (const matter of (await findMatters(ctx, { limit: 200, after: null }, { clientId: consent.clientId })).items) leads.add(matter.leadUserId);
    }
    const line = `Consent ${consent.id} (client ${consent.clientId}) ends on ${new Date(consent.validUntil ?? 0).toISOString().slice(0, 10)}.`;
    for (const lead of leads) byLead.set(lead, [...(byLead.get(lead) ?? []), line]);
  }
  const people = await userDirectory.getUsers(ctx, [...byLead.keys()]);
  let sent = 0;
  for (const person of people) {
    if (person.status !== 'active') continue;
    await services.mailer.send({ to: person.email, subject: '[Confidant] Client consents ending soon', text: [...(byLead.get(person.id) ?? []), '', 'Renew them with the client, or stop relying on them. See Confidant: Consents.'].join('\n') });
    sent += 1;
  }
  return sent;
}
