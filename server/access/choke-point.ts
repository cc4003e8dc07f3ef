/**
 * The choke point itself: `requireAccess` (decide, audit, then hand back the `Authorized` proof),
 * `scopeFor` for lists, the decision query, and telling access that a client or matter exists.
 * Other files of access import it from here; everyone else through index.ts.
 */
import type { SelectQueryBuilder } from 'kysely';
import type { ErrorCode } from '../../common/error-codes.js';
import type { ClientId, MatterId, UserId } from '../../common/ids.js';
import type { Permission } from '../../common/permissions.js';
import { recordEvent, type AuditEventInput } from '../audit/index.js';
import type { RequestContext } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { decide, type Decision } from './decide.js';
import { bumpPolicyVersion } from './facts.js';
import { insertClientRegistration, insertMatterRegistration } from './facts.repository.js';
import { scopeFilter } from './scope.js';
import { applyScope } from './scope.repository.js';
import { hasRecentFactor } from './step-up.js';
import type { AccessTarget, ObjectTarget } from './targets.js';
import { auditedRefusal, notifyCompliance } from './support.js';


declare const authorized: unique symbol;

/**
 * Proof that the choke point allowed `permission` on `target`. Repositories that touch client
 * rows accept only this value, so a missing check is a compile error. For an object target it
 * also carries the matter the object was found under, so the repository reads the object by its
 * id AND that matter.
 */
export type Authorized<T extends AccessTarget = AccessTarget> = T & {
  readonly permission: Permission;
  /** The client owning the target (resolved by access from its own records), null for firm-level. */
  readonly clientId: ClientId | null;
  readonly [authorized]: true;
} & (T extends ObjectTarget ? { readonly matterId: MatterId | null } : unknown);


/** Extra opaque ids and purpose recorded in the decision's audit event; what else it needs. */
export interface AccessDetail {
  documentId?: string;
  other?: { type: string; id: string };
  purpose?: string;
  /** A security-sensitive action: also needs a fresh second factor in a session (STEP_UP_REQUIRED, audited). */
  stepUp?: boolean;
}

/**
 * Allows or denies `permission` on `target` for `ctx.actor`, and audits the decision (the denied
 * event is committed even though the caller's request then fails: immediately outside a
 * transaction, after the rollback inside one opened with `inTransaction`). For writes, call it
 * inside the transaction that makes the change. Throws UNAUTHENTICATED, ACCESS_DENIED (404, same
 * body for missing and forbidden), GATE_NOT_SATISFIED, ACKNOWLEDGEMENT_REQUIRED, MFA_REQUIRED,
 * or AUDIT_UNAVAILABLE when the decision cannot be recorded. Never catch its errors to "try":
 * use `canAccess` for a silent check.
 */
export async function requireAccess<T extends AccessTarget>(ctx: RequestContext, permission: Permission, target: T, detail?: AccessDetail): Promise<Authorized<T>> {
  let decision = await decide(ctx, permission, target);
  if (decision.allowed && detail?.stepUp && !hasRecentFactor(ctx)) {
    decision = { allowed: false, code: 'STEP_UP_REQUIRED', reason: 'STEP_UP', clientId: decision.clientId, matterId: decision.matterId };
  }
  if (decision.allowed) {
    await recordEvent(ctx, auditEventOf(permission, target, decision, detail));
    return { ...target, permission, clientId: decision.clientId, ...(target.kind === 'object' ? { matterId: decision.matterId } : {}) } as unknown as Authorized<T>;
  }
  if (decision.code === 'UNAUTHENTICATED') throw new AppError('UNAUTHENTICATED');
  const event = auditEventOf(permission, target, decision, detail);
  const error =
    decision.code === 'ACCESS_DENIED'
      ? new AppError('ACCESS_DENIED', 'Not found')
      : decision.code === 'STEP_UP_REQUIRED'
        ? new AppError('STEP_UP_REQUIRED', 'Confirm with your second factor, in a signed-in session, to continue')
        : new AppError(decision.code);
  // An attempt to cross an ethical wall is also raised to compliance at once.
  const alert = decision.reason === 'WALL' ? (outside: RequestContext) => notifyCompliance(outside, 'Ethical wall: access attempt by a screened person', wallAlertLines(ctx, decision)) : undefined;
  throw await auditedRefusal(ctx, error, event, alert);
}

/**
 * Answers "may I?" for the person asking, recorded as a decision query (`access.decision`, the
 * target as an opaque reference), never as an access to the target, so that "did this person
 * access the matter" reports stay true. Firm permissions asked about a target, a missing target
 * and a forbidden one all answer not allowed; with ACKNOWLEDGEMENT_REQUIRED the answer names the wall
 * whose memo is to acknowledge. Throws UNAUTHENTICATED, AUDIT_UNAVAILABLE.
 */
