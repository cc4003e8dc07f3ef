/** The first mails of a campaign (policy acknowledgement, access review): the same text when the campaign starts and when the daily job retries one that failed. */
import type { AppServices } from '../../platform/context.js';
import { dayOf } from './compliance.support.js';
import type { NotifyKey } from './mails.js';

export interface Ask {
  key: (userId: string) => NotifyKey;
  subject: string;
  lines: string[];
}

export function askToAcknowledge(app: AppServices, campaign: { id: string; title: string; version: number; dueAt: number }): Ask {
  return {
    key: (userId) => ({ kind: 'policy.ask', subject_id: campaign.id, user_id: userId, cycle: 'ask' }),
    subject: `Please read and acknowledge: ${campaign.title}`,
    lines: [`The firm asks you to read and acknowledge the policy "${campaign.title}" (version ${campaign.version}) by ${dayOf(campaign.dueAt)}.`, '', `Open it in Confidant: ${app.config.publicUrl}/compliance/my`],
  };
}

export function askToCertify(app: AppServices, review: { id: string; title: string; dueAt: number }, count: number): Ask {
  const due = dayOf(review.dueAt);
  return {
    key: (userId) => ({ kind: 'review.ask', subject_id: review.id, user_id: userId, cycle: 'ask' }),
    subject: `Access review: ${count} item(s) to certify by ${due}`,
    lines: [`The access review "${review.title}" asks you to certify who still needs access to the matters you lead: ${count} item(s), by ${due}. Anything not certified by then is revoked automatically.`, '', `${app.config.publicUrl}/compliance/my`],
  };
}
