/**
 * The rows behind matter and client labels (numbers, sealed titles and names) for access's
 * `describeTargets`. Unsafe by name: read by raw id without a decision — the caller opens the
 * sealed fields only for ids access has just checked (see vault.labels.ts).
 */
import { sql, type SqlBool } from 'kysely';
import type { RequestContext } from '../../platform/context.js';
import { tablesOf } from '../../platform/db/database.js';
import type { VaultTables } from './vault.tables.js';

const db = (ctx: RequestContext) => tablesOf<VaultTables>(ctx.db);

export async function unsafeMatterLabelRows(ctx: RequestContext, ids: string[]) {
  if (ids.length === 0) return [];
  return db(ctx)
    .selectFrom('vault_matters as m')
    .innerJoin('vault_clients as c', 'c.id', 'm.client_id')
    .select(['m.id', 'm.number', 'm.client_id', 'm.key_version', 'm.title_sealed', 'c.key_version as client_key_version', 'c.name_sealed'])
    .where('m.id', 'in', ids)
    .execute();
}

export async function unsafeClientLabelRows(ctx: RequestContext, ids: string[]) {
  if (ids.length === 0) return [];
  return db(ctx).selectFrom('vault_clients').select(['id', 'key_version', 'name_sealed']).where('id', 'in', ids).execute();
}

/** Matter ids whose number starts with `prefix` (numbers are not sealed: the firm assigns them). */
export async function unsafeMatterIdsByNumberPrefix(ctx: RequestContext, prefix: string, limit: number): Promise<string[]> {
  const escaped = prefix.toUpperCase().replace(/[\\%_]/g, (c) => `\\${c}`);
  const rows = await db(ctx)
    .selectFrom('vault_matters')
    .select(['id'])
    .where(sql<SqlBool>`upper(number) like ${`${escaped}%`} escape '\\'`)
    .orderBy('number')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}
