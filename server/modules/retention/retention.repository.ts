/**
 * Kysely on the retention module's own tables only. Rows of one hold, disposition or certificate
 * are read with the `Authorized` value of that object (access resolved its client or matter);
 * lists go through a scope; the run and the vault's hold hook are system work and their functions
 * are named `unsafe…` with the reason.
 */
import { sql } from 'kysely';
import type { Authorized, Scope } from '../../access/index.js';
import type { FirmTarget, ObjectTarget } from '../../access/index.js';
import type { RequestContext } from '../../platform/context.js';
import { tablesOf } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';
import type { ClientId, MatterId } from '../../../common/ids.js';
import type {
  DispositionStatus,
  RetentionApprovalsTable,
  RetentionCertificatesTable,
  RetentionDispositionsTable,
  RetentionHoldNoticesTable,
  RetentionHoldsTable,
  RetentionMinimumsTable,
  RetentionSchedulesTable,
  RetentionTables,
  RetentionTerminationsTable,
} from './retention.tables.js';

const db = (ctx: RequestContext) => tablesOf<RetentionTables>(ctx.db);

export type FirmAuth = Authorized<FirmTarget>;
export type ObjectAuth = Authorized<ObjectTarget>;

export const HOLD = 'legal_hold';
export const DISPOSITION = 'disposition';
export const CERTIFICATE = 'certificate';
type ObjectType = typeof HOLD | typeof DISPOSITION | typeof CERTIFICATE;

const notFound = () => new AppError('ACCESS_DENIED', 'Not found');

function objectOf(auth: ObjectAuth, type: ObjectType): string {
  if (auth.type !== type) throw notFound();
  return auth.id;
}

const parentOf = (row: { client_id: string; matter_id: string | null } | undefined) => (row ? (row.matter_id ? { matterId: row.matter_id as MatterId } : { clientId: row.client_id as ClientId }) : null);

/** The choke point finds a hold's, a disposition's and a certificate's matter (or client) itself. */
export const PARENT_RESOLVERS = {
  [HOLD]: async (ctx: RequestContext, id: string) => parentOf(await db(ctx).selectFrom('retention_holds').select(['client_id', 'matter_id']).where('id', '=', id).executeTakeFirst()),
  [DISPOSITION]: async (ctx: RequestContext, id: string) => parentOf(await db(ctx).selectFrom('retention_dispositions').select(['client_id', 'matter_id']).where('id', '=', id).executeTakeFirst()),
  [CERTIFICATE]: async (ctx: RequestContext, id: string) => parentOf(await db(ctx).selectFrom('retention_certificates').select(['client_id', 'matter_id']).where('id', '=', id).executeTakeFirst()),
};

/**
 * Serializes hold creation and destruction per client: on PostgreSQL a transaction-scoped
 * advisory lock (released at commit or rollback); SQLite runs one write transaction at a time
 * already. Call inside a transaction.
 */
export async function lockClientRetention(ctx: RequestContext, clientId: string, mode: 'exclusive' | 'shared' = 'exclusive'): Promise<void> {
  if (ctx.app.database.kind !== 'postgres') return;
  const key = `confidant/retention/${clientId}`;
  // Shared for the vault's writes and shred checks (they exclude hold creation and destruction, not each other).
  if (mode === 'shared') await sql`select pg_advisory_xact_lock_shared(hashtextextended(${key}, 0))`.execute(ctx.db);
  else await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(ctx.db);
}

/**
 * SQLite (WAL mode): copies every committed page into the database file and truncates the WAL, so
 * frames holding rows as they were before a destruction (wrapped keys, sealed fields) leave the
 * disk; with secure_delete on, the database file's freed space is zeroed already. Outside a
 * transaction. A no-op on PostgreSQL (its old row versions go with VACUUM; see docs/retention.md).
 */
export async function flushDestroyedPages(ctx: RequestContext): Promise<void> {
  if (ctx.app.database.kind !== 'sqlite') return;
  await sql`pragma wal_checkpoint(TRUNCATE)`.execute(ctx.db);
}

// ── schedules and minimums (firm text) ───────────────────────────────────────────────────────

export async function insertSchedule(ctx: RequestContext, _auth: FirmAuth, row: RetentionSchedulesTable): Promise<void> {
  await db(ctx).insertInto('retention_schedules').values(row).execute();
}

export async function updateSchedule(ctx: RequestContext, _auth: FirmAuth, id: string, patch: Partial<Omit<RetentionSchedulesTable, 'id' | 'created_by' | 'created_at'>>): Promise<void> {
  await db(ctx).updateTable('retention_schedules').set(patch).where('id', '=', id).execute();
}

