/**
 * Kysely on the compliance module's own tables only. Policies, agreements and training are firm
 * records about staff (no client rows). Access review items name matters and clients: one item is
 * read with the `Authorized` value of that item (access resolved its matter); the deadline job and
 * the gate's facts are system work, named `unsafe…` with the reason.
 */
import type { Authorized, FirmTarget, ObjectTarget } from '../../access/index.js';
import type { MatterId } from '../../../common/ids.js';
import type { RequestContext } from '../../platform/context.js';
import { tablesOf } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';
import type {
  ComplianceAccessReviewsTable,
  ComplianceAckCampaignsTable,
  ComplianceAckRequestsTable,
  ComplianceAcknowledgementsTable,
  ComplianceAgreementsTable,
  ComplianceCompletionsTable,
  ComplianceCoursesTable,
  CompliancePoliciesTable,
  CompliancePolicyVersionsTable,
  ComplianceRemindersTable,
  ComplianceReviewItemsTable,
  ComplianceTables,
} from './compliance.tables.js';

const db = (ctx: RequestContext) => tablesOf<ComplianceTables>(ctx.db);

export type FirmAuth = Authorized<FirmTarget>;
export type ObjectAuth = Authorized<ObjectTarget>;
export const REVIEW_ITEM = 'access_review_item';

/** Access resolves a review item to its matter (the lead attorney of that matter certifies it). */
export const PARENT_RESOLVERS = {
  [REVIEW_ITEM]: async (ctx: RequestContext, id: string): Promise<{ matterId: MatterId } | null> => {
    const row = await db(ctx).selectFrom('compliance_review_items').select('matter_id').where('id', '=', id).executeTakeFirst();
    return row ? { matterId: row.matter_id as MatterId } : null;
  },
};

// ── policies ──

export async function insertPolicy(ctx: RequestContext, row: CompliancePoliciesTable): Promise<void> {
  await db(ctx).insertInto('compliance_policies').values(row).execute();
}

export async function updatePolicy(ctx: RequestContext, id: string, patch: Partial<Omit<CompliancePoliciesTable, 'id'>>): Promise<void> {
  await db(ctx).updateTable('compliance_policies').set(patch).where('id', '=', id).execute();
}

export async function findPolicies(ctx: RequestContext): Promise<CompliancePoliciesTable[]> {
  return db(ctx).selectFrom('compliance_policies').selectAll().orderBy('title').limit(1000).execute();
}

export async function findPolicy(ctx: RequestContext, id: string): Promise<CompliancePoliciesTable | undefined> {
  return db(ctx).selectFrom('compliance_policies').selectAll().where('id', '=', id).executeTakeFirst();
}

export type VersionSummary = Omit<CompliancePolicyVersionsTable, 'body_text' | 'pdf_base64'>;

export async function insertVersion(ctx: RequestContext, row: CompliancePolicyVersionsTable): Promise<void> {
  await db(ctx).insertInto('compliance_policy_versions').values(row).execute();
}

export async function findVersionSummaries(ctx: RequestContext, policyId: string): Promise<VersionSummary[]> {
  return db(ctx)
    .selectFrom('compliance_policy_versions')
    .select(['id', 'policy_id', 'version', 'format', 'sha256', 'change_note', 'published_by', 'published_at'])
    .where('policy_id', '=', policyId)
    .orderBy('version', 'desc')
    .execute();
}

export async function findVersion(ctx: RequestContext, policyId: string, version: number): Promise<CompliancePolicyVersionsTable | undefined> {
  return db(ctx).selectFrom('compliance_policy_versions').selectAll().where('policy_id', '=', policyId).where('version', '=', version).executeTakeFirst();
}

export async function insertCampaign(ctx: RequestContext, row: ComplianceAckCampaignsTable, requests: ComplianceAckRequestsTable[]): Promise<void> {
  await db(ctx).insertInto('compliance_ack_campaigns').values(row).execute();
  for (let i = 0; i < requests.length; i += 500) await db(ctx).insertInto('compliance_ack_requests').values(requests.slice(i, i + 500)).execute();
}

export async function findCampaigns(ctx: RequestContext, policyId?: string): Promise<ComplianceAckCampaignsTable[]> {
  let query = db(ctx).selectFrom('compliance_ack_campaigns').selectAll().orderBy('created_at', 'desc').limit(1000);
  if (policyId) query = query.where('policy_id', '=', policyId);
  return query.execute();
}

