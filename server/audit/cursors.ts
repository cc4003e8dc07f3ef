/** Named positions in the event stream (monitoring rules, each sink) and small status records. */
import type { AppServices } from '../platform/context.js';
import { tablesOf } from '../platform/db/database.js';
import type { AuditTables } from './audit.tables.js';

export async function readCursor(services: AppServices, name: string): Promise<{ position: number; status: string | null }> {
  const row = await tablesOf<AuditTables>(services.database.db).selectFrom('audit_cursor').select(['position', 'status']).where('name', '=', name).executeTakeFirst();
  return row ? { position: Number(row.position), status: row.status } : { position: -1, status: null };
}

export async function writeCursor(services: AppServices, name: string, position: number, status: string | null = null): Promise<void> {
  const now = services.clock.now();
  await tablesOf<AuditTables>(services.database.db)
    .insertInto('audit_cursor')
    .values({ name, position, updated_at: now, status })
    .onConflict((oc) => oc.column('name').doUpdateSet({ position, updated_at: now, status }))
    .execute();
}

/** Serializes runs of one background task per services instance (no overlapping sweeps). */
export function serialized(fn: (services: AppServices) => Promise<void>): (services: AppServices) => Promise<void> {
  const running = new WeakMap<AppServices, Promise<void>>();
  return (services) => {
    const previous = running.get(services) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => fn(services));
    running.set(services, next);
    return next;
  };
}
