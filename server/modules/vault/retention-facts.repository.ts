/**
 * What the retention module needs to know of the whole vault to compute what becomes due: ids,
 * numbers, statuses, attributes and dates only — nothing sealed. Unsafe by contract (no single
 * authorization): only for the retention run and preview, after retention.manage on the firm.
 */
import type { RequestContext } from '../../platform/context.js';
import { tablesOf } from '../../platform/db/database.js';
import type { VaultTables } from './vault.tables.js';

const db = (ctx: RequestContext) => tablesOf<VaultTables>(ctx.db);

export interface RetentionFacts {
  clients: { id: string; number: number | null; status: string }[];
  matters: { id: string; clientId: string; number: string; status: string; practiceArea: string | null; jurisdiction: string | null; openedAt: number; closedAt: number | null; closedRecordedAt: number | null }[];
  /** Versions a later version replaced, with when the next one came. */
  superseded: { documentId: string; matterId: string; clientId: string; version: number; supersededAt: number }[];
  records: { id: string; matterId: string; clientId: string; status: string }[];
}

export async function unsafeRetentionFacts(ctx: RequestContext, clientId?: string): Promise<RetentionFacts> {
  let clients = db(ctx).selectFrom('vault_clients').select(['id', 'number', 'status']);
  let matters = db(ctx).selectFrom('vault_matters').select(['id', 'client_id', 'number', 'status', 'practice_area', 'jurisdiction', 'opened_at', 'closed_at', 'closed_recorded_at']).where('status', '!=', 'conflict_review');
  let superseded = db(ctx)
    .selectFrom('vault_document_versions as v')
    .innerJoin('vault_document_versions as next', (join) => join.onRef('next.document_id', '=', 'v.document_id').on((eb) => eb('next.version', '=', eb('v.version', '+', 1))))
    .innerJoin('vault_documents as d', 'd.id', 'v.document_id')
    .select(['v.document_id', 'd.matter_id', 'd.client_id', 'v.version', 'next.created_at']);
  let records = db(ctx).selectFrom('vault_records').select(['id', 'matter_id', 'client_id', 'status']);
  if (clientId) {
    clients = clients.where('id', '=', clientId);
    matters = matters.where('client_id', '=', clientId);
    superseded = superseded.where('d.client_id', '=', clientId);
    records = records.where('client_id', '=', clientId);
  }
  return {
    clients: (await clients.execute()).map((c) => ({ id: c.id, number: c.number === null ? null : Number(c.number), status: c.status })),
    matters: (await matters.execute()).map((m) => ({ id: m.id, clientId: m.client_id, number: m.number, status: m.status, practiceArea: m.practice_area, jurisdiction: m.jurisdiction, openedAt: Number(m.opened_at), closedAt: m.closed_at === null ? null : Number(m.closed_at), closedRecordedAt: m.closed_recorded_at === null ? null : Number(m.closed_recorded_at) })),
    superseded: (await superseded.execute()).map((s) => ({ documentId: s.document_id, matterId: s.matter_id, clientId: s.client_id, version: Number(s.version), supersededAt: Number(s.created_at) })),
    records: (await records.execute()).map((r) => ({ id: r.id, matterId: r.matter_id, clientId: r.client_id, status: r.status })),
  };
}

/** The firm numbers of these clients (labels for the compliance officer, who does not see names). */
export async function unsafeClientNumbers(ctx: RequestContext, clientIds: string[]): Promise<Map<string, number>> {
  const ids = [...new Set(clientIds)];
  const out = new Map<string, number>();
  for (let i = 0; i < ids.length; i += 500) {
    for (const row of await db(ctx).selectFrom('vault_clients').select(['id', 'number']).where('id', 'in', ids.slice(i, i + 500)).execute()) if (row.number !== null) out.set(row.id, Number(row.number));
  }
  return out;
}