export async function findSchedule(ctx: RequestContext, _auth: FirmAuth, id: string): Promise<RetentionSchedulesTable | undefined> {
  return db(ctx).selectFrom('retention_schedules').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Every schedule (firm text; the run reads them as the system). */
export async function findSchedules(ctx: RequestContext): Promise<RetentionSchedulesTable[]> {
  return db(ctx).selectFrom('retention_schedules').selectAll().orderBy('name').orderBy('id').execute();
}

export async function insertMinimum(ctx: RequestContext, _auth: FirmAuth, row: RetentionMinimumsTable): Promise<void> {
  await db(ctx).insertInto('retention_minimums').values(row).execute();
}

export async function deleteMinimum(ctx: RequestContext, _auth: FirmAuth, id: string): Promise<boolean> {
  const result = await db(ctx).deleteFrom('retention_minimums').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export async function findMinimums(ctx: RequestContext): Promise<RetentionMinimumsTable[]> {
  return db(ctx).selectFrom('retention_minimums').selectAll().orderBy('jurisdiction').orderBy('practice_area').orderBy('id').execute();
}

// ── holds ────────────────────────────────────────────────────────────────────────────────────

export async function insertHold(ctx: RequestContext, row: RetentionHoldsTable, documentIds: string[]): Promise<void> {
  await db(ctx).insertInto('retention_holds').values(row).execute();
  if (documentIds.length > 0) await db(ctx).insertInto('retention_hold_documents').values(documentIds.map((document_id) => ({ hold_id: row.id, document_id }))).execute();
}

export async function getHold(ctx: RequestContext, auth: ObjectAuth): Promise<RetentionHoldsTable> {
  const row = await db(ctx).selectFrom('retention_holds').selectAll().where('id', '=', objectOf(auth, HOLD)).executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

export async function holdDocumentIds(ctx: RequestContext, holdIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (holdIds.length === 0) return out;
  for (const row of await db(ctx).selectFrom('retention_hold_documents').selectAll().where('hold_id', 'in', holdIds).orderBy('document_id').execute()) {
    out.set(row.hold_id, [...(out.get(row.hold_id) ?? []), row.document_id]);
  }
  return out;
}

/** Holds of clients in `scope` (by client; the service narrows matter holds to the viewer's matters). */
export async function findHoldRows(ctx: RequestContext, scope: Scope, filter: { clientId?: string; matterId?: string; status?: 'active' | 'released' }): Promise<RetentionHoldsTable[]> {
  let query = db(ctx).selectFrom('retention_holds').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1000);
  if (filter.clientId) query = query.where('client_id', '=', filter.clientId);
  if (filter.matterId) query = query.where('matter_id', '=', filter.matterId);
  if (filter.status === 'active') query = query.where('released_at', 'is', null);
  if (filter.status === 'released') query = query.where('released_at', 'is not', null);
  return scope.apply(query, 'retention_holds.client_id', 'client').execute();
}

export async function markHoldReleased(ctx: RequestContext, auth: ObjectAuth, input: { by: string; at: number; reasonSealed: string }): Promise<boolean> {
  const result = await db(ctx)
    .updateTable('retention_holds')
    .set({ released_at: input.at, released_by: input.by, release_reason_sealed: input.reasonSealed })
    .where('id', '=', objectOf(auth, HOLD))
    .where('released_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * The active holds of a client, with their documents. Unsafe (raw id): for the vault's hold hook
 * inside a write transaction, the shred guard and the run — system checks that must see every hold.
 */
export async function unsafeActiveHoldsOfClient(ctx: RequestContext, clientId: string): Promise<(RetentionHoldsTable & { documentIds: string[] })[]> {
  const holds = await db(ctx).selectFrom('retention_holds').selectAll().where('client_id', '=', clientId).where('released_at', 'is', null).execute();
  const docs = await holdDocumentIds(
    ctx,
    holds.filter((h) => h.scope === 'documents').map((h) => h.id),
  );
  return holds.map((h) => ({ ...h, documentIds: docs.get(h.id) ?? [] }));
}

// ── custodian notices ────────────────────────────────────────────────────────────────────────

export async function insertNotices(ctx: RequestContext, rows: RetentionHoldNoticesTable[]): Promise<void> {
  if (rows.length > 0) await db(ctx).insertInto('retention_hold_notices').values(rows).execute();
}

export async function noticesOfHolds(ctx: RequestContext, holdIds: string[]): Promise<RetentionHoldNoticesTable[]> {
  if (holdIds.length === 0) return [];
  return db(ctx).selectFrom('retention_hold_notices').selectAll().where('hold_id', 'in', holdIds).orderBy('notified_at').execute();
}

/** The signed-in person's own notices (they are the custodian: nothing else is read). */
export async function noticesOfUser(ctx: RequestContext, userId: string): Promise<(RetentionHoldNoticesTable & { hold: RetentionHoldsTable })[]> {
  const notices = await db(ctx).selectFrom('retention_hold_notices').selectAll().where('user_id', '=', userId).orderBy('notified_at', 'desc').limit(500).execute();
  if (notices.length === 0) return [];
  const holds = new Map((await db(ctx).selectFrom('retention_holds').selectAll().where('id', 'in', notices.map((n) => n.hold_id)).execute()).map((h) => [h.id, h]));
  return notices.flatMap((n) => (holds.has(n.hold_id) ? [{ ...n, hold: holds.get(n.hold_id)! }] : []));
}

export async function acknowledgeNotice(ctx: RequestContext, holdId: string, userId: string, at: number): Promise<'acknowledged' | 'already' | 'none'> {
  const row = await db(ctx).selectFrom('retention_hold_notices').select(['id', 'acknowledged_at']).where('hold_id', '=', holdId).where('user_id', '=', userId).executeTakeFirst();
  if (!row) return 'none';
  if (row.acknowledged_at !== null) return 'already';
  await db(ctx).updateTable('retention_hold_notices').set({ acknowledged_at: at }).where('id', '=', row.id).execute();
  return 'acknowledged';
}

/** Unacknowledged notices of active holds last mailed before `before` (the reminder job). */
export async function unsafeNoticesToRemind(ctx: RequestContext, before: number): Promise<RetentionHoldNoticesTable[]> {
  return db(ctx)
    .selectFrom('retention_hold_notices')
    .innerJoin('retention_holds', 'retention_holds.id', 'retention_hold_notices.hold_id')
    .selectAll('retention_hold_notices')
    .where('retention_hold_notices.acknowledged_at', 'is', null)
    .where('retention_holds.released_at', 'is', null)
    .where((eb) => eb(eb.fn.coalesce('retention_hold_notices.last_reminded_at', 'retention_hold_notices.notified_at'), '<', before))
    .limit(5000)
    .execute();
}

export async function markReminded(ctx: RequestContext, ids: string[], at: number): Promise<void> {
  if (ids.length === 0) return;
  await db(ctx)
    .updateTable('retention_hold_notices')
    .set((eb) => ({ last_reminded_at: at, reminders: eb('reminders', '+', 1) }))
    .where('id', 'in', ids)
    .execute();
}

// ── dispositions ─────────────────────────────────────────────────────────────────────────────

/** Queues an item once (unique per item); false when it is already queued. */
export async function unsafeInsertDispositionOnce(ctx: RequestContext, row: RetentionDispositionsTable): Promise<boolean> {
  const result = await db(ctx)
    .insertInto('retention_dispositions')
    .values(row)
    .onConflict((oc) => oc.columns(['item_type', 'item_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function getDisposition(ctx: RequestContext, auth: ObjectAuth): Promise<RetentionDispositionsTable> {
  const row = await db(ctx).selectFrom('retention_dispositions').selectAll().where('id', '=', objectOf(auth, DISPOSITION)).executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

/** One disposition by id for the run (system). */
export async function unsafeGetDisposition(ctx: RequestContext, id: string): Promise<RetentionDispositionsTable | undefined> {
  return db(ctx).selectFrom('retention_dispositions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Every disposition of these items (preview shows where each already is). */
export async function unsafeDispositionsOfItems(ctx: RequestContext, itemIds: string[]): Promise<Map<string, RetentionDispositionsTable>> {
  const out = new Map<string, RetentionDispositionsTable>();
  for (let i = 0; i < itemIds.length; i += 500) {
    const chunk = itemIds.slice(i, i + 500);
    for (const row of await db(ctx).selectFrom('retention_dispositions').selectAll().where('item_id', 'in', chunk).execute()) out.set(`${row.item_type}:${row.item_id}`, row);
  }
  return out;
}

export async function findDispositionRows(ctx: RequestContext, scope: Scope, by: 'matter' | 'client', filter: { status?: string; clientId?: string; matterId?: string }): Promise<RetentionDispositionsTable[]> {
  let query = db(ctx).selectFrom('retention_dispositions').selectAll().orderBy('due_at').orderBy('id').limit(1000);
  if (filter.status) query = query.where('status', '=', filter.status as DispositionStatus);
  if (filter.clientId) query = query.where('client_id', '=', filter.clientId);
  if (filter.matterId) query = query.where('matter_id', '=', filter.matterId);
  return scope.apply(query, by === 'matter' ? 'retention_dispositions.matter_id' : 'retention_dispositions.client_id', by).execute();
}

/** Dispositions the run works on: approved ones and those a crash or a failure left unfinished. */
export async function unsafeDispositionsToExecute(ctx: RequestContext, now: number): Promise<RetentionDispositionsTable[]> {
  // Approved ahead of time (a termination's items) waits for its day.
  return db(ctx).selectFrom('retention_dispositions').selectAll().where('status', 'in', ['approved', 'executing', 'failed']).where('due_at', '<=', now).orderBy('due_at').orderBy('id').limit(1000).execute();
}

/** Held or extended dispositions the run looks at again (a hold released, an extension over). */
export async function unsafeDispositionsToRevisit(ctx: RequestContext, now: number): Promise<RetentionDispositionsTable[]> {
  return db(ctx)
    .selectFrom('retention_dispositions')
    .selectAll()
    .where((eb) => eb.or([eb('status', '=', 'held'), eb.and([eb('status', '=', 'extended'), eb('due_at', '<=', now)])]))
    .limit(5000)
    .execute();
}

/** Updates a disposition if it is still in one of `from` (a compare-and-set: two runs or two approvers never both win). */
export async function updateDispositionFrom(ctx: RequestContext, id: string, from: DispositionStatus[], patch: Partial<Omit<RetentionDispositionsTable, 'id'>>): Promise<boolean> {
  const result = await db(ctx).updateTable('retention_dispositions').set(patch).where('id', '=', id).where('status', 'in', from).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertApproval(ctx: RequestContext, row: RetentionApprovalsTable): Promise<boolean> {
  const result = await db(ctx)
    .insertInto('retention_approvals')
    .values(row)
    .onConflict((oc) => oc.columns(['disposition_id', 'user_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function approvalsOf(ctx: RequestContext, dispositionIds: string[]): Promise<Map<string, RetentionApprovalsTable[]>> {
  const out = new Map<string, RetentionApprovalsTable[]>();
  if (dispositionIds.length === 0) return out;
  for (const row of await db(ctx).selectFrom('retention_approvals').selectAll().where('disposition_id', 'in', dispositionIds).orderBy('at').execute()) {
    out.set(row.disposition_id, [...(out.get(row.disposition_id) ?? []), row]);
  }
  return out;
}

/** Forgets approvals (the item changed: they covered something else). */
export async function deleteApprovals(ctx: RequestContext, dispositionId: string): Promise<void> {
  await db(ctx).deleteFrom('retention_approvals').where('disposition_id', '=', dispositionId).execute();
}

// ── certificates ─────────────────────────────────────────────────────────────────────────────

export async function insertCertificate(ctx: RequestContext, row: RetentionCertificatesTable): Promise<void> {
  await db(ctx).insertInto('retention_certificates').values(row).execute();
}

export async function getCertificate(ctx: RequestContext, auth: ObjectAuth): Promise<RetentionCertificatesTable> {
  const row = await db(ctx).selectFrom('retention_certificates').selectAll().where('id', '=', objectOf(auth, CERTIFICATE)).executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

export async function findCertificateRows(ctx: RequestContext, scope: Scope, filter: { clientId?: string }): Promise<RetentionCertificatesTable[]> {
  let query = db(ctx).selectFrom('retention_certificates').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1000);
  if (filter.clientId) query = query.where('client_id', '=', filter.clientId);
  return scope.apply(query, 'retention_certificates.client_id', 'client').execute();
}

/** Certificates of the authorized client (its portal; the caller narrows matter ones to the contact's matters). */
export async function certificatesOfClient(ctx: RequestContext, auth: Authorized<{ kind: 'client'; clientId: ClientId }>): Promise<RetentionCertificatesTable[]> {
  return db(ctx).selectFrom('retention_certificates').selectAll().where('client_id', '=', auth.clientId).orderBy('created_at', 'desc').limit(1000).execute();
}

// ── terminations ─────────────────────────────────────────────────────────────────────────────

export async function insertTermination(ctx: RequestContext, row: RetentionTerminationsTable): Promise<void> {
  await db(ctx).insertInto('retention_terminations').values(row).execute();
}

export async function findTermination(ctx: RequestContext, clientId: string): Promise<RetentionTerminationsTable | undefined> {
  return db(ctx).selectFrom('retention_terminations').selectAll().where('client_id', '=', clientId).executeTakeFirst();
}

/** Every termination (the run computes client items from them). */
export async function unsafeAllTerminations(ctx: RequestContext): Promise<RetentionTerminationsTable[]> {
  return db(ctx).selectFrom('retention_terminations').selectAll().execute();
}
