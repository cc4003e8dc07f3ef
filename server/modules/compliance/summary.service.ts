/**
 * Counts a posture dashboard reads (compliance.manage: the compliance officer and the firm
 * administrator). Counts only — no names, no client data.
 */
import { requireAccess } from '../../access/index.js';
import type { RequestContext } from '../../platform/context.js';
import { findAckRequests, findAcknowledgements, findAgreements, findCampaigns, findCompletions, findCourses, findPolicies, findReviews, unsafeCountReviewItems } from './compliance.repository.js';
import { activeStaff, FIRM } from './compliance.support.js';
import { agreementStatus } from './agreements.service.js';
import { trainingStates } from './training.service.js';

export interface AgreementCounts {
  /** Active staff with no current agreement (none on file, or all expired or withdrawn). */
  withoutCurrent: number;
  /** Of those, people whose latest agreement expired. */
  expired: number;
  /** People whose agreement ends within 30 days. */
  expiring: number;
  staff: number;
}

/** Expired and missing confidentiality agreements. Throws ACCESS_DENIED. */
export async function countAgreementStatus(ctx: RequestContext): Promise<AgreementCounts> {
  await requireAccess(ctx, 'compliance.manage', FIRM);
  const now = ctx.app.clock.now();
  const staff = await activeStaff(ctx);
  const agreements = await findAgreements(ctx);
  let withoutCurrent = 0;
  let expired = 0;
  let expiring = 0;
  for (const person of staff) {
    const states = agreements.filter((a) => a.user_id === person.id).map((a) => agreementStatus(a, now));
    if (states.includes('current')) continue;
    if (states.includes('expiring')) expiring += 1;
    else {
      withoutCurrent += 1;
      if (states.includes('expired')) expired += 1;
    }
  }
  return { withoutCurrent, expired, expiring, staff: staff.length };
}

export interface TrainingCounts {
  overdue: number;
  expired: number;
  dueSoon: number;
  current: number;
  /** People with at least one overdue or expired course. */
  peopleBehind: number;
}

/** Overdue and expired training (person × course). Throws ACCESS_DENIED. */
export async function countTrainingStatus(ctx: RequestContext): Promise<TrainingCounts> {
  await requireAccess(ctx, 'compliance.manage', FIRM);
  const states = trainingStates(await activeStaff(ctx), await findCourses(ctx), await findCompletions(ctx, {}), ctx.app.clock.now());
  const behind = new Set(states.filter((s) => s.state === 'overdue' || s.state === 'expired').map((s) => s.user.id));
  return {
    overdue: states.filter((s) => s.state === 'overdue').length,
    expired: states.filter((s) => s.state === 'expired').length,
    dueSoon: states.filter((s) => s.state === 'due' || s.state === 'expiring').length,
    current: states.filter((s) => s.state === 'current').length,
    peopleBehind: behind.size,
  };
}

export interface PolicyCounts {
  /** Active required policies with a published version. */
  required: number;
  /** Active staff missing the acknowledgement of at least one required policy's current version. */
  peopleMissing: number;
  /** Acknowledgements asked by campaigns of current versions and not given. */
  pendingAcknowledgements: number;
  reviewsOverdue: number;
}

/** Unacknowledged policies and overdue reviews. Throws ACCESS_DENIED. */
export async function countPolicyStatus(ctx: RequestContext): Promise<PolicyCounts> {
  await requireAccess(ctx, 'compliance.manage', FIRM);
  const now = ctx.app.clock.now();
  const policies = (await findPolicies(ctx)).filter((p) => p.status === 'active' && p.current_version > 0);
  const required = policies.filter((p) => p.required === 1);
  const staff = await activeStaff(ctx);
  const acked = new Set<string>();
  for (const p of policies) for (const a of await findAcknowledgements(ctx, { policyId: p.id, version: p.current_version })) acked.add(`${p.id}:${a.user_id}`);
  const peopleMissing = staff.filter((u) => required.some((p) => !acked.has(`${p.id}:${u.id}`))).length;
  const current = new Map(policies.map((p) => [p.id, p.current_version]));
  const campaigns = (await findCampaigns(ctx)).filter((c) => current.get(c.policy_id) === c.version);
  const requests = await findAckRequests(ctx, campaigns.map((c) => c.id));
  const policyOf = new Map(campaigns.map((c) => [c.id, c.policy_id]));
  const pending = new Set(requests.filter((q) => !acked.has(`${policyOf.get(q.campaign_id)}:${q.user_id}`)).map((q) => `${policyOf.get(q.campaign_id)}:${q.user_id}`));
  return { required: required.length, peopleMissing, pendingAcknowledgements: pending.size, reviewsOverdue: policies.filter((p) => Number(p.next_review_at) <= now).length };
}

export interface AccessReviewCounts {
  openCampaigns: number;
  /** Items of open campaigns not yet certified. */
  undecided: number;
  /** Of those, past their campaign's deadline (the deadline job revokes them). */
  overdue: number;
  /** Days since the last campaign was opened (null: never). */
  daysSinceLastCampaign: number | null;
}

/** Overdue access reviews. Throws ACCESS_DENIED. */
export async function countAccessReviewStatus(ctx: RequestContext): Promise<AccessReviewCounts> {
  await requireAccess(ctx, 'compliance.manage', FIRM);
  const now = ctx.app.clock.now();
  const reviews = await findReviews(ctx);
  const counts = await unsafeCountReviewItems(ctx, now);
  const last = reviews[0];
  return { openCampaigns: reviews.filter((r) => r.status === 'open').length, ...counts, daysSinceLastCampaign: last ? Math.floor((now - Number(last.created_at)) / 86_400_000) : null };
}

/** All four counts at once (what `GET /compliance/summary` answers). Throws ACCESS_DENIED. */
export async function complianceSummary(ctx: RequestContext): Promise<{ agreements: AgreementCounts; training: TrainingCounts; policies: PolicyCounts; accessReviews: AccessReviewCounts }> {
  return { agreements: await countAgreementStatus(ctx), training: await countTrainingStatus(ctx), policies: await countPolicyStatus(ctx), accessReviews: await countAccessReviewStatus(ctx) };
}
