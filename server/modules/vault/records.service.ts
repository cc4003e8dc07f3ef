/** Physical records (boxes, files) of a matter: label and location sealed, check-out/check-in log. */
import type { ClientId, MatterId } from '../../../common/ids.js';
import { requireAccess } from '../../access/index.js';
import { recordEvent } from '../../audit/index.js';
import type { RequestContext } from '../../platform/context.js';
import { inTransaction } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { getMatterRow, notFound, unsafeMatterOf, vaultDb } from './vault.repository.js';
import { throwAuditedNotFound } from './vault.audit.js';
import { sealerCache, sealerForRead, sealerForWrite, type Sealer } from './vault.sealing.js';
import type { VaultRecordMovementsTable, VaultRecordsTable } from './vault.tables.js';

export interface RecordMovementView {
  action: 'create' | 'check_out' | 'check_in';
  userId: string;
  at: number;
}

export interface RecordView {
  id: string;
  matterId: string;
  label: string;
  location: string;
  custodianUserId: string | null;
  status: 'in' | 'out';
  createdAt: number;
  updatedAt: number;
  movements?: RecordMovementView[];
}

const TABLE = 'vault_records';
const actorId = (ctx: RequestContext) => (ctx.actor.kind === 'user' ? ctx.actor.userId : 'system');

function present(row: VaultRecordsTable, sealer: Sealer, movements?: VaultRecordMovementsTable[]): RecordView {
  return {
    id: row.id,
    matterId: row.matter_id,
    label: sealer.open(TABLE, row.id, 'label', row.label_sealed),
    location: sealer.open(TABLE, row.id, 'location', row.location_sealed),
    custodianUserId: row.custodian_user_id,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...(movements ? { movements: movements.map((m) => ({ action: m.action, userId: m.user_id, at: m.at })) } : {}),
  };
}

async function movementsOf(ctx: RequestContext, recordId: string): Promise<VaultRecordMovementsTable[]> {
  return vaultDb(ctx).selectFrom('vault_record_movements').selectAll().where('record_id', '=', recordId).orderBy('at', 'asc').orderBy('id', 'asc').execute();
}

export async function createRecord(ctx: RequestContext, matterId: MatterId, input: { label: string; location: string }): Promise<RecordView> {
  return inTransaction(ctx, async (tx) => {
    const auth = await requireAccess(tx, 'record.write', { kind: 'matter', matterId });
    const matter = await getMatterRow(tx, auth);
    const sealer = await sealerForWrite(tx, matter.client_id as ClientId);
    const now = tx.app.clock.now();
    const id = newId(now);
    const row: VaultRecordsTable = {
      id,
      matter_id: matterId,
      client_id: matter.client_id,
      key_version: sealer.version,
      label_sealed: sealer.seal(TABLE, id, 'label', input.label),
      location_sealed: sealer.seal(TABLE, id, 'location', input.location),
      custodian_user_id: null,
      status: 'in',
      created_at: now,
      updated_at: now,
    };
    await vaultDb(tx).insertInto('vault_records').values(row).execute();
    const movement: VaultRecordMovementsTable = { id: newId(now), record_id: id, action: 'create', user_id: actorId(tx), at: now };
    await vaultDb(tx).insertInto('vault_record_movements').values(movement).execute();
    await recordEvent(tx, { action: 'record.created', outcome: 'allowed', resources: { clientId: matter.client_id, matterId, other: { type: 'record', id } } });
    return present(row, sealer, [movement]);
  });
}

async function authorizeRecord(ctx: RequestContext, permission: 'record.read' | 'record.write', recordId: string): Promise<VaultRecordsTable> {
  const matterId = await unsafeMatterOf(ctx, 'vault_records', recordId);
  if (!matterId) return throwAuditedNotFound(ctx, permission, { other: { type: 'record', id: recordId } });
  const auth = await requireAccess(ctx, permission, { kind: 'matter', matterId: matterId as MatterId }, { other: { type: 'record', id: recordId } });
  const row = await vaultDb(ctx).selectFrom('vault_records').selectAll().where('id', '=', recordId).where('matter_id', '=', auth.matterId).executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

export async function getRecordById(ctx: RequestContext, recordId: string): Promise<RecordView> {
  const row = await authorizeRecord(ctx, 'record.read', recordId);
  return present(row, await sealerForRead(ctx, row.client_id as ClientId, row.key_version), await movementsOf(ctx, recordId));
}

export async function findRecords(ctx: RequestContext, matterId: MatterId): Promise<RecordView[]> {
  const auth = await requireAccess(ctx, 'record.read', { kind: 'matter', matterId });
  const rows = await vaultDb(ctx).selectFrom('vault_records').selectAll().where('matter_id', '=', auth.matterId).orderBy('id', 'asc').limit(1000).execute();
  const sealers = sealerCache(ctx);
  const out: RecordView[] = [];
  for (const row of rows) out.push(present(row, await sealers(row.client_id, row.key_version)));
  return out;
}

/**
 * Checks a record out to the caller (who becomes custodian) or back in (optionally at a new
 * location). Throws CONFLICT when it is already out / already in.
 */
export async function moveRecord(ctx: RequestContext, recordId: string, action: 'check_out' | 'check_in', input: { location?: string } = {}): Promise<RecordView> {
  return inTransaction(ctx, async (tx) => {
    const row = await authorizeRecord(tx, 'record.write', recordId);
    if (action === 'check_out' && row.status === 'out') throw new AppError('CONFLICT', 'The record is already checked out');
    if (action === 'check_in' && row.status === 'in') throw new AppError('CONFLICT', 'The record is not checked out');
    const clientId = row.client_id as ClientId;
    const now = tx.app.clock.now();
    let sealer = await sealerForRead(tx, clientId, row.key_version);
    let next: VaultRecordsTable = { ...row, status: action === 'check_out' ? 'out' : 'in', custodian_user_id: action === 'check_out' ? actorId(tx) : null, updated_at: now };
    if (input.location !== undefined) {
      const label = sealer.open(TABLE, row.id, 'label', row.label_sealed);
      sealer = await sealerForWrite(tx, clientId);
      next = { ...next, key_version: sealer.version, label_sealed: sealer.seal(TABLE, row.id, 'label', label), location_sealed: sealer.seal(TABLE, row.id, 'location', input.location) };
    }
    await vaultDb(tx).updateTable('vault_records').set(next).where('id', '=', row.id).where('status', '=', row.status).execute();
    // Strictly after the previous movement, so the log keeps its order even within one millisecond.
    const previous = await vaultDb(tx).selectFrom('vault_record_movements').select((eb) => eb.fn.max('at').as('at')).where('record_id', '=', row.id).executeTakeFirst();
    const at = Math.max(now, Number(previous?.at ?? 0) + 1);
    await vaultDb(tx).insertInto('vault_record_movements').values({ id: newId(at), record_id: row.id, action, user_id: actorId(tx), at }).execute();
    await recordEvent(tx, { action: `record.${action}`, outcome: 'allowed', resources: { clientId, matterId: row.matter_id, other: { type: 'record', id: row.id } } });
    return present(next, sealer, await movementsOf(tx, row.id));
  });
}
