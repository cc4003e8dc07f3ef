import { tablesOf, type AnyDb } from './db/database.js';
import { newId } from './ids.js';

interface InstanceTables {
  platform_instance: { id: string; initialized_at: number };
}

export async function isInitialized(db: AnyDb): Promise<boolean> {
  const row = await tablesOf<InstanceTables>(db).selectFrom('platform_instance').select('id').executeTakeFirst();
  return row !== undefined;
}

export async function markInitialized(db: AnyDb, now: number): Promise<void> {
  await tablesOf<InstanceTables>(db).insertInto('platform_instance').values({ id: newId(now), initialized_at: now }).execute();
}
