/**
 * The daily compliance reminders, run as a system actor: a policy's owner before its review is
 * due; people asked to acknowledge a policy who have not (a reminder after a week, then an
 * escalation when the deadline passes — to the compliance officers, since identity keeps no
 * supervisor); people whose agreement ends within 30 days (and the compliance officers); people
 * whose training is due within 14 days or overdue; lead attorneys with items of an access review
 * closing within 3 days. One mail per person per subject per cycle:
 * each is claimed in compliance_reminders before it is sent and given back if sending fails, so
 * a rerun sends nothing twice and misses nothing. Mails carry titles and days only. A failed
 * mail fails the run (the queue records it and retries) and raises a `compliance_failure` alert.
 */
import { raiseAlert } from '../../audit/index.js';
import { systemContext, type AppServices, type RequestContext } from '../../platform/context.js';
import { findAckRequests, findAcknowledgements, findAgreements, findCampaigns, findCompletions, findCourses, findPolicies, unsafeUndecidedByReviewer } from './compliance.repository.js';
import { activeStaff, complianceOfficers, DAY_MS, dayOf, type StaffMember } from './compliance.support.js';
import { agreementStatus } from './agreements.service.js';
import { TRAINING_NOTICE_DAYS, trainingStates } from './training.service.js';
import { askToAcknowledge, askToCertify } from './asks.js';
import { notifyOnce, type NotifyKey } from './mails.js';

export const POLICY_REVIEW_NOTICE_DAYS = 30;
export const ACK_REMINDER_AFTER_DAYS = 7;
export const REVIEW_REMINDER_DAYS = 3;

interface Outcome {
  sent: number;
  failed: number;
}

async function remindOnce(ctx: RequestContext, outcome: Outcome, key: NotifyKey, person: StaffMember, subject: string, lines: string[]): Promise<void> {
  const result = await notifyOnce(ctx, key, person, subject, lines);
  if (result === 'sent') outcome.sent += 1;
  else if (result === 'failed') outcome.failed += 1;
}

