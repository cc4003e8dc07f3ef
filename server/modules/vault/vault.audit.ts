/**
 * Audit events the vault writes itself for reads that return client data without a single target
 * for `requireAccess` (lists and searches filtered by `scopeFor`), and for ids that resolve to
 * nothing. Ids and counts only: never names, titles or the searched value.
 */
import type { Permission } from '../../../common/permissions.js';
import { recordEvent, type AuditResources } from '../../audit/index.js';
import type { RequestContext } from '../../platform/context.js';
import { notFound } from './vault.repository.js';

export type ListAction = 'client.list' | 'client.search' | 'matter.list' | 'matter.search';

/**
 * One event per list or search request, recorded before the answer (outside a transaction it is
 * durable when this resolves): the number of rows returned, and — where the event has room for
 * them — their ids (the client when every row belongs to one, the matter when there is one).
 * Throws AUDIT_UNAVAILABLE: the caller then answers 503 and returns nothing.
 */
export async function recordListRead(ctx: RequestContext, action: ListAction, rows: readonly { clientId: string; matterId?: string }[]): Promise<void> {
  const resources: AuditResources = { other: { type: 'result_count', id: String(rows.length) } };
  const clients = new Set(rows.map((r) => r.clientId));
  if (clients.size === 1) resources.clientId = rows[0]!.clientId;
  if (rows.length === 1 && rows[0]!.matterId) resources.matterId = rows[0]!.matterId;
  await recordEvent(ctx, { action, outcome: 'allowed', resources });
}

/**
 * The 404 for a document, note or record id that resolves to nothing, audited like a forbidden
 * one (denied, `NOT_FOUND`, the id asked for), so missing and forbidden cannot be told apart by
 * the answer or by its cost (both write an event). Inside a transaction the event is written after
 * its rollback (on SQLite, writing on the root handle while the transaction holds the only
 * connection would deadlock). Throws ACCESS_DENIED (404), or AUDIT_UNAVAILABLE.
 */
export async function throwAuditedNotFound(ctx: RequestContext, permission: Permission, resources: AuditResources): Promise<never> {
  const error = notFound();
  const event = { action: permission, outcome: 'denied' as const, reason: 'NOT_FOUND', resources };
  if (ctx.db.isTransaction) error.afterRollback = async () => void (await recordEvent({ ...ctx, db: ctx.app.database.db }, event));
  else await recordEvent(ctx, event);
  throw error;
}
