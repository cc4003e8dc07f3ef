/**
 * Audit events the vault writes itself for reads that return client data without a single target
 * for `requireAccess` (lists and searches filtered by `scopeFor`). (A missing document, note or
 * record is decided and audited by the choke point itself.) Ids and counts only: never names, titles or the searched value.
 */
import { recordEvent, type AuditResources } from '../../audit/index.js';
import type { RequestContext } from '../../platform/context.js';

export type ListAction = 'client.list' | 'client.search' | 'matter.list' | 'matter.search' | 'document.recent';

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