export async function checkDecision(ctx: RequestContext, permission: Permission, target: AccessTarget): Promise<{ allowed: boolean; code: ErrorCode | null; wallId: string | null }> {
  const decision = await decide(ctx, permission, target);
  if (!decision.allowed && decision.code === 'UNAUTHENTICATED') throw new AppError('UNAUTHENTICATED');
  const targetRef = target.kind === 'matter' ? { type: 'matter', id: target.matterId } : target.kind === 'client' ? { type: 'client', id: target.clientId } : undefined;
  await recordEvent(ctx, { action: 'access.decision', outcome: 'allowed', reason: permission, purpose: decision.allowed ? 'answered allowed' : 'answered not allowed', resources: targetRef ? { other: targetRef } : {} });
  if (decision.allowed) return { allowed: true, code: null, wallId: null };
  // Only a memo still to acknowledge names its wall: the asker has a basis and the wall concerns
  // them (it is on their pending list). A screen or a lock is never disclosed to the screened.
  return { allowed: false, code: decision.code, wallId: decision.code === 'ACKNOWLEDGEMENT_REQUIRED' ? (decision.wallId ?? null) : null };
}

/** The decision without auditing or throwing: for showing or hiding a button, never for data. */
export async function canAccess(ctx: RequestContext, permission: Permission, target: AccessTarget): Promise<boolean> {
  return (await decide(ctx, permission, target)).allowed;
}

function wallAlertLines(ctx: RequestContext, decision: Decision): string[] {
  const who = ctx.actor.kind === 'user' ? ctx.actor.userId : 'unknown';
  const wallId = decision.allowed ? '' : (decision.wallId ?? '');
  return [`User ${who} was refused ${decision.matterId ? `matter ${decision.matterId}` : `client ${decision.clientId ?? ''}`}: screened by wall ${wallId}.`, 'The attempt is in the audit log.'];
}

function auditEventOf(permission: Permission, target: AccessTarget, decision: Decision, detail: AccessDetail | undefined): AuditEventInput {
  const resources: NonNullable<AuditEventInput['resources']> = {};
  if (decision.clientId) resources.clientId = decision.clientId;
  if (decision.matterId) resources.matterId = decision.matterId;
  if (target.kind === 'object' && target.type === 'document') resources.documentId = target.id;
  else if (target.kind === 'object') resources.other = { type: target.type, id: target.id };
  if (detail?.documentId) resources.documentId = detail.documentId;
  if (detail?.other) resources.other = detail.other;
  else if (!decision.allowed && decision.wallId) resources.other = { type: 'wall', id: decision.wallId };
  const event: AuditEventInput = {
    action: permission,
    outcome: decision.allowed ? 'allowed' : 'denied',
    reason: decision.allowed ? decision.basis.toUpperCase() : decision.reason,
    resources,
  };
  if (detail?.purpose) event.purpose = detail.purpose;
  return event;
}

/** A SQL filter that keeps only rows the actor may open with `permission`. */
export interface Scope {
  /** Narrows `query` to rows whose `column` (a matter id or client id column) is in scope. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  apply<QB extends SelectQueryBuilder<any, any, any>>(query: QB, column: string, by: 'matter' | 'client'): QB;
}

/**
 * The rows `ctx.actor` may open with `permission`, as a SQL filter (subqueries over access's
 * tables; nothing loaded into memory). Gates unmet, portal users and anonymous actors get an empty
 * scope; firm permissions held by the role and system actors get everything.
 */
export async function scopeFor(ctx: RequestContext, permission: Permission): Promise<Scope> {
  const filter = await scopeFilter(ctx, permission);
  return { apply: (query, column, by) => applyScope(filter, query, column, by) };
}

/**
 * Tells the access module a matter exists and which client owns it, inside the transaction that
 * creates it; `leadUserId` becomes its lead attorney.
 */
export async function registerMatter(ctx: RequestContext, matter: { matterId: MatterId; clientId: ClientId; leadUserId: UserId }): Promise<void> {
  await bumpPolicyVersion(ctx);
  await insertMatterRegistration(ctx, matter, ctx.app.clock.now());
}

/** Tells access a client exists, inside the transaction that creates it; the creator gets a client-level grant (lead attorney, no expiry). */
export async function registerClient(ctx: RequestContext, client: { clientId: ClientId; creatorUserId: UserId }): Promise<void> {
  await bumpPolicyVersion(ctx);
  await insertClientRegistration(ctx, client, ctx.app.clock.now());
}