/** Sends every reminder due now; returns how many went out. Throws when any mail failed (after trying them all). */
export async function runComplianceReminders(services: AppServices): Promise<{ sent: number; failed: number }> {
  const ctx = systemContext(services, 'compliance.reminders');
  const now = services.clock.now();
  const outcome: Outcome = { sent: 0, failed: 0 };
  const staff = await activeStaff(ctx);
  const byId = new Map(staff.map((u) => [u.id, u]));
  const officers = await complianceOfficers(ctx);
  const link = (path: string) => `${services.config.publicUrl}${path}`;

  // Policies due for review: the owner, once per review cycle.
  const policies = (await findPolicies(ctx)).filter((p) => p.status === 'active' && p.current_version > 0);
  for (const p of policies) {
    const due = Number(p.next_review_at);
    const owner = byId.get(p.owner_user_id);
    if (owner && due - now <= POLICY_REVIEW_NOTICE_DAYS * DAY_MS) {
      await remindOnce(ctx, outcome, { kind: 'policy.review', subject_id: p.id, user_id: owner.id, cycle: String(due) }, owner, `Policy review ${due <= now ? 'overdue' : 'due'}: ${p.title}`, [`The policy "${p.title}" that you own is due for review on ${dayOf(due)}.`, 'Review it, then publish a new version or record that it was reviewed unchanged.', '', link('/compliance/policies')]);
    }
  }

  // Acknowledgements: a reminder a week after asking, an escalation past the deadline.
  const current = new Map(policies.map((p) => [p.id, p]));
  const campaigns = (await findCampaigns(ctx)).filter((c) => current.get(c.policy_id)?.current_version === c.version);
  const requests = await findAckRequests(ctx, campaigns.map((c) => c.id));
  for (const c of campaigns) {
    const policy = current.get(c.policy_id)!;
    const done = new Set((await findAcknowledgements(ctx, { policyId: c.policy_id, version: c.version })).map((a) => a.user_id));
    const pending = requests.filter((q) => q.campaign_id === c.id && !done.has(q.user_id)).map((q) => byId.get(q.user_id)).filter((u): u is StaffMember => u !== undefined);
    // The first request, where its mail could not be sent when the campaign started.
    for (const person of pending) {
      const ask = askToAcknowledge(services, { id: c.id, title: policy.title, version: c.version, dueAt: Number(c.due_at) });
      await remindOnce(ctx, outcome, ask.key(person.id), person, ask.subject, ask.lines);
    }
    if (now - Number(c.created_at) >= ACK_REMINDER_AFTER_DAYS * DAY_MS) {
      for (const person of pending) {
        await remindOnce(ctx, outcome, { kind: 'policy.ack', subject_id: c.id, user_id: person.id, cycle: 'reminder' }, person, `Reminder: please acknowledge ${policy.title}`, [`You have not yet acknowledged the policy "${policy.title}" (version ${c.version}). It is due by ${dayOf(Number(c.due_at))}.`, '', link('/compliance/my')]);
      }
    }
    if (now > Number(c.due_at) && pending.length > 0) {
      for (const person of pending) {
        // Identity keeps no supervisor: the escalation goes to the compliance officers.
        for (const officer of officers) {
          await remindOnce(ctx, outcome, { kind: 'policy.escalate', subject_id: c.id, user_id: officer.id, cycle: person.id }, officer, `Overdue acknowledgement: ${policy.title}`, [`${person.name} has not acknowledged the policy "${policy.title}" (version ${c.version}), due ${dayOf(Number(c.due_at))}.`, '', link(`/compliance/policies/${policy.id}`)]);
        }
      }
    }
  }

  // Agreements ending within 30 days (or ended): the person and the compliance officers, once per end date.
  const agreements = await findAgreements(ctx);
  const latestByPerson = new Map<string, (typeof agreements)[number]>();
  for (const a of agreements) {
    if (a.revoked_at !== null) continue;
    const known = latestByPerson.get(a.user_id);
    const end = (x: (typeof agreements)[number]) => (x.expires_at === null ? Number.MAX_SAFE_INTEGER : Number(x.expires_at));
    if (!known || end(a) > end(known)) latestByPerson.set(a.user_id, a);
  }
  for (const a of latestByPerson.values()) {
    const status = agreementStatus(a, now);
    const person = byId.get(a.user_id);
    if (!person || (status !== 'expiring' && status !== 'expired')) continue;
    const end = dayOf(Number(a.expires_at) - 1);
    const lines = [`The confidentiality agreement "${a.title}" of ${person.name} ${status === 'expired' ? 'ended' : 'ends'} on ${end}. Sign a renewal and record it in Confidant.`, '', link('/compliance/agreements')];
    await remindOnce(ctx, outcome, { kind: 'agreement.renew', subject_id: a.id, user_id: person.id, cycle: String(a.expires_at) }, person, 'Your confidentiality agreement needs renewing', lines);
    for (const officer of officers) await remindOnce(ctx, outcome, { kind: 'agreement.renew', subject_id: a.id, user_id: officer.id, cycle: String(a.expires_at) }, officer, `Confidentiality agreement ending: ${person.name}`, lines);
  }

  // Training due within 14 days, overdue or expired: the person, once per due date.
  const states = trainingStates(staff, await findCourses(ctx), await findCompletions(ctx, {}), now);
  for (const s of states) {
    if (s.dueAt === null || s.state === 'current') continue;
    if (s.state === 'due' && s.dueAt - now > TRAINING_NOTICE_DAYS * DAY_MS) continue;
    await remindOnce(ctx, outcome, { kind: 'training.due', subject_id: s.course.id, user_id: s.user.id, cycle: String(s.dueAt) }, s.user, `Training ${s.state === 'due' || s.state === 'expiring' ? 'due' : 'overdue'}: ${s.course.title}`, [`Your training "${s.course.title}" ${s.dueAt <= now ? 'was' : 'is'} due on ${dayOf(s.dueAt)}.`, '', link('/compliance/my')]);
  }

  // Access reviews: the first request where its mail failed; then, within 3 days of the deadline, one reminder.
  for (const row of await unsafeUndecidedByReviewer(ctx, Number.MAX_SAFE_INTEGER)) {
    const reviewer = byId.get(row.reviewer_user_id);
    if (!reviewer || Number(row.due_at) <= now) continue;
    const ask = askToCertify(services, { id: row.review_id, title: row.title, dueAt: Number(row.due_at) }, row.count);
    await remindOnce(ctx, outcome, ask.key(reviewer.id), reviewer, ask.subject, ask.lines);
    if (Number(row.due_at) - now > REVIEW_REMINDER_DAYS * DAY_MS) continue;
    await remindOnce(ctx, outcome, { kind: 'review.deadline', subject_id: row.review_id, user_id: reviewer.id, cycle: 'deadline' }, reviewer, `Access review closes ${dayOf(Number(row.due_at))}: ${row.count} item(s) to certify`, [`${row.count} item(s) of the access review "${row.title}" still wait for your decision. Anything not certified by ${dayOf(Number(row.due_at))} is revoked automatically.`, '', link('/compliance/my')]);
  }

  if (outcome.failed > 0) {
    await raiseAlert(services, { rule: 'compliance_failure', actorId: null, severity: 'warning', firstIndex: null, lastIndex: null, detail: { job: 'compliance_reminders', failures: outcome.failed, code: 'MAIL_FAILED' }, contain: false }).catch(() => undefined);
    throw new Error(`compliance reminders: ${outcome.failed} mail(s) could not be sent; the next run retries them`);
  }
  return outcome;
}
