/** Kysely on gate settings (access_gate_settings) and the agreement and training records behind two gates (access_agreements). */
import type { RequestContext } from '../platform/context.js';
import { tablesOf } from '../platform/db/database.js';
import type { AccessTables } from './access.tables.js';

// The context's handle; never exported: SQL stays in the repositories.
const db = (ctx: RequestContext) => tablesOf<AccessTables>(ctx.db);

export type AgreementRow = AccessTables['access_agreements'];

/** Stores a gate's on/off setting, inserting its row the first time. */
export async function saveGateSetting(ctx: RequestContext, row: AccessTables['access_gate_settings']): Promise<void> {
  const d = db(ctx);
  const existing = await d.selectFrom('access_gate_settings').select('gate').where('gate', '=', row.gate).executeTakeFirst();
  if (existing) await d.updateTable('access_gate_settings').set({ enabled: row.enabled, updated_at: row.updated_at, updated_by: row.updated_by }).where('gate', '=', row.gate).execute();
  else await d.insertInto('access_gate_settings').values(row).execute();
}

export async function insertAgreementRow(ctx: RequestContext, row: AgreementRow): Promise<void> {
  await db(ctx).insertInto('access_agreements').values(row).execute();
}

/** Agreement and training records, newest first (at most 1000), optionally for one person. */
export async function findAgreementRows(ctx: RequestContext, userId?: string): Promise<AgreementRow[]> {
  let query = db(ctx).selectFrom('access_agreements').selectAll().orderBy('completed_at', 'desc').limit(1000);
  if (userId) query = query.where('user_id', '=', userId);
  return query.execute();
}
