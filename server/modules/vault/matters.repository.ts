/**
 * Kysely for the matter's life beyond vault.repository.ts: the firm counters behind matter and
 * client numbers, client names for matter lists, and the held (conflict review) intake rows.
 */
import { sql } from 'kysely';
import type { RequestContext } from '../../platform/context.js';
import { tablesOf } from '../../platform/db/database.js';
import type { ClientAuth } from './vault.repository.js';
import type { VaultClientsTable, VaultTables } from './vault.tables.js';

const db = (ctx: RequestContext) => tablesOf<VaultTables>(ctx.db);

/**
 * The next value of the firm counter `scope` (1 for a new one), in the caller's transaction: one
 * upsert, so concurrent creations serialize on the counter's row (PostgreSQL row lock, SQLite's
 * single writer) and never get the same value.
 */
export async function takeSequenceValue(ctx: RequestContext, scope: string): Promise<number> {
  const row = await db(ctx)
    .insertInto('vault_sequences')
    .values({ scope, value: 1 })
    .onConflict((oc) => oc.column('scope').doUpdateSet({ value: sql<number>`vault_sequences.value + 1` }))
    .returning('value')
    .executeTakeFirstOrThrow();
  return Number(row.value);
}

/** Gives the authorized client its firm number if it has none yet (clients from before numbering); returns the number it has. */
export async function ensureClientNumber(ctx: RequestContext, auth: ClientAuth, candidate: () => Promise<number>): Promise<number> {
  const row = await db(ctx).selectFrom('vault_clients').select('number').where('id', '=', auth.clientId).executeTakeFirst();
  if (row?.number !== null && row?.number !== undefined) return Number(row.number);
  const number = await candidate();
  await db(ctx).updateTable('vault_clients').set({ number }).where('id', '=', auth.clientId).where('number', 'is', null).execute();
  const stored = await db(ctx).selectFrom('vault_clients').select('number').where('id', '=', auth.clientId).executeTakeFirst();
  return Number(stored?.number ?? number);
}

/**
 * Names of the clients of matter rows that came through `scopeFor` (a seat on a matter implies
 * its client's name). Unsafe (raw ids): only for those rows.
 */
export async function unsafeClientNameRows(ctx: RequestContext, clientIds: string[]): Promise<Pick<VaultClientsTable, 'id' | 'key_version' | 'name_sealed'>[]> {
  if (clientIds.length === 0) return [];
  return db(ctx).selectFrom('vault_clients').select(['id', 'key_version', 'name_sealed']).where('id', 'in', clientIds).execute();
}
