/**
 * Policies: versioned firm documents (Markdown text or a PDF) with an owner and a review cycle
 * (annual by default), acknowledgement campaigns to roles or named people, and each person's own
 * acknowledgements. Managed by the compliance officer and the firm administrator
 * (compliance.manage); every staff member reads the current versions and acknowledges for
 * themselves (compliance.self). No client data.
 */
import { auditedRefusal, bumpPolicyVersion, requireAccess } from '../../access/index.js';
import { recordEvent } from '../../audit/index.js';
import type { FirmRole } from '../../../common/roles.js';
import { inTransaction, type RequestContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import {
  findAckRequests,
  findAcknowledgements,
  findCampaigns,
  findPolicies,
  findPolicy,
  findVersion,
  findVersionSummaries,
  insertAcknowledgement,
  insertCampaign,
  insertPolicy,
  insertVersion,
  updatePolicy,
} from './compliance.repository.js';
import { activeStaff, actorIdOf, checkPeople, DAY_MS, dayOf, decodePdf, fieldError, FIRM, labelsFor, parseDay, parseRoles, personOf, sha256Hex } from './compliance.support.js';
import type { ComplianceAckCampaignsTable, CompliancePoliciesTable, PolicyFormat } from './compliance.tables.js';
import { askToAcknowledge } from './asks.js';
import { notifyOnce } from './mails.js';

export const DEFAULT_REVIEW_CYCLE_DAYS = 365;

export type PolicyContentInput = { format: 'markdown'; text: string } | { format: 'pdf'; pdfBase64: string };

export interface PolicyInput {
  title: string;
  ownerUserId: string;
  required?: boolean;
  reviewCycleDays?: number;
  content: PolicyContentInput;
  changeNote?: string | null;
}

export interface PolicyView {
  id: string;
  title: string;
  owner: { id: string; name: string };
  required: boolean;
  reviewCycleDays: number;
  currentVersion: number;
  nextReviewDue: string | null;
  reviewOverdue: boolean;
  status: 'active' | 'retired';
  /** People asked to acknowledge the current version, and how many did. */
  asked: number;
  acknowledged: number;
  updatedAt: number;
}

export interface PolicyVersionView {
  version: number;
  format: PolicyFormat;
  sha256: string;
  changeNote: string | null;
  publishedBy: { id: string; name: string };
  publishedAt: number;
}

export interface CampaignView {
  id: string;
  version: number;
  roles: FirmRole[];
  due: string | null;
  createdAt: number;
  asked: number;
  acknowledged: number;
  /** Who has not yet acknowledged (names only). */
  pending: { id: string; name: string }[];
}

export interface PolicyDetailView extends PolicyView {
  versions: PolicyVersionView[];
  campaigns: CampaignView[];
}

export interface MyPolicyView {
  id: string;
  title: string;
  required: boolean;
  currentVersion: number;
  format: PolicyFormat;
  acknowledgedAt: number | null;
  /** The earliest deadline of a campaign asking me, if any. */
  due: string | null;
}

function checkContent(content: PolicyContentInput): { format: PolicyFormat; body_text: string | null; pdf_base64: string | null; sha256: string } {
  if (content.format === 'markdown') {
    if (content.text.trim() === '') throw fieldError('body.content.text', 'must not be blank');
    return { format: 'markdown', body_text: content.text, pdf_base64: null, sha256: sha256Hex(content.text) };
  }
  const pdf = decodePdf(content.pdfBase64, 'body.content.pdfBase64');
  return { format: 'pdf', body_text: null, pdf_base64: pdf.base64, sha256: sha256Hex(pdf.bytes) };
}

async function views(ctx: RequestContext, rows: CompliancePoliciesTable[]): Promise<PolicyView[]> {
  const labels = await labelsFor(ctx, rows.map((r) => r.owner_user_id));
  const campaigns = await findCampaigns(ctx);
  const requests = await findAckRequests(ctx, campaigns.map((c) => c.id));
  const now = ctx.app.clock.now();
  const out: PolicyView[] = [];
  for (const r of rows) {
    const current = campaigns.filter((c) => c.policy_id === r.id && c.version === r.current_version).map((c) => c.id);
    const askedIds = new Set(requests.filter((q) => current.includes(q.campaign_id)).map((q) => q.user_id));
    const acks = r.current_version > 0 ? await findAcknowledgements(ctx, { policyId: r.id, version: r.current_version }) : [];
    out.push({
      id: r.id,
      title: r.title,
      owner: personOf(labels, r.owner_user_id),
      required: r.required === 1,
      reviewCycleDays: r.review_cycle_days,
      currentVersion: r.current_version,
      nextReviewDue: r.current_version > 0 ? dayOf(Number(r.next_review_at)) : null,
      reviewOverdue: r.status === 'active' && r.current_version > 0 && Number(r.next_review_at) <= now,
      status: r.status,
      asked: askedIds.size,
      acknowledged: acks.filter((a) => askedIds.has(a.user_id)).length,
      updatedAt: Number(r.updated_at),
    });
  }
  return out;
}

async function policyOrNotFound(ctx: RequestContext, id: string): Promise<CompliancePoliciesTable> {
  const row = await findPolicy(ctx, id);
  if (!row) throw new AppError('NOT_FOUND', 'No such policy');
  return row;
}

/** Every policy with its review and acknowledgement status (compliance.manage). Throws ACCESS_DENIED. */
export async function findCompliancePolicies(ctx: RequestContext): Promise<PolicyView[]> {
  await requireAccess(ctx, 'compliance.manage', FIRM);
  return views(ctx, await findPolicies(ctx));
}

/** One policy with its versions and campaigns (compliance.manage). Throws ACCESS_DENIED, NOT_FOUND. */
export async function getPolicyById(ctx: RequestContext, id: string): Promise<PolicyDetailView> {
  await requireAccess(ctx, 'compliance.manage', FIRM);
  const row = await policyOrNotFound(ctx, id);
  const [view] = await views(ctx, [row]);
  const versions = await findVersionSummaries(ctx, id);
  const campaigns = await findCampaigns(ctx, id);
  const requests = await findAckRequests(ctx, campaigns.map((c) => c.id));
  const acks = await findAcknowledgements(ctx, { policyId: id });
  const labels = await labelsFor(ctx, [...versions.map((v) => v.published_by), ...requests.map((q) => q.user_id)]);
  return {
    ...view!,
    versions: versions.map((v) => ({ version: v.version, format: v.format, sha256: v.sha256, changeNote: v.change_note, publishedBy: personOf(labels, v.published_by), publishedAt: Number(v.published_at) })),
    campaigns: campaigns.map((c) => {
      const asked = requests.filter((q) => q.campaign_id === c.id).map((q) => q.user_id);
      const done = new Set(acks.filter((a) => a.version === c.version).map((a) => a.user_id));
      return {
        id: c.id,
        version: c.version,
        roles: parseRoles(c.roles),
        due: dayOf(Number(c.due_at)),
        createdAt: Number(c.created_at),
        asked: asked.length,
        acknowledged: asked.filter((u) => done.has(u)).length,
        pending: asked.filter((u) => !done.has(u)).map((u) => personOf(labels, u)),
      };
    }),
  };
}

/** Creates a policy with its first version. Throws ACCESS_DENIED, VALIDATION_FAILED (body.ownerUserId, body.content.*). */
export async function createPolicy(ctx: RequestContext, input: PolicyInput): Promise<PolicyDetailView> {
  const id = await inTransaction(ctx, async (tx) => {
    await requireAccess(tx, 'compliance.manage', FIRM);
    const title = input.title.trim();
    if (title === '') throw fieldError('body.title', 'must not be blank');
    await checkPeople(tx, [input.ownerUserId], 'body.ownerUserId');
    const content = checkContent(input.content);
    const now = tx.app.clock.now();
    const cycle = input.reviewCycleDays ?? DEFAULT_REVIEW_CYCLE_DAYS;
    const row: CompliancePoliciesTable = { id: newId(now), title, owner_user_id: input.ownerUserId, required: input.required ? 1 : 0, review_cycle_days: cycle, current_version: 1, next_review_at: now + cycle * DAY_MS, status: 'active', created_by: actorIdOf(tx), created_at: now, updated_at: now };
    if (row.required === 1) await bumpPolicyVersion(tx);
    await insertPolicy(tx, row);
    await insertVersion(tx, { id: newId(now), policy_id: row.id, version: 1, ...content, change_note: input.changeNote?.trim() || null, published_by: actorIdOf(tx), published_at: now });
    await recordEvent(tx, { action: 'compliance.policy.create', outcome: 'allowed', resources: { other: { type: 'policy', id: row.id } } });
    return row.id;
  });
  return getPolicyById(ctx, id);
}

/**
 * Publishes a new version: it becomes current (a required policy's gate then asks everyone for
 * it), and the next review is due a cycle from now. Throws ACCESS_DENIED, NOT_FOUND, VALIDATION_FAILED.
 */
export async function publishPolicyVersion(ctx: RequestContext, id: string, input: { content: PolicyContentInput; changeNote?: string | null }): Promise<PolicyDetailView> {
  await inTransaction(ctx, async (tx) => {
    await requireAccess(tx, 'compliance.manage', FIRM);
    const row = await policyOrNotFound(tx, id);
    const content = checkContent(input.content);
    const now = tx.app.clock.now();
    const version = row.current_version + 1;
    if (row.required === 1) await bumpPolicyVersion(tx);
    await insertVersion(tx, { id: newId(now), policy_id: id, version, ...content, change_note: input.changeNote?.trim() || null, published_by: actorIdOf(tx), published_at: now });
    await updatePolicy(tx, id, { current_version: version, next_review_at: now + row.review_cycle_days * DAY_MS, updated_at: now });
    await recordEvent(tx, { action: 'compliance.policy.publish', outcome: 'allowed', reason: `V${version}`, resources: { other: { type: 'policy', id } } });
  });
  return getPolicyById(ctx, id);
}

/** Changes title, owner, required, review cycle or status. Throws ACCESS_DENIED, NOT_FOUND, VALIDATION_FAILED. */
export async function changePolicy(ctx: RequestContext, id: string, patch: { title?: string; ownerUserId?: string; required?: boolean; reviewCycleDays?: number; status?: 'active' | 'retired' }): Promise<PolicyDetailView> {
  await inTransaction(ctx, async (tx) => {
    await requireAccess(tx, 'compliance.manage', FIRM);
    const row = await policyOrNotFound(tx, id);
    const now = tx.app.clock.now();
    const next: Partial<CompliancePoliciesTable> = { updated_at: now };
    if (patch.title !== undefined) {
      if (patch.title.trim() === '') throw fieldError('body.title', 'must not be blank');
      next.title = patch.title.trim();
    }
    if (patch.ownerUserId !== undefined) {
      await checkPeople(tx, [patch.ownerUserId], 'body.ownerUserId');
      next.owner_user_id = patch.ownerUserId;
    }
    if (patch.required !== undefined) next.required = patch.required ? 1 : 0;
    if (patch.status !== undefined) next.status = patch.status;
    if (patch.reviewCycleDays !== undefined) {
      next.review_cycle_days = patch.reviewCycleDays;
      const lastPublished = Number(row.next_review_at) - row.review_cycle_days * DAY_MS;
      next.next_review_at = lastPublished + patch.reviewCycleDays * DAY_MS;
    }
    // Required and status decide the policy gate: its cached facts must refresh.
    if (patch.required !== undefined || patch.status !== undefined) await bumpPolicyVersion(tx);
    await updatePolicy(tx, id, next);
    await recordEvent(tx, { action: 'compliance.policy.update', outcome: 'allowed', resources: { other: { type: 'policy', id } } });
  });
  return getPolicyById(ctx, id);
}

/** Records that the owner reviewed the policy without changing it: the next review is a cycle from now. Throws ACCESS_DENIED, NOT_FOUND. */
export async function markPolicyReviewed(ctx: RequestContext, id: string): Promise<PolicyDetailView> {
  await inTransaction(ctx, async (tx) => {
    await requireAccess(tx, 'compliance.manage', FIRM);
    const row = await policyOrNotFound(tx, id);
    const now = tx.app.clock.now();
    await updatePolicy(tx, id, { next_review_at: now + row.review_cycle_days * DAY_MS, updated_at: now });
    await recordEvent(tx, { action: 'compliance.policy.review', outcome: 'allowed', resources: { other: { type: 'policy', id } } });
  });
  return getPolicyById(ctx, id);
}

/** The text (or PDF) of a version; every staff member may read a firm policy (compliance.self). Throws ACCESS_DENIED, NOT_FOUND. */
export async function getPolicyContent(ctx: RequestContext, id: string, version?: number): Promise<{ title: string; version: number; format: PolicyFormat; text: string | null; pdf: Buffer | null; sha256: string }> {
  await requireAccess(ctx, 'compliance.self', FIRM);
  const row = await policyOrNotFound(ctx, id);
  const wanted = version ?? row.current_version;
  const found = await findVersion(ctx, id, wanted);
  if (!found) throw new AppError('NOT_FOUND', 'No such version');
  await recordEvent(ctx, { action: 'compliance.policy.read', outcome: 'allowed', reason: `V${wanted}`, resources: { other: { type: 'policy', id } } });
  return { title: row.title, version: wanted, format: found.format, text: found.body_text, pdf: found.pdf_base64 === null ? null : Buffer.from(found.pdf_base64, 'base64'), sha256: found.sha256 };
}

/**
 * Asks people to acknowledge the current version: everyone active in `roles`, and the named
 * people. Each is mailed (the policy's title and a link; no client content). Throws
 * ACCESS_DENIED, NOT_FOUND, VALIDATION_FAILED (body.roles, body.userIds, body.dueDate).
 */
export async function createAckCampaign(ctx: RequestContext, policyId: string, input: { roles?: FirmRole[]; userIds?: string[]; dueDate: string }): Promise<CampaignView> {
  const result = await inTransaction(ctx, async (tx) => {
    await requireAccess(tx, 'compliance.manage', FIRM);
    const policy = await policyOrNotFound(tx, policyId);
    if (policy.status !== 'active') throw fieldError('params.id', 'is a retired policy');
    const roles = [...new Set(input.roles ?? [])];
    const named = [...new Set(input.userIds ?? [])];
    if (roles.length === 0 && named.length === 0) throw fieldError('body.roles', 'must name at least one role, or name people in userIds');
    if (named.length > 0) await checkPeople(tx, named, 'body.userIds');
    const now = tx.app.clock.now();
    const due = parseDay(input.dueDate, 'body.dueDate');
    if (due <= now - DAY_MS) throw fieldError('body.dueDate', 'must be today or later');
    const staff = await activeStaff(tx);
    const people = staff.filter((u) => roles.includes(u.role) || named.includes(u.id));
    const row: ComplianceAckCampaignsTable = { id: newId(now), policy_id: policyId, version: policy.current_version, roles: JSON.stringify(roles), due_at: due + DAY_MS - 1, created_by: actorIdOf(tx), created_at: now };
    await insertCampaign(tx, row, people.map((p) => ({ campaign_id: row.id, user_id: p.id, requested_at: now })));
    await recordEvent(tx, { action: 'compliance.campaign.create', outcome: 'allowed', resources: { other: { type: 'policy', id: policyId } } });
    return { row, people, title: policy.title };
  });
  // Each mail once; one that fails is sent by the daily job.
  const ask = askToAcknowledge(ctx.app, { id: result.row.id, title: result.title, version: result.row.version, dueAt: Number(result.row.due_at) });
  for (const person of result.people) await notifyOnce(ctx, ask.key(person.id), person, ask.subject, ask.lines);
  const detail = await getPolicyById(ctx, policyId);
  return detail.campaigns.find((c) => c.id === result.row.id)!;
}

/**
 * Acknowledges the current version of a policy for the signed-in person. Acknowledging for anyone
 * else is refused and audited (`userId` naming another person). Throws ACCESS_DENIED, NOT_FOUND,
 * POLICY_VERSION_STALE.
 */
export async function acknowledgePolicy(ctx: RequestContext, policyId: string, input: { version: number; userId?: string }): Promise<MyPolicyView> {
  await inTransaction(ctx, async (tx) => {
    await requireAccess(tx, 'compliance.self', FIRM);
    const self = tx.actor.kind === 'user' ? tx.actor.userId : null;
    if (self === null || (input.userId !== undefined && input.userId !== self)) {
      throw await auditedRefusal(tx, new AppError('ACCESS_DENIED', 'You can acknowledge a policy only for yourself'), { action: 'compliance.policy.acknowledge', reason: 'NOT_SELF', resources: { ...(input.userId ? { userId: input.userId } : {}), other: { type: 'policy', id: policyId } } });
    }
    const policy = await policyOrNotFound(tx, policyId);
    if (policy.status !== 'active' || policy.current_version === 0) throw new AppError('NOT_FOUND', 'No such policy');
    if (input.version !== policy.current_version) throw new AppError('POLICY_VERSION_STALE', `Version ${input.version} is not the current version (${policy.current_version})`, [{ path: 'body.version', message: `must be the current version, ${policy.current_version}` }]);
    if (policy.required === 1) await bumpPolicyVersion(tx);
    const inserted = await insertAcknowledgement(tx, { policy_id: policyId, version: policy.current_version, user_id: self, acknowledged_at: tx.app.clock.now() });
    if (inserted) await recordEvent(tx, { action: 'compliance.policy.acknowledge', outcome: 'allowed', reason: `V${policy.current_version}`, resources: { userId: self, other: { type: 'policy', id: policyId } } });
  });
  return (await myPolicies(ctx)).find((p) => p.id === policyId)!;
}

/** The active policies with their current versions and whether I acknowledged them (compliance.self). */
export async function myPolicies(ctx: RequestContext): Promise<MyPolicyView[]> {
  await requireAccess(ctx, 'compliance.self', FIRM);
  const self = ctx.actor.kind === 'user' ? ctx.actor.userId : '';
  const policies = (await findPolicies(ctx)).filter((p) => p.status === 'active' && p.current_version > 0);
  const acks = await findAcknowledgements(ctx, { userId: self });
  const campaigns = await findCampaigns(ctx);
  const asked = new Set((await findAckRequests(ctx, campaigns.map((c) => c.id))).filter((q) => q.user_id === self).map((q) => q.campaign_id));
  const out: MyPolicyView[] = [];
  for (const p of policies) {
    const version = await findVersionSummaries(ctx, p.id);
    const ack = acks.find((a) => a.policy_id === p.id && a.version === p.current_version);
    const dues = campaigns.filter((c) => c.policy_id === p.id && c.version === p.current_version && asked.has(c.id)).map((c) => Number(c.due_at));
    out.push({ id: p.id, title: p.title, required: p.required === 1, currentVersion: p.current_version, format: version[0]?.format ?? 'markdown', acknowledgedAt: ack ? Number(ack.acknowledged_at) : null, due: dues.length ? dayOf(Math.min(...dues)) : null });
  }
  return out;
}
