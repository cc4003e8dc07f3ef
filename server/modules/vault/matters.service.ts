/** Matters: the unit of need-to-know. The creator becomes lead attorney (registered with access). */
import { randomBytes } from 'node:crypto';
import type { ClientId, MatterId, UserId } from '../../../common/ids.js';
import { registerMatter, requireAccess, scopeFor } from '../../access/index.js';
import { recordEvent } from '../../audit/index.js';
import type { RequestContext } from '../../platform/context.js';
import { inTransaction } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { pageResult, type Page } from './vault.pagination.js';
import { getClientRow, getMatterRow, vaultDb } from './vault.repository.js';
import { sealerCache, sealerForRead, sealerForWrite, searchToken, type Sealer } from './vault.sealing.js';
import type { VaultMattersTable } from './vault.tables.js';

export type MatterStatus = 'open' | 'pending' | 'closed';

export interface MatterView {
  id: string;
  clientId: string;
  number: string;
  title: string;
  practiceArea: string | null;
  jurisdiction: string | null;
  status: MatterStatus;
  openedAt: number;
  closedAt: number | null;
  leadUserId: string;
  createdAt: number;
  updatedAt: number;
}

export interface CreateMatterInput {
  clientId: ClientId;
  title: string;
  number?: string;
  practiceArea?: string | null;
  jurisdiction?: string | null;
  status?: MatterStatus;
  openedAt?: number;
}

export type UpdateMatterInput = Partial<Omit<CreateMatterInput, 'clientId' | 'number'> & { closedAt: number | null }>;

const TABLE = 'vault_matters';

function present(row: VaultMattersTable, sealer: Sealer | null): MatterView {
  return {
    id: row.id,
    clientId: row.client_id,
    number: row.number,
    // Null sealer: the client's keys were crypto-shredded; the title is gone with them.
    title: sealer ? sealer.open(TABLE, row.id, 'title', row.title_sealed) : '',
    practiceArea: row.practice_area,
    jurisdiction: row.jurisdiction,
    status: row.status,
    openedAt: row.opened_at,
    closedAt: row.closed_at,
    leadUserId: row.lead_user_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Throws ACCESS_DENIED (client missing or forbidden), CONFLICT (number taken), SEALED, KEY_DESTROYED. */
export async function createMatter(ctx: RequestContext, input: CreateMatterInput): Promise<MatterView> {
  return inTransaction(ctx, async (tx) => {
    const auth = await requireAccess(tx, 'matter.create', { kind: 'client', clientId: input.clientId });
    await getClientRow(tx, auth);
    if (tx.actor.kind !== 'user') throw new AppError('FORBIDDEN', 'Only a person can open a matter');
    const lead: UserId = tx.actor.userId;
    const now = tx.app.clock.now();
    const id = newId<MatterId>(now);
    const number = input.number ?? `${new Date(now).getUTCFullYear()}-${randomBytes(4).toString('hex').toUpperCase()}`;
    const taken = await vaultDb(tx).selectFrom('vault_matters').select('id').where('number', '=', number).executeTakeFirst();
    if (taken) throw new AppError('CONFLICT', 'A matter with this number exists', [{ path: 'body.number', message: 'is already used' }]);
    await registerMatter(tx, { matterId: id, clientId: input.clientId, leadUserId: lead });
    const sealer = await sealerForWrite(tx, input.clientId);
    const status = input.status ?? 'open';
    const row: VaultMattersTable = {
      id,
      client_id: input.clientId,
      number,
      key_version: sealer.version,
      title_sealed: sealer.seal(TABLE, id, 'title', input.title),
      title_index: await searchToken(tx, 'matter-title', input.title),
      practice_area: input.practiceArea ?? null,
      jurisdiction: input.jurisdiction ?? null,
      status,
      opened_at: input.openedAt ?? now,
      closed_at: status === 'closed' ? now : null,
      lead_user_id: lead,
      created_at: now,
      updated_at: now,
    };
    await vaultDb(tx).insertInto('vault_matters').values(row).execute();
    await recordEvent(tx, { action: 'matter.created', outcome: 'allowed', resources: { clientId: input.clientId, matterId: id } });
    return present(row, sealer);
  });
}

export async function getMatterById(ctx: RequestContext, matterId: MatterId): Promise<MatterView> {
  const auth = await requireAccess(ctx, 'matter.read', { kind: 'matter', matterId });
  const row = await getMatterRow(ctx, auth);
  return present(row, await sealerForRead(ctx, row.client_id as ClientId, row.key_version));
}

export async function updateMatter(ctx: RequestContext, matterId: MatterId, input: UpdateMatterInput): Promise<MatterView> {
  return inTransaction(ctx, async (tx) => {
    const auth = await requireAccess(tx, 'matter.update', { kind: 'matter', matterId });
    const row = await getMatterRow(tx, auth);
    const clientId = row.client_id as ClientId;
    const title = input.title ?? (await sealerForRead(tx, clientId, row.key_version)).open(TABLE, row.id, 'title', row.title_sealed);
    const sealer = await sealerForWrite(tx, clientId);
    const status = input.status ?? row.status;
    const now = tx.app.clock.now();
    const next: VaultMattersTable = {
      ...row,
      key_version: sealer.version,
      title_sealed: sealer.seal(TABLE, row.id, 'title', title),
      title_index: await searchToken(tx, 'matter-title', title),
      practice_area: input.practiceArea !== undefined ? input.practiceArea : row.practice_area,
      jurisdiction: input.jurisdiction !== undefined ? input.jurisdiction : row.jurisdiction,
      status,
      opened_at: input.openedAt ?? row.opened_at,
      closed_at: input.closedAt !== undefined ? input.closedAt : status === 'closed' ? (row.closed_at ?? now) : null,
      updated_at: now,
    };
    await vaultDb(tx).updateTable('vault_matters').set(next).where('id', '=', row.id).execute();
    await recordEvent(tx, { action: 'matter.updated', outcome: 'allowed', resources: { clientId, matterId } });
    return present(next, sealer);
  });
}

/** Matters the caller may open (optionally of one client, or with an exact title), by id order. */
export async function findMatters(ctx: RequestContext, page: Page, filter: { clientId?: string; title?: string } = {}): Promise<{ items: MatterView[]; nextCursor: string | null }> {
  const scope = await scopeFor(ctx, 'matter.read');
  let query = vaultDb(ctx).selectFrom('vault_matters').selectAll().orderBy('id', 'asc').limit(page.limit + 1);
  if (page.after) query = query.where('id', '>', page.after);
  if (filter.clientId) query = query.where('client_id', '=', filter.clientId);
  if (filter.title !== undefined) query = query.where('title_index', '=', await searchToken(ctx, 'matter-title', filter.title));
  query = scope.apply(query, 'vault_matters.id', 'matter');
  const { rows, nextCursor } = pageResult(await query.execute(), page);
  const sealers = sealerCache(ctx);
  const items: MatterView[] = [];
  for (const row of rows) {
    let sealer: Sealer | null = null;
    try {
      sealer = await sealers(row.client_id, row.key_version);
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'KEY_DESTROYED')) throw error;
    }
    items.push(present(row, sealer));
  }
  return { items, nextCursor };
}
