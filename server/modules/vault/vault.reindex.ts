/**
 * Per-client blind indexes (issue 12, item 9), for rows written before them and for shredding.
 *
 * - `reindexBlindIndexes`: rows whose index is still the old firm-wide token (key version null —
 *   the migration added the column; it cannot reach the keys) get their token recomputed under
 *   their own client's key; rows of shredded clients get their index wiped. Run once by the vault
 *   module's start (when unsealed) and then every 15 minutes (an instance that starts sealed, or
 *   rows written by a node still on the old code during a rolling upgrade). Idempotent: each update
 *   is conditional on the row still being unindexed; each batch commits with one `vault.reindex`
 *   event (system actor, counts only).
 * - `wipeClientIndexes`: runs inside the crypto-shredding transaction, so a shredded client's
 *   stored tokens are gone with its key.
 */
import type { ClientId } from '../../../common/ids.js';
import { recordEvent } from '../../audit/index.js';
import type { AppServices, RequestContext } from '../../platform/context.js';
import { inTransaction, systemContext } from '../../platform/context.js';
import { isSealed, unsafeClientBlindIndexKeys } from '../keys/index.js';
import { setIndexIfUnindexed, unsafeFindUnindexedRows, wipeIndexesOfClient, type UnindexedRow } from './vault.repository.js';
import { indexTokenWith, unsafeSealerCache, type IndexPurpose } from './vault.sealing.js';

export const JOB_REINDEX = 'vault.reindex-blind-indexes';
export const REINDEX_INTERVAL_MS = 15 * 60_000;
const BATCH = 500;

/** Inside the shredding transaction: the client's name index and its matters' title indexes are wiped. */
export async function wipeClientIndexes(tx: RequestContext, clientId: ClientId): Promise<void> {
  await wipeIndexesOfClient(tx, clientId);
}

export interface ReindexResult {
  /** Rows given a per-client token. */
  reindexed: number;
  /** Rows of shredded clients whose old token was wiped. */
  wiped: number;
  /** Rows left as they were (their sealed value did not open: logged by id, retried next run). */
  failed: number;
}

interface Table {
  table: 'vault_clients' | 'vault_matters';
  purpose: IndexPurpose;
  field: 'name' | 'title';
}
const TABLES: Table[] = [
  { table: 'vault_clients', purpose: 'client-name', field: 'name' },
  { table: 'vault_matters', purpose: 'matter-title', field: 'title' },
];

/** Re-indexes rows still holding the old firm-wide token. Does nothing while sealed. Throws AUDIT_UNAVAILABLE. */
export async function reindexBlindIndexes(services: AppServices): Promise<ReindexResult> {
  const total: ReindexResult = { reindexed: 0, wiped: 0, failed: 0 };
  if (isSealed(services)) return total;
  const ctx = systemContext(services, 'vault.reindex');
  for (const spec of TABLES) {
    let after = '';
    for (;;) {
      // The job is a system actor with no single authorization: it reads every unindexed row.
      const batch = await unsafeFindUnindexedRows(ctx, spec.table, after, BATCH);
      if (batch.length === 0) break;
      after = batch[batch.length - 1]!.id;
      const result = await reindexBatch(ctx, spec, batch);
      total.reindexed += result.reindexed;
      total.wiped += result.wiped;
      total.failed += result.failed;
    }
  }
  return total;
}

async function reindexBatch(ctx: RequestContext, spec: Table, batch: UnindexedRow[]): Promise<ReindexResult> {
  const keys = await unsafeClientBlindIndexKeys(ctx, batch.map((r) => r.clientId));
  const sealers = unsafeSealerCache(ctx);
  const updates: { id: string; token: string; keyVersion: number }[] = [];
  let failed = 0;
  for (const row of batch) {
    const indexKey = keys.get(row.clientId)?.get(row.keyVersion);
    // No live key for the version the row is sealed with: the client was shredded.
    if (!indexKey) {
      updates.push({ id: row.id, token: '', keyVersion: 0 });
      continue;
    }
    try {
      const value = (await sealers(row.clientId, row.keyVersion)).open(spec.table, row.id, spec.field, row.sealed);
      updates.push({ id: row.id, token: indexTokenWith(indexKey, spec.purpose, value), keyVersion: row.keyVersion });
    } catch (error) {
      failed += 1;
      ctx.app.logger.error({ table: spec.table, id: row.id, err: error instanceof Error ? error.name : 'unknown' }, 'blind index: sealed value did not open; row left as it was');
    }
  }
  if (updates.length === 0) return { reindexed: 0, wiped: 0, failed };
  return inTransaction(ctx, async (tx) => {
    let reindexed = 0;
    let wiped = 0;
    for (const update of updates) {
      if (!(await setIndexIfUnindexed(tx, spec.table, update.id, update.token, update.keyVersion))) continue;
      if (update.keyVersion === 0) wiped += 1;
      else reindexed += 1;
    }
    if (reindexed + wiped > 0) {
      await recordEvent(tx, { action: 'vault.reindex', outcome: 'allowed', reason: spec.table === 'vault_clients' ? 'CLIENT_NAMES' : 'MATTER_TITLES', resources: { other: { type: 'reindexed_rows', id: `${reindexed}:${wiped}` } } });
    }
    return { reindexed, wiped, failed };
  });
}
