/** Matters: the unit of need-to-know. The creator becomes lead attorney (registered with access). */
import { randomBytes } from 'node:crypto';
import type { ClientId, MatterId, UserId } from '../../../common/ids.js';
import { registerMatter, requireAccess, scopeFor, type Scope } from '../../access/index.js';
import { recordEvent } from '../../audit/index.js';
import type { RequestContext } from '../../platform/context.js';
import { inTransaction } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { recordListRead } from './vault.audit.js';
import { collectMatches, pageResult, type Page } from './vault.pagination.js';
import { presentMatter, type MatterStatus, type MatterView } from './vault.presenter.js';
import { findMatterIndexRows, findMatterRows, getClientRow, getMatterRow, insertMatterRow, isMatterNumberTaken, updateMatterRow } from './vault.repository.js';
import { indexToken, sealerForRead, sealerForWrite, unsafeIndexMatcher, unsafeSealerCache, type Sealer } from './vault.sealing.js';
import type { VaultMattersTable } from './vault.tables.js';

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

async function freeMatterNumber(tx: RequestContext, now: number): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const number = `${new Date(now).getUTCFullYear()}-${randomBytes(4).toString('hex').toUpperCase()}`;
    if (!(await isMatterNumberTaken(tx, number))) return number;
  }
  throw new AppError('CONFLICT', 'Could not assign a matter number; try again');
}

/** Throws ACCESS_DENIED (client missing or forbidden), VALIDATION_FAILED (number given), SEALED, KEY_DESTROYED. */
export async function createMatter(ctx: RequestContext, input: CreateMatterInput): Promise<MatterView> {
  return inTransaction(ctx, async (tx) => {
    const auth = await requireAccess(tx, 'matter.create', { kind: 'client', clientId: input.clientId });
    await getClientRow(tx, auth);
    if (tx.actor.kind !== 'user') throw new AppError('FORBIDDEN', 'Only a person can open a matter');
    const lead: UserId = tx.actor.userId;
    const now = tx.app.clock.now();
    const id = newId<MatterId>(now);
    // Matter numbers are unique across the firm. Letting a person choose one would let them probe
    // for matters they may not see ("exists" for a walled matter's number), so the firm assigns
    // every number.
    if (input.number !== undefined) throw new AppError('VALIDATION_FAILED', 'Matter numbers are assigned by the firm', [{ path: 'body.number', message: 'is assigned by the firm; leave it out' }]);
    const number = await freeMatterNumber(tx, now);
    await registerMatter(tx, { matterId: id, clientId: input.clientId, leadUserId: lead });
    const sealer = await sealerForWrite(tx, auth);
    const status = input.status ?? 'open';
    const index = await indexToken(tx, auth, sealer.version, 'matter-title', input.title);
    const row: VaultMattersTable = {
      id,
      client_id: input.clientId,
      number,
      key_version: sealer.version,
      title_sealed: sealer.seal(TABLE, id, 'title', input.title),
      title_index: index.token,
      title_index_key_version: index.keyVersion,
      practice_area: input.practiceArea ?? null,
      jurisdiction: input.jurisdiction ?? null,
      status,
      opened_at: input.openedAt ?? now,
      closed_at: status === 'closed' ? now : null,
      lead_user_id: lead,
      created_at: now,
      updated_at: now,
    };
    await insertMatterRow(tx, auth, row);
    await recordEvent(tx, { action: 'matter.created', outcome: 'allowed', resources: { clientId: input.clientId, matterId: id } });
    return presentMatter(row, sealer);
  });
}

export async function getMatterById(ctx: RequestContext, matterId: MatterId): Promise<MatterView> {
  const auth = await requireAccess(ctx, 'matter.read', { kind: 'matter', matterId });
  const row = await getMatterRow(ctx, auth);
  return presentMatter(row, await sealerForRead(ctx, auth, row.key_version));
}

export async function updateMatter(ctx: RequestContext, matterId: MatterId, input: UpdateMatterInput): Promise<MatterView> {
  return inTransaction(ctx, async (tx) => {
    const auth = await requireAccess(tx, 'matter.update', { kind: 'matter', matterId });
    const row = await getMatterRow(tx, auth);
    const clientId = row.client_id as ClientId;
    const title = input.title ?? (await sealerForRead(tx, auth, row.key_version)).open(TABLE, row.id, 'title', row.title_sealed);
    const sealer = await sealerForWrite(tx, auth);
    const status = input.status ?? row.status;
    const now = tx.app.clock.now();
    const index = await indexToken(tx, auth, sealer.version, 'matter-title', title);
    const next: VaultMattersTable = {
      ...row,
      key_version: sealer.version,
      title_sealed: sealer.seal(TABLE, row.id, 'title', title),
      title_index: index.token,
      title_index_key_version: index.keyVersion,
      practice_area: input.practiceArea !== undefined ? input.practiceArea : row.practice_area,
      jurisdiction: input.jurisdiction !== undefined ? input.jurisdiction : row.jurisdiction,
      status,
      opened_at: input.openedAt ?? row.opened_at,
      closed_at: input.closedAt !== undefined ? input.closedAt : status === 'closed' ? (row.closed_at ?? now) : null,
      updated_at: now,
    };
    await updateMatterRow(tx, auth, next);
    await recordEvent(tx, { action: 'matter.updated', outcome: 'allowed', resources: { clientId, matterId } });
    return presentMatter(next, sealer);
  });
}

/**
 * Matters the caller may open (optionally of one client, or with an exact title matched through
 * each client's own blind index), by id order. Records one `matter.list` / `matter.search` event
 * (count, and the ids where the event has room; never the title) before returning. Throws
 * AUDIT_UNAVAILABLE, SEALED.
 */
export async function findMatters(ctx: RequestContext, page: Page, filter: { clientId?: string; title?: string } = {}): Promise<{ items: MatterView[]; nextCursor: string | null }> {
  const scope = await scopeFor(ctx, 'matter.read');
  // A search reads exactly the matched ids, scoped again (access may have changed meanwhile).
  const rowFilter = filter.title !== undefined ? { ids: await matchingMatterIds(ctx, scope, page, filter.title, filter.clientId) } : filter.clientId ? { clientId: filter.clientId } : {};
  const { rows, nextCursor } = pageResult(await findMatterRows(ctx, scope, page, rowFilter), page);
  // The rows came through scopeFor: no single authorization to open them with.
  const sealers = unsafeSealerCache(ctx);
  const items: MatterView[] = [];
  for (const row of rows) {
    let sealer: Sealer | null = null;
    try {
      sealer = await sealers(row.client_id, row.key_version);
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'KEY_DESTROYED')) throw error;
    }
    items.push(presentMatter(row, sealer));
  }
  await recordListRead(ctx, filter.title !== undefined ? 'matter.search' : 'matter.list', items.map((m) => ({ clientId: m.clientId, matterId: m.id })));
  return { items, nextCursor };
}

/** Ids (in id order, at most a page and one) of the matters in scope whose title index matches `title`. */
async function matchingMatterIds(ctx: RequestContext, scope: Scope, page: Page, title: string, clientId: string | undefined): Promise<string[]> {
  // Candidates come through scopeFor only.
  const matches = unsafeIndexMatcher(ctx, 'matter-title', title);
  return collectMatches(
    page,
    (after, limit) => findMatterIndexRows(ctx, scope, after, limit, clientId),
    (rows) => matches(rows.map((r) => ({ clientId: r.client_id, token: r.title_index, keyVersion: r.title_index_key_version }))),
  );
}
