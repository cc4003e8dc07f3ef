/** Notes: sealed rich text (the editor's HTML or Markdown, stored as given, sealed at rest) on a matter. */
import type { ClientId, MatterId, NoteId } from '../../../common/ids.js';
import { requireAccess } from '../../access/index.js';
import { recordEvent } from '../../audit/index.js';
import type { RequestContext } from '../../platform/context.js';
import { inTransaction } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { pageResult, type Page } from './vault.pagination.js';
import { getMatterRow, notFound, unsafeMatterOf, vaultDb, type MatterAuth } from './vault.repository.js';
import { throwAuditedNotFound } from './vault.audit.js';
import { sealerCache, sealerForRead, sealerForWrite, type Sealer } from './vault.sealing.js';
import type { VaultNotesTable } from './vault.tables.js';

export interface NoteView {
  id: string;
  matterId: string;
  title: string;
  body: string;
  revision: number;
  createdBy: string;
  createdAt: number;
  updatedBy: string;
  updatedAt: number;
}

const TABLE = 'vault_notes';

function present(row: VaultNotesTable, sealer: Sealer): NoteView {
  return {
    id: row.id,
    matterId: row.matter_id,
    title: sealer.open(TABLE, row.id, 'title', row.title_sealed),
    body: sealer.open(TABLE, row.id, 'body', row.body_sealed),
    revision: row.revision,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedBy: row.updated_by,
    updatedAt: row.updated_at,
  };
}

const actorId = (ctx: RequestContext) => (ctx.actor.kind === 'user' ? ctx.actor.userId : 'system');

export async function createNote(ctx: RequestContext, matterId: MatterId, input: { title: string; body: string }): Promise<NoteView> {
  return inTransaction(ctx, async (tx) => {
    const auth = await requireAccess(tx, 'note.write', { kind: 'matter', matterId });
    const matter = await getMatterRow(tx, auth);
    const sealer = await sealerForWrite(tx, matter.client_id as ClientId);
    const now = tx.app.clock.now();
    const id = newId<NoteId>(now);
    const row: VaultNotesTable = {
      id,
      matter_id: matterId,
      client_id: matter.client_id,
      key_version: sealer.version,
      title_sealed: sealer.seal(TABLE, id, 'title', input.title),
      body_sealed: sealer.seal(TABLE, id, 'body', input.body),
      revision: 1,
      deleted_at: null,
      created_by: actorId(tx),
      created_at: now,
      updated_by: actorId(tx),
      updated_at: now,
    };
    await vaultDb(tx).insertInto('vault_notes').values(row).execute();
    await recordEvent(tx, { action: 'note.created', outcome: 'allowed', resources: { clientId: matter.client_id, matterId, other: { type: 'note', id } } });
    return present(row, sealer);
  });
}

async function authorizeNote(ctx: RequestContext, permission: 'note.read' | 'note.write', noteId: string): Promise<{ auth: MatterAuth; row: VaultNotesTable }> {
  // A deleted note is as missing as one that never existed: the same audited NOT_FOUND denial.
  const matterId = await unsafeMatterOf(ctx, 'vault_notes', noteId);
  if (!matterId) return throwAuditedNotFound(ctx, permission, { other: { type: 'note', id: noteId } });
  const auth = await requireAccess(ctx, permission, { kind: 'matter', matterId: matterId as MatterId }, { other: { type: 'note', id: noteId } });
  const row = await vaultDb(ctx).selectFrom('vault_notes').selectAll().where('id', '=', noteId).where('matter_id', '=', auth.matterId).where('deleted_at', 'is', null).executeTakeFirst();
  if (!row) throw notFound();
  return { auth, row };
}

export async function getNoteById(ctx: RequestContext, noteId: NoteId): Promise<NoteView> {
  const { row } = await authorizeNote(ctx, 'note.read', noteId);
  return present(row, await sealerForRead(ctx, row.client_id as ClientId, row.key_version));
}

/** Updates a note; `revision` must be the one the editor loaded (else CONFLICT: someone saved meanwhile). */
export async function updateNote(ctx: RequestContext, noteId: NoteId, input: { title?: string; body?: string; revision: number }): Promise<NoteView> {
  return inTransaction(ctx, async (tx) => {
    const { row } = await authorizeNote(tx, 'note.write', noteId);
    if (row.revision !== input.revision) throw new AppError('CONFLICT', 'The note was changed meanwhile', [{ path: 'body.revision', message: 'is not the latest' }]);
    const clientId = row.client_id as ClientId;
    const current = present(row, await sealerForRead(tx, clientId, row.key_version));
    const sealer = await sealerForWrite(tx, clientId);
    const next: VaultNotesTable = {
      ...row,
      key_version: sealer.version,
      title_sealed: sealer.seal(TABLE, row.id, 'title', input.title ?? current.title),
      body_sealed: sealer.seal(TABLE, row.id, 'body', input.body ?? current.body),
      revision: row.revision + 1,
      updated_by: actorId(tx),
      updated_at: tx.app.clock.now(),
    };
    const result = await vaultDb(tx).updateTable('vault_notes').set(next).where('id', '=', row.id).where('revision', '=', row.revision).executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw new AppError('CONFLICT', 'The note was changed meanwhile');
    await recordEvent(tx, { action: 'note.updated', outcome: 'allowed', resources: { clientId, matterId: row.matter_id, other: { type: 'note', id: row.id } } });
    return present(next, sealer);
  });
}

/** Deletes a note: its sealed text is overwritten, the row kept as a tombstone for the audit trail. */
export async function deleteNote(ctx: RequestContext, noteId: NoteId): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const { row } = await authorizeNote(tx, 'note.write', noteId);
    await vaultDb(tx).updateTable('vault_notes').set({ title_sealed: '', body_sealed: '', deleted_at: tx.app.clock.now(), updated_by: actorId(tx), updated_at: tx.app.clock.now() }).where('id', '=', row.id).execute();
    await recordEvent(tx, { action: 'note.deleted', outcome: 'allowed', resources: { clientId: row.client_id, matterId: row.matter_id, other: { type: 'note', id: row.id } } });
  });
}

export async function findNotes(ctx: RequestContext, matterId: MatterId, page: Page): Promise<{ items: NoteView[]; nextCursor: string | null }> {
  const auth = await requireAccess(ctx, 'note.read', { kind: 'matter', matterId });
  let query = vaultDb(ctx).selectFrom('vault_notes').selectAll().where('matter_id', '=', auth.matterId).where('deleted_at', 'is', null).orderBy('id', 'asc').limit(page.limit + 1);
  if (page.after) query = query.where('id', '>', page.after);
  const { rows, nextCursor } = pageResult(await query.execute(), page);
  const sealers = sealerCache(ctx);
  const items: NoteView[] = [];
  for (const row of rows) items.push(present(row, await sealers(row.client_id, row.key_version)));
  return { items, nextCursor };
}
