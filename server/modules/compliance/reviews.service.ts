/**
 * Access reviews: a campaign (e.g. quarterly) lists every current seat on a matter team (the
 * lead's own seat excepted: a person does not certify themselves) and every client-wide grant
 * (once per matter of the client), each to be certified — keep or revoke — by the matter's lead
 * attorney (`access_review.certify` on the item's matter, decided by the choke point: anyone else
 * gets the same audited 404 as for a missing item). A revoke is applied at once; what is still
 * undecided at the deadline is revoked by the deadline job (`runAccessReviewDeadlines`),
 * idempotently, audited, with an alert when a revocation fails. The compliance officer runs
 * campaigns (`access_review.manage`) and exports each campaign's evidence as CSV.
 */
import { accessInventory, removeTeamMember, requireAccess, revokeClientGrant } from '../../access/index.js';
import { raiseAlert, recordEvent } from '../../audit/index.js';
import type { ClientId, MatterId } from '../../../common/ids.js';
import { inTransaction, systemContext, type AppServices, type RequestContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import {
  findItemsOfReviewer,
  findReview,
  findReviewItems,
  findReviews,
  getReviewItem,
  insertReview,
  REVIEW_ITEM,
  unsafeItemsToRevoke,
  unsafeOpenReviewsPastDue,
  updateReview,
  updateReviewItem,
} from './compliance.repository.js';
import { activeStaff, actorIdOf, DAY_MS, dayOf, fieldError, FIRM, parseDay, personOf } from './compliance.support.js';
import { askToCertify } from './asks.js';
import { notifyOnce } from './mails.js';
import type { ComplianceAccessReviewsTable, ComplianceReviewItemsTable, ReviewDecision, ReviewItemKind } from './compliance.tables.js';
import { csvLine } from './csv.js';
import { describeTargets } from '../../access/index.js';

export interface ReviewView {
  id: string;
  title: string;
  due: string;
  status: 'open' | 'closed';
  createdAt: number;
  closedAt: number | null;
  items: number;
  kept: number;
  revoked: number;
  undecided: number;
}

export interface ReviewItemView {
  id: string;
  reviewId: string;
  reviewTitle: string;
  due: string;
  kind: ReviewItemKind;
  matter: { id: string; label: string };
  person: { id: string; name: string };
  role: string;
  reviewer: { id: string; name: string };
  decision: ReviewDecision | null;
  decidedBy: { id: string; name: string } | null;
  decidedAt: number | null;
  revokedAt: number | null;
  /** The revocation is automatic (not certified by the deadline). */
  automatic: boolean;
}

function summary(row: ComplianceAccessReviewsTable, items: ComplianceReviewItemsTable[]): ReviewView {
  return {
    id: row.id,
    title: row.title,
    due: dayOf(Number(row.due_at))!,
    status: row.status,
    createdAt: Number(row.created_at),
    closedAt: row.closed_at === null ? null : Number(row.closed_at),
    items: items.length,
    kept: items.filter((i) => i.decision === 'keep').length,
    revoked: items.filter((i) => i.decision === 'revoke' || (i.decision === null && i.revoked_at !== null)).length,
    undecided: items.filter((i) => i.decision === null && i.revoked_at === null).length,
  };
}

async function itemViews(ctx: RequestContext, rows: (ComplianceReviewItemsTable & { title?: string; due_at?: number })[], review?: ComplianceAccessReviewsTable): Promise<ReviewItemView[]> {
  const labels = await describeTargets(ctx, { userIds: [...new Set(rows.flatMap((r) => [r.subject_user_id, r.reviewer_user_id, ...(r.decided_by && !r.decided_by.startsWith('system:') ? [r.decided_by] : [])]))], matterIds: [...new Set(rows.map((r) => r.matter_id))] });
  return rows.map((r) => {
    const matter = labels.matters.get(r.matter_id);
    return {
      id: r.id,
      reviewId: r.review_id,
      reviewTitle: r.title ?? review?.title ?? '',
      due: dayOf(Number(r.due_at ?? review?.due_at ?? 0))!,
      kind: r.kind,
      matter: { id: r.matter_id, label: matter ? (matter.title ? `${matter.number} · ${matter.title}` : matter.number) : 'Matter' },
      person: personOf(labels, r.subject_user_id),
      role: r.role,
      reviewer: personOf(labels, r.reviewer_user_id),
      decision: r.decision,
      decidedBy: r.decided_by ? personOf(labels, r.decided_by) : null,
      decidedAt: r.decided_at === null ? null : Number(r.decided_at),
      revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
      automatic: r.decision === null && r.revoked_at !== null,
    };
  });
}

/**
 * Opens a campaign over the current seats and grants; returns it with its item counts. Throws
 * ACCESS_DENIED, VALIDATION_FAILED (body.title, body.dueDate).
 */
export async function createAccessReview(ctx: RequestContext, input: { title: string; dueDate: string }): Promise<ReviewView> {
  const created = await inTransaction(ctx, async (tx) => {
    const auth = await requireAccess(tx, 'access_review.manage', FIRM);
    const title = input.title.trim();
    if (title === '') throw fieldError('body.title', 'must not be blank');
    const now = tx.app.clock.now();
    const due = parseDay(input.dueDate, 'body.dueDate') + DAY_MS - 1;
    if (due <= now) throw fieldError('body.dueDate', 'must be today or later');
    const inventory = await accessInventory(tx);
    const leads = new Map<string, string[]>();
    for (const seat of inventory.seats) if (seat.role === 'lead_attorney') leads.set(seat.matterId, [...(leads.get(seat.matterId) ?? []), seat.userId]);
    const matterClient = new Map(inventory.seats.map((s) => [s.matterId, s.clientId]));
    const row: ComplianceAccessReviewsTable = { id: newId(now), title, due_at: due, status: 'open', created_by: actorIdOf(tx), created_at: now, closed_at: null };
    const items: ComplianceReviewItemsTable[] = [];
    const item = (kind: ReviewItemKind, matterId: string, clientId: string, userId: string, role: string, grantId: string | null, reviewer: string): ComplianceReviewItemsTable => ({
      id: newId(now),
      review_id: row.id,
      kind,
      client_id: clientId,
      matter_id: matterId,
      subject_user_id: userId,
      role,
      grant_id: grantId,
      reviewer_user_id: reviewer,
      decision: null,
      decided_by: null,
      decided_at: null,
      revoked_at: null,
      failure: null,
    });
    for (const seat of inventory.seats) {
      if (seat.role === 'lead_attorney') continue;
      const reviewer = leads.get(seat.matterId)?.[0];
      if (reviewer) items.push(item('seat', seat.matterId, seat.clientId, seat.userId, seat.role, null, reviewer));
    }
    for (const grant of inventory.grants) {
      for (const [matterId, clientId] of matterClient) {
        if (clientId !== grant.clientId) continue;
        const reviewer = leads.get(matterId)?.filter((l) => l !== grant.userId)[0];
        if (reviewer) items.push(item('grant', matterId, clientId, grant.userId, grant.role, grant.grantId, reviewer));
      }
    }
    await insertReview(tx, auth, row, items);
    await recordEvent(tx, { action: 'compliance.review.create', outcome: 'allowed', resources: { other: { type: 'access_review', id: row.id } } });
    return { view: summary(row, items), items, dueAt: due };
  });
  // Each reviewer is told how many items wait and by when (no matter names: a count and a link).
  const counts = new Map<string, number>();
  for (const item of created.items) counts.set(item.reviewer_user_id, (counts.get(item.reviewer_user_id) ?? 0) + 1);
  const staff = new Map((await activeStaff(ctx)).map((u) => [u.id, u]));
  for (const [reviewerId, count] of counts) {
    const reviewer = staff.get(reviewerId);
    const ask = askToCertify(ctx.app, { id: created.view.id, title: created.view.title, dueAt: created.dueAt }, count);
    // Once; one that fails is sent by the daily job.
    if (reviewer) await notifyOnce(ctx, ask.key(reviewer.id), reviewer, ask.subject, ask.lines);
  }
  return created.view;
}

/** Every campaign with its counts (access_review.manage). Throws ACCESS_DENIED. */
export async function findAccessReviews(ctx: RequestContext): Promise<ReviewView[]> {
  const auth = await requireAccess(ctx, 'access_review.manage', FIRM);
  const reviews = await findReviews(ctx);
  const out: ReviewView[] = [];
  for (const r of reviews) out.push(summary(r, await findReviewItems(ctx, auth, r.id)));
  return out;
}

/** One campaign with its items (access_review.manage). Throws ACCESS_DENIED, NOT_FOUND. */
export async function getAccessReviewById(ctx: RequestContext, id: string): Promise<ReviewView & { itemList: ReviewItemView[] }> {
  const auth = await requireAccess(ctx, 'access_review.manage', FIRM);
  const row = await findReview(ctx, id);
  if (!row) throw new AppError('NOT_FOUND', 'No such access review');
  const items = await findReviewItems(ctx, auth, id);
  return { ...summary(row, items), itemList: await itemViews(ctx, items, row) };
}

/** The items of open campaigns the signed-in lead attorney is asked to certify. */
export async function myReviewItems(ctx: RequestContext): Promise<ReviewItemView[]> {
  await requireAccess(ctx, 'compliance.self', FIRM);
  const self = ctx.actor.kind === 'user' ? ctx.actor.userId : null;
  if (!self) return [];
  return itemViews(ctx, await findItemsOfReviewer(ctx, self));
}

/** Revokes the seat or grant of an item, as the campaign (a system actor acting on the lead's certification or the deadline). */
async function applyRevocation(services: AppServices, item: ComplianceReviewItemsTable): Promise<void> {
  const ctx = systemContext(services, 'compliance.access_review');
  if (item.kind === 'seat') await removeTeamMember(ctx, item.matter_id as MatterId, item.subject_user_id);
  else if (item.grant_id) await revokeClientGrant(ctx, item.grant_id);
}

/**
 * Certifies one item: keep, or revoke (applied at once). Only the lead attorney of the item's
 * matter may (the choke point answers the same audited 404 to anyone else as to a missing item).
 * Throws ACCESS_DENIED, ACCESS_REVIEW_CLOSED.
 */
export async function certifyReviewItem(ctx: RequestContext, itemId: string, decision: ReviewDecision): Promise<ReviewItemView> {
  const row = await inTransaction(ctx, async (tx) => {
    const auth = await requireAccess(tx, 'access_review.certify', { kind: 'object', type: REVIEW_ITEM, id: itemId });
    const item = await getReviewItem(tx, auth);
    const review = await findReview(tx, item.review_id);
    if (!review || review.status !== 'open' || item.revoked_at !== null) throw new AppError('ACCESS_REVIEW_CLOSED', 'This review item can no longer be certified');
    const now = tx.app.clock.now();
    await updateReviewItem(tx, itemId, { decision, decided_by: actorIdOf(tx), decided_at: now });
    await recordEvent(tx, { action: 'compliance.review.certify', outcome: 'allowed', reason: decision.toUpperCase(), resources: { matterId: item.matter_id, clientId: item.client_id, userId: item.subject_user_id, other: { type: 'access_review_item', id: itemId } } });
    return { ...item, decision, decided_by: actorIdOf(tx), decided_at: now, title: review.title, due_at: review.due_at };
  });
  if (decision === 'revoke') {
    // Applied after the certification commits; a failure is retried by the deadline job (which alerts).
    try {
      await applyRevocation(ctx.app, row);
      const at = ctx.app.clock.now();
      await updateReviewItem({ ...ctx, db: ctx.app.database.db }, itemId, { revoked_at: at, failure: null });
      row.revoked_at = at;
    } catch (error) {
      await updateReviewItem({ ...ctx, db: ctx.app.database.db }, itemId, { failure: error instanceof AppError ? error.code : 'ERROR' });
    }
  }
  return (await itemViews(ctx, [row]))[0]!;
}

/**
 * The deadline job: revokes every item still undecided after its campaign's deadline (and any
 * certified revoke not yet applied), then closes campaigns with nothing left. Idempotent (an item
 * revoked once is never touched again); each revocation audited by access, each item's outcome by
 * `compliance.review.revoke`; failures are kept on the item, alerted (`compliance_failure`) and
 * rethrown so the job queue records the failed run.
 */
export async function runAccessReviewDeadlines(services: AppServices): Promise<{ revoked: number; failed: number; closed: number }> {
  const ctx = systemContext(services, 'compliance.access_review');
  const now = services.clock.now();
  let revoked = 0;
  let failed = 0;
  let lastCode = 'ERROR';
  for (const item of await unsafeItemsToRevoke(ctx, now)) {
    try {
      await applyRevocation(services, item);
      await inTransaction(ctx, async (tx) => {
        await updateReviewItem(tx, item.id, { revoked_at: services.clock.now(), failure: null });
        await recordEvent(tx, { action: 'compliance.review.revoke', outcome: 'allowed', reason: item.decision === 'revoke' ? 'CERTIFIED_REVOKE' : 'NOT_CERTIFIED_BY_DEADLINE', resources: { matterId: item.matter_id, clientId: item.client_id as ClientId, userId: item.subject_user_id, other: { type: 'access_review_item', id: item.id } } });
      });
      revoked += 1;
    } catch (error) {
      failed += 1;
      lastCode = error instanceof AppError ? error.code : 'ERROR';
      await updateReviewItem(ctx, item.id, { failure: lastCode });
    }
  }
  let closed = 0;
  for (const review of await unsafeOpenReviewsPastDue(ctx, now)) {
    const left = (await unsafeItemsToRevoke(ctx, now)).filter((i) => i.review_id === review.id);
    if (left.length > 0) continue;
    await inTransaction(ctx, async (tx) => {
      await updateReview(tx, review.id, { status: 'closed', closed_at: services.clock.now() });
      await recordEvent(tx, { action: 'compliance.review.close', outcome: 'allowed', resources: { other: { type: 'access_review', id: review.id } } });
    });
    closed += 1;
  }
  if (failed > 0) {
    await raiseAlert(services, { rule: 'compliance_failure', actorId: null, severity: 'critical', firstIndex: null, lastIndex: null, detail: { job: 'access_review_deadline', failures: failed, code: lastCode }, contain: false }).catch(() => undefined);
    throw new Error(`access review deadline: ${failed} revocation(s) failed (${lastCode}); they are retried on the next run`);
  }
  return { revoked, failed, closed };
}

/** The campaign's evidence as CSV: every item, who certified what and when, and what was revoked (access_review.manage). Throws ACCESS_DENIED, NOT_FOUND. */
export async function exportAccessReviewCsv(ctx: RequestContext, id: string): Promise<string> {
  const review = await getAccessReviewById(ctx, id);
  const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());
  const lines = [csvLine(['review', 'due', 'item', 'kind', 'matter', 'person', 'role', 'reviewer', 'decision', 'decided_by', 'decided_at', 'revoked_at', 'automatic'])];
  for (const i of review.itemList) lines.push(csvLine([review.title, review.due, i.id, i.kind, i.matter.label, i.person.name, i.role, i.reviewer.name, i.decision ?? '', i.decidedBy?.name ?? '', iso(i.decidedAt), iso(i.revokedAt), i.automatic ? 'yes' : 'no']));
  await recordEvent(ctx, { action: 'compliance.review.export', outcome: 'allowed', resources: { other: { type: 'access_review', id } } });
  return `${lines.join('\r\n')}\r\n`;
}


/** Runs the deadline job now (access_review.manage). Throws ACCESS_DENIED; a failed revocation surfaces as the job's error (and its alert). */
export async function runAccessReviewDeadlinesNow(ctx: RequestContext): Promise<{ revoked: number; failed: number; closed: number }> {
  await requireAccess(ctx, 'access_review.manage', FIRM);
  return runAccessReviewDeadlines(ctx.app);
}
