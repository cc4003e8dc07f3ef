/**
 * Break-glass: emergency access to one matter, with a written justification and a fresh second
 * factor, for one hour; compliance is told at once and must review it afterwards. Never crosses
 * an exclusionary wall (it may pass an inclusionary lock: that is what an emergency is for).
 */
import type { MatterId } from '../../common/ids.js';
import { inTransaction, type RequestContext } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import type { BreakGlassReviewOutcome } from './access.tables.js';
import { findBreakGlassRow, findBreakGlassRows, findBreakGlassRowsOf, insertBreakGlassRow, updateBreakGlassReview, type BreakGlassRow } from './break-glass.repository.js';
import { bumpPolicyVersion, clientOfMatter, firmFacts } from './facts.js';
import { wallsCovering } from './decide.js';
import { requireAccess } from './choke-point.js';
import { describeTargets } from './labels.js';
import { matterRef, nameOf, type MatterRef } from './named.js';
import { userDirectory } from './directory.js';
import { requireRecentFactor } from './step-up.js';
import { openNullableText, openText, sealText } from './sealing.js';
import { actorId, audit, auditedRefusal, notifyCompliance, staffActor, type UserActor } from './support.js';

export const BREAK_GLASS_DURATION_MS = 60 * 60 * 1000;

export interface BreakGlassView {
  id: string;
  matterId: string;
  matter: MatterRef | null;
  clientId: string;
  userId: string;
  name: string | null;
  justification: string;
  startedAt: number;
  expiresAt: number;
  reviewedAt: number | null;
  reviewedBy: string | null;
  reviewedByName: string | null;
  reviewOutcome: BreakGlassReviewOutcome | null;
  reviewNote: string | null;
}

type Row = BreakGlassRow;

/** Throws STEP_UP_REQUIRED, ACCESS_DENIED (unknown matter, screened person, portal or admin). */
export async function startBreakGlass(ctx: RequestContext, input: { matterId: string; justification: string }): Promise<BreakGlassView> {
  const actor = staffActor(ctx);
  const now = ctx.app.clock.now();
  // A fresh second factor in an interactive session: an API token never counts as one.
  requireRecentFactor(ctx);
  const entitled = await isEntitledToBreakGlass(ctx, actor);
  return inTransaction(ctx, async (tx) => {
    const clientId = await clientOfMatter(tx, input.matterId);
    const screenedBy = clientId ? wallsCovering(await firmFacts(tx), clientId, input.matterId as MatterId).find((w) => w.kind === 'exclusionary' && w.members.has(actor.userId)) : undefined;
    // Only the roles the firm entitles (never firm administrators), and not brand-new accounts.
    if (!clientId || screenedBy || entitled !== true) {
      const reason = !clientId ? 'NOT_FOUND' : screenedBy ? 'WALL' : entitled === 'ACCOUNT_TOO_NEW' ? entitled : 'FIRM_ROLE';
      const event = { action: 'access.break_glass', reason, resources: { matterId: input.matterId, ...(clientId ? { clientId } : {}), ...(screenedBy ? { other: { type: 'wall', id: screenedBy.id } } : {}) } };
      const tell = screenedBy ? (outside: RequestContext) => notifyCompliance(outside, 'Ethical wall: emergency access attempted by a screened person', [`User ${actor.userId} tried emergency access to matter ${input.matterId}, behind wall ${screenedBy.id}. Refused.`]) : undefined;
      throw await auditedRefusal(tx, new AppError('ACCESS_DENIED', 'Not found'), event, tell);
    }
    await bumpPolicyVersion(tx);
    const id = newId();
    const justification = await sealText(tx, 'access_break_glass', id, 'justification', input.justification);
    await insertBreakGlassRow(tx, { id, matter_id: input.matterId, client_id: clientId, user_id: actor.userId, justification, started_at: now, expires_at: now + BREAK_GLASS_DURATION_MS, reviewed_at: null, reviewed_by: null, review_outcome: null, review_note: null });
    // The justification stays in access's table (it may mention the matter); the audit event says "break-glass".
    await audit(tx, { action: 'access.break_glass', reason: 'BREAK_GLASS', purpose: 'break-glass', resources: { matterId: input.matterId, clientId, other: { type: 'break_glass', id } } });
    notifyCompliance(tx, 'Emergency (break-glass) access used', [
      `User ${actor.userId} opened emergency access to matter ${input.matterId} until ${new Date(now + BREAK_GLASS_DURATION_MS).toISOString()}.`,
      `Review it in Confidant: Access → Break-glass review (id ${id}).`,
    ]);
    return (await views(tx, [await row(tx, id)]))[0]!;
  });
}

