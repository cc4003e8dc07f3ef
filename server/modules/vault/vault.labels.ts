/**
 * The vault's `TargetLabeler` (provided to access): matter numbers for every id asked, titles and
 * client names opened only for the ids access says the viewer may open. A shredded client's
 * values cannot be opened any more: they come back null, the number stays.
 */
import type { ClientLabel, MatterLabel, TargetLabeler } from '../../access/index.js';
import type { RequestContext } from '../../platform/context.js';
import { unsafeClientLabelRows, unsafeMatterIdsByNumberPrefix, unsafeMatterLabelRows } from './labels.repository.js';
import { unsafeSealerCache, type Sealer } from './vault.sealing.js';

async function openOrNull(sealers: (clientId: string, version: number) => Promise<Sealer>, clientId: string, version: number, open: (sealer: Sealer) => string): Promise<string | null> {
  try {
    return open(await sealers(clientId, version));
  } catch {
    // KEY_DESTROYED (shredded) or SEALED: the label is simply not available.
    return null;
  }
}

export const vaultLabeler: TargetLabeler = {
  async unsafeMatterLabels(ctx: RequestContext, matterIds, openTitles, openClientNames) {
    const sealers = unsafeSealerCache(ctx);
    const labels = new Map<string, MatterLabel>();
    for (const row of await unsafeMatterLabelRows(ctx, matterIds)) {
      const title = openTitles.has(row.id) ? await openOrNull(sealers, row.client_id, row.key_version, (s) => s.open('vault_matters', row.id, 'title', row.title_sealed)) : null;
      const clientName = openClientNames.has(row.id) ? await openOrNull(sealers, row.client_id, row.client_key_version, (s) => s.open('vault_clients', row.client_id, 'name', row.name_sealed)) : null;
      labels.set(row.id, { number: row.number, clientId: row.client_id, title, clientName });
    }
    return labels;
  },
  async unsafeClientLabels(ctx: RequestContext, clientIds, openNames) {
    const sealers = unsafeSealerCache(ctx);
    const labels = new Map<string, ClientLabel>();
    for (const row of await unsafeClientLabelRows(ctx, clientIds)) {
      const name = openNames.has(row.id) ? await openOrNull(sealers, row.id, row.key_version, (s) => s.open('vault_clients', row.id, 'name', row.name_sealed)) : null;
      labels.set(row.id, { name });
    }
    return labels;
  },
  unsafeMatterIdsByNumber: (ctx, prefix, limit) => unsafeMatterIdsByNumberPrefix(ctx, prefix, limit),
};