export async function findAckRequests(ctx: RequestContext, campaignIds: string[]): Promise<ComplianceAckRequestsTable[]> {
  if (campaignIds.length === 0) return [];
  return db(ctx).selectFrom('compliance_ack_requests').selectAll().where('campaign_id', 'in', campaignIds).execute();
}

/** Records an acknowledgement; false when the person had already acknowledged this version. */
export async function insertAcknowledgement(ctx: RequestContext, row: ComplianceAcknowledgementsTable): Promise<boolean> {
  const result = await db(ctx).insertInto('compliance_acknowledgements').values(row).onConflict((oc) => oc.columns(['policy_id', 'version', 'user_id']).doNothing()).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function findAcknowledgements(ctx: RequestContext, filter: { policyId?: string; version?: number; userId?: string }): Promise<ComplianceAcknowledgementsTable[]> {
  let query = db(ctx).selectFrom('compliance_acknowledgements').selectAll();
  if (filter.policyId) query = query.where('policy_id', '=', filter.policyId);
  if (filter.version !== undefined) query = query.where('version', '=', filter.version);
  if (filter.userId) query = query.where('user_id', '=', filter.userId);
  return query.limit(50_000).execute();
}

// ── reminders (one per person per subject per cycle) ──

/** Claims a reminder before mailing it: true when this (kind, subject, person, cycle) was not yet sent. */
export async function claimReminder(ctx: RequestContext, row: ComplianceRemindersTable): Promise<boolean> {
  const result = await db(ctx).insertInto('compliance_reminders').values(row).onConflict((oc) => oc.columns(['kind', 'subject_id', 'user_id', 'cycle']).doNothing()).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Gives a claimed reminder back when its mail could not be sent, so the next run tries again. */
export async function releaseReminder(ctx: RequestContext, row: Pick<ComplianceRemindersTable, 'kind' | 'subject_id' | 'user_id' | 'cycle'>): Promise<void> {
  await db(ctx).deleteFrom('compliance_reminders').where('kind', '=', row.kind).where('subject_id', '=', row.subject_id).where('user_id', '=', row.user_id).where('cycle', '=', row.cycle).execute();
}

// ── agreements ──

export async function insertAgreement(ctx: RequestContext, row: ComplianceAgreementsTable): Promise<void> {
  await db(ctx).insertInto('compliance_agreements').values(row).execute();
}

export type AgreementSummary = Omit<ComplianceAgreementsTable, 'document_base64'>;
const AGREEMENT_COLUMNS = ['id', 'user_id', 'party', 'title', 'signed_at', 'expires_at', 'document_name', 'document_sha256', 'revoked_at', 'recorded_by', 'created_at'] as const;

export async function findAgreements(ctx: RequestContext, userId?: string): Promise<AgreementSummary[]> {
  let query = db(ctx).selectFrom('compliance_agreements').select(AGREEMENT_COLUMNS).orderBy('signed_at', 'desc').limit(5000);
  if (userId) query = query.where('user_id', '=', userId);
  return query.execute();
}

export async function findAgreement(ctx: RequestContext, id: string): Promise<ComplianceAgreementsTable | undefined> {
  return db(ctx).selectFrom('compliance_agreements').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateAgreement(ctx: RequestContext, id: string, patch: Partial<Pick<ComplianceAgreementsTable, 'revoked_at' | 'expires_at'>>): Promise<void> {
  await db(ctx).updateTable('compliance_agreements').set(patch).where('id', '=', id).execute();
}

// ── training ──

export async function insertCourse(ctx: RequestContext, row: ComplianceCoursesTable): Promise<void> {
  await db(ctx).insertInto('compliance_courses').values(row).execute();
}

export async function updateCourse(ctx: RequestContext, id: string, patch: Partial<Omit<ComplianceCoursesTable, 'id'>>): Promise<void> {
  await db(ctx).updateTable('compliance_courses').set(patch).where('id', '=', id).execute();
}

export async function findCourses(ctx: RequestContext): Promise<ComplianceCoursesTable[]> {
  return db(ctx).selectFrom('compliance_courses').selectAll().orderBy('title').limit(1000).execute();
}

export async function findCourse(ctx: RequestContext, id: string): Promise<ComplianceCoursesTable | undefined> {
  return db(ctx).selectFrom('compliance_courses').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertCompletions(ctx: RequestContext, rows: ComplianceCompletionsTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await db(ctx).insertInto('compliance_completions').values(rows.slice(i, i + 500)).execute();
}

export async function findCompletions(ctx: RequestContext, filter: { userId?: string; courseId?: string }): Promise<ComplianceCompletionsTable[]> {
  let query = db(ctx).selectFrom('compliance_completions').selectAll().orderBy('completed_at', 'desc').limit(50_000);
  if (filter.userId) query = query.where('user_id', '=', filter.userId);
  if (filter.courseId) query = query.where('course_id', '=', filter.courseId);
  return query.execute();
}

// ── the gates' facts ──

/**
 * What the three gates need about one person, in three indexed reads. Bypasses `compliance.manage`
 * because the gate runs inside every client-data decision (as access's own facts do); never
 * handed to a caller.
 */
export async function unsafeGateRowsOf(ctx: RequestContext, userId: string) {
  const [agreements, completions, acks] = await Promise.all([
    db(ctx).selectFrom('compliance_agreements').select(['signed_at', 'expires_at']).where('user_id', '=', userId).where('revoked_at', 'is', null).execute(),
    db(ctx).selectFrom('compliance_completions').select(['course_id', 'completed_at', 'expires_at']).where('user_id', '=', userId).where('passed', '=', 1).execute(),
    db(ctx).selectFrom('compliance_acknowledgements').select(['policy_id', 'version']).where('user_id', '=', userId).execute(),
  ]);
  return { agreements, completions, acks };
}

/** The firm-wide part of the gates: required policies' current versions and confidentiality courses (same reason as above). */
export async function unsafeGateFirmRows(ctx: RequestContext) {
  const [policies, courses] = await Promise.all([
    db(ctx).selectFrom('compliance_policies').select(['id', 'current_version']).where('required', '=', 1).where('status', '=', 'active').where('current_version', '>', 0).execute(),
    db(ctx).selectFrom('compliance_courses').select(['id', 'roles']).where('confidentiality', '=', 1).where('status', '=', 'active').execute(),
  ]);
  return { policies, courses };
}

// ── access reviews ──

export async function insertReview(ctx: RequestContext, _auth: FirmAuth, row: ComplianceAccessReviewsTable, items: ComplianceReviewItemsTable[]): Promise<void> {
  await db(ctx).insertInto('compliance_access_reviews').values(row).execute();
  for (let i = 0; i < items.length; i += 200) await db(ctx).insertInto('compliance_review_items').values(items.slice(i, i + 200)).execute();
}

export async function findReviews(ctx: RequestContext): Promise<ComplianceAccessReviewsTable[]> {
  return db(ctx).selectFrom('compliance_access_reviews').selectAll().orderBy('created_at', 'desc').limit(500).execute();
}

export async function findReview(ctx: RequestContext, id: string): Promise<ComplianceAccessReviewsTable | undefined> {
  return db(ctx).selectFrom('compliance_access_reviews').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateReview(ctx: RequestContext, id: string, patch: Partial<Pick<ComplianceAccessReviewsTable, 'status' | 'closed_at'>>): Promise<void> {
  await db(ctx).updateTable('compliance_access_reviews').set(patch).where('id', '=', id).execute();
}

/** Every item of a campaign (the compliance officer's view: ids, roles and decisions, no content). */
export async function findReviewItems(ctx: RequestContext, _auth: FirmAuth, reviewId: string): Promise<ComplianceReviewItemsTable[]> {
  return db(ctx).selectFrom('compliance_review_items').selectAll().where('review_id', '=', reviewId).orderBy('matter_id').orderBy('subject_user_id').execute();
}

/** The items a reviewer is asked to certify (their own; each is authorized again when decided). */
export async function findItemsOfReviewer(ctx: RequestContext, reviewerUserId: string): Promise<(ComplianceReviewItemsTable & { due_at: number; title: string })[]> {
  return db(ctx)
    .selectFrom('compliance_review_items')
    .innerJoin('compliance_access_reviews', 'compliance_access_reviews.id', 'compliance_review_items.review_id')
    .selectAll('compliance_review_items')
    .select(['compliance_access_reviews.due_at', 'compliance_access_reviews.title'])
    .where('compliance_review_items.reviewer_user_id', '=', reviewerUserId)
    .where('compliance_access_reviews.status', '=', 'open')
    .orderBy('compliance_review_items.matter_id')
    .limit(5000)
    .execute();
}

const notFound = () => new AppError('ACCESS_DENIED', 'Not found');

/** One item, read with its authorization (access resolved the item to its matter). */
export async function getReviewItem(ctx: RequestContext, auth: ObjectAuth): Promise<ComplianceReviewItemsTable> {
  if (auth.type !== REVIEW_ITEM) throw notFound();
  const row = await db(ctx).selectFrom('compliance_review_items').selectAll().where('id', '=', auth.id).where('matter_id', '=', auth.matterId ?? '').executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

export async function updateReviewItem(ctx: RequestContext, id: string, patch: Partial<Pick<ComplianceReviewItemsTable, 'decision' | 'decided_by' | 'decided_at' | 'revoked_at' | 'failure'>>): Promise<void> {
  await db(ctx).updateTable('compliance_review_items').set(patch).where('id', '=', id).execute();
}

/**
 * Items the deadline job must revoke: undecided past their campaign's deadline, or decided
 * `revoke` and not yet revoked (a failed attempt is retried). System work: the job acts for the
 * campaign, not for a person.
 */
export async function unsafeItemsToRevoke(ctx: RequestContext, now: number): Promise<(ComplianceReviewItemsTable & { due_at: number })[]> {
  return db(ctx)
    .selectFrom('compliance_review_items')
    .innerJoin('compliance_access_reviews', 'compliance_access_reviews.id', 'compliance_review_items.review_id')
    .selectAll('compliance_review_items')
    .select('compliance_access_reviews.due_at')
    .where('compliance_review_items.revoked_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb('compliance_review_items.decision', '=', 'revoke'),
        eb.and([eb('compliance_review_items.decision', 'is', null), eb('compliance_access_reviews.due_at', '<=', now)]),
      ]),
    )
    .limit(5000)
    .execute();
}

/** Open campaigns whose deadline passed and whose items are all settled (the job closes them). */
export async function unsafeOpenReviewsPastDue(ctx: RequestContext, now: number): Promise<ComplianceAccessReviewsTable[]> {
  return db(ctx).selectFrom('compliance_access_reviews').selectAll().where('status', '=', 'open').where('due_at', '<=', now).execute();
}

/** Per reviewer, undecided items of open campaigns closing by `before` (the reminder job: ids and counts only). */
export async function unsafeUndecidedByReviewer(ctx: RequestContext, before: number): Promise<{ review_id: string; title: string; due_at: number; reviewer_user_id: string; count: number }[]> {
  const rows = await db(ctx)
    .selectFrom('compliance_review_items')
    .innerJoin('compliance_access_reviews', 'compliance_access_reviews.id', 'compliance_review_items.review_id')
    .select(['compliance_review_items.review_id', 'compliance_access_reviews.title', 'compliance_access_reviews.due_at', 'compliance_review_items.reviewer_user_id'])
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('compliance_access_reviews.status', '=', 'open')
    .where('compliance_access_reviews.due_at', '<=', before)
    .where('compliance_review_items.decision', 'is', null)
    .where('compliance_review_items.revoked_at', 'is', null)
    .groupBy(['compliance_review_items.review_id', 'compliance_access_reviews.title', 'compliance_access_reviews.due_at', 'compliance_review_items.reviewer_user_id'])
    .execute();
  return rows.map((r) => ({ ...r, count: Number(r.count) }));
}

/** Counts for a posture: undecided items of open campaigns past their deadline (system read, counts only). */
export async function unsafeCountReviewItems(ctx: RequestContext, now: number): Promise<{ undecided: number; overdue: number }> {
  const rows = await db(ctx)
    .selectFrom('compliance_review_items')
    .innerJoin('compliance_access_reviews', 'compliance_access_reviews.id', 'compliance_review_items.review_id')
    .select(['compliance_access_reviews.due_at'])
    .where('compliance_access_reviews.status', '=', 'open')
    .where('compliance_review_items.decision', 'is', null)
    .where('compliance_review_items.revoked_at', 'is', null)
    .execute();
  return { undecided: rows.length, overdue: rows.filter((r) => Number(r.due_at) <= now).length };
}
