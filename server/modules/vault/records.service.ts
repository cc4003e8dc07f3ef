/** Physical records (boxes, files) of a matter: label and location sealed, check-out/check-in log. */
import type { MatterId } from '../../../common/ids.js';
import { requireAccess } from '../../access/index.js';
import { recordEvent } from '../../audit/index.js';
import type { RequestContext } from '../../platform/context.js';
import { inTransaction } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { refuseIfHeld } from './vault.holds.js';
import { newId } from '../../platform/ids.js';
import { presentRecord, type RecordView } from './vault.presenter.js';
import {
  findRecordMovements,
  findRecordRowsOfMatter,
  getMatterRow,
  refuseUnderDestroyedMatter,
  getRecordRow,
  insertRecordMovement,
  insertRecordRow,
  latestRecordMovementAt,
  updateRecordRow,
  type ObjectAuth,
} from './vault.repository.js';
import { sealerCacheFor, sealerForRead, sealerForWrite } from './vault.sealing.js';
import type { VaultRecordMovementsTable, VaultRecordsTable } from './vault.tables.js';

const TABLE = 'vault_records';
const actorId = (ctx: RequestContext) => (ctx.actor.kind === 'user' ? ctx.actor.userId : 'system');

export async function createRecord(ctx: RequestContext, matterId: MatterId, input: { label: string; location: string }): Promise<RecordView> {
  return inTransaction(ctx, async (tx) => {
    const auth = await requireAccess(tx, 'record.write', { kind: 'matter', matterId });
    const matter = await getMatterRow(tx, auth);
    const sealer = await sealerForWrite(tx, auth);
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
      destroyed_at: null,
      destruction_method: null,
      destruction_witness: null,
    };
    const movement: VaultRecordMovementsTable = { id: newId(now), record_id: id, action: 'create', user_id: actorId(tx), at: now };
    await insertRecordRow(tx, auth, row, movement);
    await recordEvent(tx, { action: 'record.created', outcome: 'allowed', resources: { clientId: matter.client_id, matterId, other: { type: 'record', id } } });
    return presentRecord(row, sealer, [movement]);
  });
}

async function authorizeRecord(ctx: RequestContext, permission: 'record.read' | 'record.write', recordId: string): Promise<{ auth: ObjectAuth; row: VaultRecordsTable }> {
  const auth = await requireAccess(ctx, permission, { kind: 'object', type: 'record', id: recordId });
  const row = await getRecordRow(ctx, auth);
  // A destroyed matter's boxes answer like the matter (410): they wait for their own witnessed destruction through retention.
  await refuseUnderDestroyedMatter(ctx, auth);
  return { auth, row };
}

export async function getRecordById(ctx: RequestContext, recordId: string): Promise<RecordView> {
  const { auth, row } = await authorizeRecord(ctx, 'record.read', recordId);
  return presentRecord(row, await sealerForRead(ctx, auth, row.key_version), await findRecordMovements(ctx, auth));
}

export async function findRecords(ctx: RequestContext, matterId: MatterId): Promise<RecordView[]> {
  const auth = await requireAccess(ctx, 'record.read', { kind: 'matter', matterId });
  // A destroyed matter answers KEY_DESTROYED.
  await getMatterRow(ctx, auth);
  const rows = await findRecordRowsOfMatter(ctx, auth);
  const sealers = sealerCacheFor(ctx, auth);
  const out: RecordView[] = [];
  for (const row of rows) out.push(presentRecord(row, await sealers(row.key_version)));
  return out;
}

/**
 * Checks a record out to the caller (who becomes custodian) or back in (optionally at a new
 * location). Throws CONFLICT when it is already out / already in.
 */
export async function moveRecord(ctx: RequestContext, recordId: string, action: 'check_out' | 'check_in', input: { location?: string } = {}): Promise<RecordView> {
  return inTransaction(ctx, async (tx) => {
    const { auth, row } = await authorizeRecord(tx, 'record.write', recordId);
    if (action === 'check_out' && row.status === 'out') throw new AppError('CONFLICT', 'The record is already checked out');
    if (action === 'check_in' && row.status === 'in') throw new AppError('CONFLICT', 'The record is not checked out');
    const now = tx.app.clock.now();
    let sealer = await sealerForRead(tx, auth, row.key_version);
    let next: VaultRecordsTable = { ...row, status: action === 'check_out' ? 'out' : 'in', custodian_user_id: action === 'check_out' ? actorId(tx) : null, updated_at: now };
    if (input.location !== undefined) {
      // Moving a held box elsewhere is a change: refused while a hold covers it (checking it out and in is not).
      await refuseIfHeld(tx, { clientId: row.client_id, matterId: row.matter_id }, { type: 'record', id: row.id, custodianId: row.custodian_user_id }, { action: `record.${action}`, resources: { clientId: row.client_id, matterId: row.matter_id, other: { type: 'record', id: row.id } } });
      const label = sealer.open(TABLE, row.id, 'label', row.label_sealed);
      sealer = await sealerForWrite(tx, auth);
      next = { ...next, key_version: sealer.version, label_sealed: sealer.seal(TABLE, row.id, 'label', label), location_sealed: sealer.seal(TABLE, row.id, 'location', input.location) };
    }
    await updateRecordRow(tx, auth, next, row.status);
    // Strictly after the previous movement, so the log keeps its order even within one millisecond.
    const at = Math.max(now, (await latestRecordMovementAt(tx, auth)) + 1);
    await insertRecordMovement(tx, auth, { id: newId(at), record_id: row.id, action, user_id: actorId(tx), at });
    await recordEvent(tx, { action: `record.${action}`, outcome: 'allowed', resources: { clientId: row.client_id, matterId: row.matter_id, other: { type: 'record', id: row.id } } });
    return presentRecord(next, sealer, await findRecordMovements(tx, auth));
  });
}
