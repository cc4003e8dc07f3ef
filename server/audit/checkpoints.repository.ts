/** SQL of the signed checkpoints (`audit_checkpoint`, append-only by trigger). */
import type { AnyDb } from '../platform/db/database.js';
import { tablesOf } from '../platform/db/database.js';
import type { AuditTables } from './audit.tables.js';

export type CheckpointRow = AuditTables['audit_checkpoint'];

function checkpoints(db: AnyDb) {
  return tablesOf<AuditTables>(db);
}

export async function findCheckpointOfSize(db: AnyDb, size: number): Promise<CheckpointRow | undefined> {
  return checkpoints(db).selectFrom('audit_checkpoint').selectAll().where('size', '=', size).executeTakeFirst();
}

/** Stores a checkpoint unless one of that size exists (another node may have signed it first); true when this one was stored. */
export async function insertCheckpointOnce(db: AnyDb, row: CheckpointRow): Promise<boolean> {
  const inserted = await checkpoints(db).insertInto('audit_checkpoint').values(row).onConflict((oc) => oc.column('size').doNothing()).executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function findLatestCheckpoint(db: AnyDb): Promise<CheckpointRow | undefined> {
  return checkpoints(db).selectFrom('audit_checkpoint').selectAll().orderBy('size', 'desc').limit(1).executeTakeFirst();
}

/** The smallest checkpoint covering `treeSize` leaves or more. */
export async function findCheckpointCovering(db: AnyDb, treeSize: number): Promise<CheckpointRow | undefined> {
  return checkpoints(db).selectFrom('audit_checkpoint').selectAll().where('size', '>=', treeSize).orderBy('size', 'asc').limit(1).executeTakeFirst();
}

/** Every checkpoint, smallest first. */
export async function listCheckpointRows(db: AnyDb): Promise<CheckpointRow[]> {
  return checkpoints(db).selectFrom('audit_checkpoint').selectAll().orderBy('size', 'asc').execute();
}
