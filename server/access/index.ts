/**
 * access: THE choke point. Every use case touching client data starts with `requireAccess`;
 * every list filters with `scopeFor`. (Interface first; the policy lands with the access issue.)
 *
 * Decision order: authenticated actor → firm role → gates (MFA, agreement, training) →
 * exclusionary walls (deny wins) → inclusionary walls → matter team / client grant / break-glass.
 * Allowed and denied decisions are audited by `requireAccess` itself.
 */
import type { SelectQueryBuilder } from 'kysely';
import type { ClientId, MatterId, UserId } from '../../common/ids.js';
import type { Permission } from '../../common/permissions.js';
import type { RequestContext } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import type { ConfidantModule } from '../platform/module.js';

declare const authorized: unique symbol;

/**
 * Proof that the choke point allowed `permission` on `target`. Repositories that touch client
 * rows accept only this value, so a missing check is a compile error.
 */
export type Authorized<T extends AccessTarget = AccessTarget> = T & {
  readonly permission: Permission;
  /** The client owning the target (resolved by access from its own records), null for firm-level. */
  readonly clientId: ClientId | null;
  readonly [authorized]: true;
};

export type AccessTarget = { kind: 'firm' } | { kind: 'client'; clientId: ClientId } | { kind: 'matter'; matterId: MatterId };

/** Extra opaque ids and purpose recorded in the decision's audit event. */
export interface AccessDetail {
  documentId?: string;
  other?: { type: string; id: string };
  purpose?: string;
}

/**
 * Allows or denies `permission` on `target` for `ctx.actor`, and audits the decision (the denied
 * event is committed even though the caller's request then fails). For writes, call it inside the
 * transaction that makes the change. Throws ACCESS_DENIED (404, same body as not found) or
 * GATE_NOT_SATISFIED / ACKNOWLEDGEMENT_REQUIRED / MFA_REQUIRED.
 */
export async function requireAccess<T extends AccessTarget>(ctx: RequestContext, permission: Permission, target: T, detail?: AccessDetail): Promise<Authorized<T>> {
  void permission;
  void detail;
  if (ctx.actor.kind === 'anonymous') throw new AppError('UNAUTHENTICATED');
  throw new AppError('ACCESS_DENIED', 'Not found');
  return target as unknown as Authorized<T>;
}

/** A SQL filter that keeps only rows the actor may open with `permission`. */
export interface Scope {
  /** Narrows `query` to rows whose `column` (a matter id or client id column) is in scope. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  apply<QB extends SelectQueryBuilder<any, any, any>>(query: QB, column: string, by: 'matter' | 'client'): QB;
}

export async function scopeFor(ctx: RequestContext, permission: Permission): Promise<Scope> {
  void ctx;
  void permission;
  return {
    apply: (query) => query.where((eb) => eb.val(1), '=', 0) as typeof query,
  };
}

/**
 * Tells the access module a matter exists and which client owns it, inside the transaction that
 * creates it; the creator becomes its lead attorney.
 */
export async function registerMatter(ctx: RequestContext, matter: { matterId: MatterId; clientId: ClientId; leadUserId: UserId }): Promise<void> {
  void ctx;
  void matter;
}

/** Tells access a client exists, inside the transaction that creates it; the creator gets a client-level grant. */
export async function registerClient(ctx: RequestContext, client: { clientId: ClientId; creatorUserId: UserId }): Promise<void> {
  void ctx;
  void client;
}

export const accessModule: ConfidantModule = { name: 'access' };
