/** SQL of the named positions in the event stream (`audit_cursor`: monitor, each sink, last verification). */
import type { AnyDb } from '../platform/db/database.js';
import { tablesOf } from '../platform/db/database.js';
import type { AuditTables } from './audit.tables.js';

export async function findCursor(db: AnyDb, name: string): Promise<{ position: number; status: string | null } | undefined> {
  const row = await tablesOf<AuditTables>(db).selectFrom('audit_cursor').select(['position', 'status']).where('name', '=', name).executeTakeFirst();
  return row ? { position: Number(row.position), status: row.status } : undefined;
}

export async function upsertCursor(db: AnyDb, row: { name: string; position: number; status: string | null; updatedAt: number }): Promise<void> {
  const { name, position, status, updatedAt } = row;
  await tablesOf<AuditTables>(db)
    .insertInto('audit_cursor')
    .values({ name, position, updated_at: updatedAt, status })
    .onConflict((oc) => oc.column('name').doUpdateSet({ position, updated_at: updatedAt, status }))
    .execute();
}
