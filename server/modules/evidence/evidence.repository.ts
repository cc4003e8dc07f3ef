/** The SQL of the evidence module: the record of processing activities (firm records). */
import type { RequestContext } from '../../platform/context.js';
import { tablesOf } from '../../platform/db/database.js';
import type { EvidenceProcessingActivitiesTable, EvidenceTables } from './evidence.tables.js';

const db = (ctx: RequestContext) => tablesOf<EvidenceTables>(ctx.db);

const normalize = (row: EvidenceProcessingActivitiesTable): EvidenceProcessingActivitiesTable => ({
  ...row,
  created_at: Number(row.created_at),
  updated_at: Number(row.updated_at),
  retired_at: row.retired_at === null ? null : Number(row.retired_at),
});

export async function insertProcessingActivity(ctx: RequestContext, row: EvidenceProcessingActivitiesTable): Promise<void> {
  await db(ctx).insertInto('evidence_processing_activities').values(row).execute();
}

export async function findProcessingActivityRows(ctx: RequestContext, options: { includeRetired: boolean }): Promise<EvidenceProcessingActivitiesTable[]> {
  let query = db(ctx).selectFrom('evidence_processing_activities').selectAll();
  if (!options.includeRetired) query = query.where('retired_at', 'is', null);
  return (await query.orderBy('name').orderBy('id').execute()).map(normalize);
}

export async function getProcessingActivityRow(ctx: RequestContext, id: string): Promise<EvidenceProcessingActivitiesTable | undefined> {
  const row = await db(ctx).selectFrom('evidence_processing_activities').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? normalize(row) : undefined;
}

export async function updateProcessingActivityRow(ctx: RequestContext, id: string, changes: Partial<Omit<EvidenceProcessingActivitiesTable, 'id' | 'created_by' | 'created_at'>>): Promise<void> {
  await db(ctx).updateTable('evidence_processing_activities').set(changes).where('id', '=', id).execute();
}