/** True, or why not: the role is not entitled (false), or the account is too new (ACCOUNT_TOO_NEW). */
async function isEntitledToBreakGlass(ctx: RequestContext, actor: UserActor): Promise<true | false | 'ACCOUNT_TOO_NEW'> {
  const { breakGlassRoles, breakGlassMinAccountAgeDays } = ctx.app.config.access;
  if (actor.role === 'firm_admin' || !breakGlassRoles.includes(actor.role)) return false;
  if (breakGlassMinAccountAgeDays === 0) return true;
  const [user] = (await userDirectory(ctx)?.getUsers(ctx, [actor.userId])) ?? [];
  if (!user) return false;
  return ctx.app.clock.now() - user.createdAt >= breakGlassMinAccountAgeDays * 24 * 60 * 60 * 1000 ? true : 'ACCOUNT_TOO_NEW';
}

/** Break-glass sessions, for compliance (access.report.read); `pendingReview` for the review queue. */
export async function listBreakGlass(ctx: RequestContext, filter: { pendingReview: boolean }): Promise<BreakGlassView[]> {
  await requireAccess(ctx, 'access.report.read', { kind: 'firm' });
  return views(ctx, await findBreakGlassRows(ctx, filter));
}

/** The actor's own break-glass sessions. */
export async function listMyBreakGlass(ctx: RequestContext): Promise<BreakGlassView[]> {
  const actor = staffActor(ctx);
  return views(ctx, await findBreakGlassRowsOf(ctx, actor.userId));
}

/** Records compliance's after-the-fact review. Throws NOT_FOUND, CONFLICT (already reviewed). */
export async function reviewBreakGlass(ctx: RequestContext, id: string, input: { outcome: BreakGlassReviewOutcome; note: string }): Promise<BreakGlassView> {
  return inTransaction(ctx, async (tx) => {
    await requireAccess(tx, 'access.report.read', { kind: 'firm' }, { other: { type: 'break_glass', id } });
    const existing = await findBreakGlassRow(tx, id);
    if (!existing) throw new AppError('NOT_FOUND', 'No such break-glass session');
    if (existing.user_id === actorId(tx)) {
      throw await auditedRefusal(tx, new AppError('SEPARATION_OF_DUTIES', 'Your own emergency access is reviewed by another compliance officer'), {
        action: 'access.break_glass.review',
        reason: 'SEPARATION_OF_DUTIES',
        resources: { matterId: existing.matter_id, clientId: existing.client_id, userId: existing.user_id, other: { type: 'break_glass', id } },
      });
    }
    if (existing.reviewed_at !== null) throw new AppError('CONFLICT', 'Already reviewed');
    const note = await sealText(tx, 'access_break_glass', id, 'review_note', input.note);
    await updateBreakGlassReview(tx, id, { reviewed_at: tx.app.clock.now(), reviewed_by: actorId(tx), review_outcome: input.outcome, review_note: note });
    await audit(tx, { action: 'access.break_glass.review', reason: input.outcome.toUpperCase(), resources: { matterId: existing.matter_id, clientId: existing.client_id, userId: existing.user_id, other: { type: 'break_glass', id } } });
    return (await views(tx, [await row(tx, id)]))[0]!;
  });
}

async function row(ctx: RequestContext, id: string): Promise<Row> {
  const found = await findBreakGlassRow(ctx, id);
  if (!found) throw new Error(`Break-glass session ${id} vanished`);
  return found;
}

async function views(ctx: RequestContext, rows: Row[]): Promise<BreakGlassView[]> {
  const labels = await describeTargets(ctx, { userIds: rows.flatMap((r) => [r.user_id, r.reviewed_by]), matterIds: rows.map((r) => r.matter_id) });
  return Promise.all(
    rows.map(async (r) => ({
    id: r.id,
    matterId: r.matter_id,
    matter: matterRef(labels, r.matter_id),
    clientId: r.client_id,
    userId: r.user_id,
    name: nameOf(labels, r.user_id),
    justification: await openText(ctx, 'access_break_glass', r.id, 'justification', r.justification),
    startedAt: Number(r.started_at),
    expiresAt: Number(r.expires_at),
    reviewedAt: r.reviewed_at === null ? null : Number(r.reviewed_at),
    reviewedBy: r.reviewed_by,
    reviewedByName: nameOf(labels, r.reviewed_by),
    reviewOutcome: r.review_outcome,
    reviewNote: await openNullableText(ctx, 'access_break_glass', r.id, 'review_note', r.review_note),
    })),
  );
}
