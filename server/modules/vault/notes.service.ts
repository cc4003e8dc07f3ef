/** Notes: sealed rich text (the editor's HTML or Markdown, stored as given, sealed at rest) on a matter. */
import type { MatterId, NoteId } from '../../../common/ids.js';
import { requireAccess } from '../../access/index.js';
import { recordEvent } from '../../audit/index.js';
import type { RequestContext } from '../../platform/context.js';
import { inTransaction } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { pageResult, type Page } from './vault.pagination.js';
import { presentNote, type NoteView } from './vault.presenter.js';
import { findNoteRowsOfMatter, getMatterRow, getNoteRow, insertNoteRow, tombstoneNoteRow, updateNoteRow, type ObjectAuth } from './vault.repository.js';
import { refuseIfHeld } from './vault.holds.js';
import { sealerCacheFor, sealerForRead, sealerForWrite } from './vault.sealing.js';
import type { VaultNotesTable } from './vault.tables.js';

const TABLE = 'vault_notes';

const actorId = (ctx: RequestContext) => (ctx.actor.kind === 'user' ? ctx.actor.userId : 'system');

export async function createNote(ctx: RequestContext, matterId: MatterId, input: { title: string; body: string }): Promise<NoteView> {
  return inTransaction(ctx, async (tx) => {
    const auth = await requireAccess(tx, 'note.write', { kind: 'matter', matterId });
    const matter = await getMatterRow(tx, auth);
    const sealer = await sealerForWrite(tx, auth);
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
    await insertNoteRow(tx, auth, row);
    await recordEvent(tx, { action: 'note.created', outcome: 'allowed', resources: { clientId: matter.client_id, matterId, other: { type: 'note', id } } });
    return presentNote(row, sealer);
  });
}

async function authorizeNote(ctx: RequestContext, permission: 'note.read' | 'note.write', noteId: string): Promise<{ auth: ObjectAuth; row: VaultNotesTable }> {
  // A deleted note is as missing as one that never existed: the same audited NOT_FOUND denial.
  const auth = await requireAccess(ctx, permission, { kind: 'object', type: 'note', id: noteId });
  return { auth, row: await getNoteRow(ctx, auth) };
}

export async function getNoteById(ctx: RequestContext, noteId: NoteId): Promise<NoteView> {
  const { auth, row } = await authorizeNote(ctx, 'note.read', noteId);
  return presentNote(row, await sealerForRead(ctx, auth, row.key_version));
}

/** Refuses (409 LEGAL_HOLD, audited as a denied `action`) a change to a note under legal hold; inside the write's transaction. */
async function refuseIfNoteHeld(tx: RequestContext, row: VaultNotesTable, action: string): Promise<void> {
  await refuseIfHeld(tx, { clientId: row.client_id, matterId: row.matter_id }, { type: 'note', id: row.id, custodianId: row.created_by }, { action, resources: { clientId: row.client_id, matterId: row.matter_id, other: { type: 'note', id: row.id } } });
}

/** Updates a note; `revision` must be the one the editor loaded (else CONFLICT: someone saved meanwhile). Throws LEGAL_HOLD under a legal hold. */
export async function updateNote(ctx: RequestContext, noteId: NoteId, input: { title?: string; body?: string; revision: number }): Promise<NoteView> {
  return inTransaction(ctx, async (tx) => {
    const { auth, row } = await authorizeNote(tx, 'note.write', noteId);
    await refuseIfNoteHeld(tx, row, 'note.updated');
    if (row.revision !== input.revision) throw new AppError('CONFLICT', 'The note was changed meanwhile', [{ path: 'body.revision', message: 'is not the latest' }]);
    const current = presentNote(row, await sealerForRead(tx, auth, row.key_version));
    const sealer = await sealerForWrite(tx, auth);
    const next: VaultNotesTable = {
      ...row,
      key_version: sealer.version,
      title_sealed: sealer.seal(TABLE, row.id, 'title', input.title ?? current.title),
      body_sealed: sealer.seal(TABLE, row.id, 'body', input.body ?? current.body),
      revision: row.revision + 1,
      updated_by: actorId(tx),
      updated_at: tx.app.clock.now(),
    };
    if (!(await updateNoteRow(tx, auth, next, row.revision))) throw new AppError('CONFLICT', 'The note was changed meanwhile');
    await recordEvent(tx, { action: 'note.updated', outcome: 'allowed', resources: { clientId: row.client_id, matterId: row.matter_id, other: { type: 'note', id: row.id } } });
    return presentNote(next, sealer);
  });
}

/** Deletes a note: its sealed text is overwritten, the row kept as a tombstone for the audit trail. Throws LEGAL_HOLD under a legal hold. */
export async function deleteNote(ctx: RequestContext, noteId: NoteId): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const { auth, row } = await authorizeNote(tx, 'note.write', noteId);
    await refuseIfNoteHeld(tx, row, 'note.deleted');
    await tombstoneNoteRow(tx, auth, actorId(tx), tx.app.clock.now());
    await recordEvent(tx, { action: 'note.deleted', outcome: 'allowed', resources: { clientId: row.client_id, matterId: row.matter_id, other: { type: 'note', id: row.id } } });
  });
}

export async function findNotes(ctx: RequestContext, matterId: MatterId, page: Page): Promise<{ items: NoteView[]; nextCursor: string | null }> {
  const auth = await requireAccess(ctx, 'note.read', { kind: 'matter', matterId });
  // A destroyed matter answers KEY_DESTROYED.
  await getMatterRow(ctx, auth);
  const { rows, nextCursor } = pageResult(await findNoteRowsOfMatter(ctx, auth, page), page);
  const sealers = sealerCacheFor(ctx, auth);
  const items: NoteView[] = [];
  for (const row of rows) items.push(presentNote(row, await sealers(row.key_version)));
  return { items, nextCursor };
}
