/**
 * Legal holds: on a client, a matter, a custodian's items or a set of documents. Several holds
 * stack on one item; each freezes edits, deletes and key destruction from the transaction that
 * creates it (the vault asks `heldItems` inside every write, keys asks the shred guard, the run
 * checks under the same per-client lock). Custodians are told by mail (content-free), acknowledge
 * in Confidant and are reminded until they do. Only the compliance officer releases a hold, with a
 * reason. A hold is visible only to those who may see its matter (or client): everyone else gets
 * the same 404 as for an id that does not exist.
 */
import { auditedRefusal, canAccess, checkStaff, requireAccess, scopeFor, type Authorized } from '../../access/index.js';
import { recordEvent } from '../../audit/index.js';
import type { ClientId, MatterId } from '../../../common/ids.js';
import type { Permission } from '../../../common/permissions.js';
import { inTransaction, systemContext, type AppServices, type RequestContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { unsafeClientNumbers, unsafeMatterInventory, type HeldItem } from '../vault/index.js';
import {
  acknowledgeNotice,
  findHoldRows,
  getHold,
  holdDocumentIds,
  insertHold,
  insertNotices,
  lockClientRetention,
  markHoldReleased,
  markReminded,
  noticesOfHolds,
  noticesOfUser,
  unsafeActiveHoldsOfClient,
  unsafeNoticesToRemind,
  HOLD,
  type ObjectAuth,
} from './retention.repository.js';
import { actorIdOf, clientRefOf, DAY_MS, HOLDS_TABLE, isCompliance, labelsFor, matterRefOf, personOf, RETENTION_FIELDS } from './retention.support.js';
import type { HoldScope, RetentionHoldsTable } from './retention.tables.js';

export interface HoldInput {
  clientId: ClientId;
  matterId?: MatterId;
  scope: HoldScope;
  custodianUserId?: string;
  documentIds?: string[];
  name: string;
  reason: string;
  notify?: string[];
}

export interface HoldView {
  id: string;
  client: { id: string; label: string };
  matter: { id: string; label: string } | null;
  scope: HoldScope;
  custodian: { id: string; name: string } | null;
  documentIds: string[];
  name: string;
  reason: string;
  status: 'active' | 'released';
  createdBy: { id: string; name: string };
  createdAt: number;
  releasedBy: { id: string; name: string } | null;
  releasedAt: number | null;
  releaseReason: string | null;
  notices: { user: { id: string; name: string }; notifiedAt: number; acknowledgedAt: number | null; reminders: number }[];
  canRelease: boolean;
}

/** The compliance officer acts on any client as oversight; everyone else through their seat. */
const readPermission = (ctx: RequestContext): Permission => (isCompliance(ctx) ? 'retention.manage' : 'hold.read');
const notFound = () => new AppError('ACCESS_DENIED', 'Not found');
const field = (path: string, message: string) => new AppError('VALIDATION_FAILED', message, [{ path, message }]);

type TargetAuth = Authorized<{ kind: 'client'; clientId: ClientId }> | Authorized<{ kind: 'matter'; matterId: MatterId }>;

async function presentHolds(ctx: RequestContext, rows: RetentionHoldsTable[], open: (row: RetentionHoldsTable) => Promise<{ name: string; reason: string; releaseReason: string | null }>): Promise<HoldView[]> {
  const docs = await holdDocumentIds(ctx, rows.filter((r) => r.scope === 'documents').map((r) => r.id));
  const notices = await noticesOfHolds(ctx, rows.map((r) => r.id));
  const labels = await labelsFor(ctx, {
    userIds: [...rows.flatMap((r) => [r.created_by, r.released_by, r.custodian_user_id]), ...notices.map((n) => n.user_id)],
    matterIds: rows.map((r) => r.matter_id),
    clientIds: rows.map((r) => r.client_id),
  });
  const numbers = await unsafeClientNumbers(ctx, rows.map((r) => r.client_id));
  const out: HoldView[] = [];
  for (const row of rows) {
    const text = await open(row);
    out.push({
      id: row.id,
      client: clientRefOf(labels, row.client_id, numbers.get(row.client_id)),
      matter: matterRefOf(labels, row.matter_id),
      scope: row.scope,
      custodian: row.custodian_user_id ? personOf(labels, row.custodian_user_id) : null,
      documentIds: docs.get(row.id) ?? [],
      name: text.name,
      reason: text.reason,
      status: row.released_at === null ? 'active' : 'released',
      createdBy: personOf(labels, row.created_by),
      createdAt: Number(row.created_at),
      releasedBy: row.released_by ? personOf(labels, row.released_by) : null,
      releasedAt: row.released_at === null ? null : Number(row.released_at),
      releaseReason: text.releaseReason,
      notices: notices.filter((n) => n.hold_id === row.id).map((n) => ({ user: personOf(labels, n.user_id), notifiedAt: Number(n.notified_at), acknowledgedAt: n.acknowledged_at === null ? null : Number(n.acknowledged_at), reminders: n.reminders })),
      canRelease: row.released_at === null && isCompliance(ctx),
    });
  }
  return out;
}

async function openerFor(ctx: RequestContext, auth: Parameters<typeof RETENTION_FIELDS.cacheFor>[1]) {
  const sealers = RETENTION_FIELDS.cacheFor(ctx, auth);
  return async (row: RetentionHoldsTable) => {
    const sealer = await sealers(row.key_version);
    return {
      name: sealer.open(HOLDS_TABLE, row.id, 'name', row.name_sealed),
      reason: sealer.open(HOLDS_TABLE, row.id, 'reason', row.reason_sealed),
      releaseReason: row.release_reason_sealed ? sealer.open(HOLDS_TABLE, row.id, 'release_reason', row.release_reason_sealed) : null,
    };
  };
}

/**
 * Places a hold (the compliance officer on any client or matter; a lead attorney on their
 * matters, or the whole client with client-wide access). In one transaction with the per-client
 * retention lock: from its commit no edit, delete, shred or disposition of a covered item
 * succeeds. Custodians named in `notify` are mailed after the commit.
 * Throws ACCESS_DENIED (404), VALIDATION_FAILED, KEY_DESTROYED, SEALED.
 */
export async function createHold(ctx: RequestContext, input: HoldInput): Promise<HoldView> {
  if ((input.scope === 'matter' || input.scope === 'documents') && !input.matterId) throw field('body.matterId', `a ${input.scope} hold needs its matter`);
  if (input.scope === 'custodian' && !input.custodianUserId) throw field('body.custodianUserId', 'a custodian hold needs the custodian');
  if (input.scope !== 'custodian' && input.custodianUserId) throw field('body.custodianUserId', 'only a custodian hold names a custodian');
  if (input.scope === 'documents' && !input.documentIds?.length) throw field('body.documentIds', 'a documents hold needs at least one document');
  if (input.scope !== 'documents' && input.documentIds?.length) throw field('body.documentIds', 'only a documents hold lists documents');
  if (input.scope === 'client' && input.matterId) throw field('body.matterId', 'a client hold covers every matter: leave out the matter');
  const permission: Permission = isCompliance(ctx) ? 'retention.manage' : 'hold.manage';
  const created = await inTransaction(ctx, async (tx) => {
    const auth: TargetAuth = input.matterId ? await requireAccess(tx, permission, { kind: 'matter', matterId: input.matterId }) : await requireAccess(tx, permission, { kind: 'client', clientId: input.clientId });
    // A matter of another client answers like one that does not exist.
    if (auth.clientId !== input.clientId) throw notFound();
    const people = [...new Set([...(input.notify ?? []), ...(input.custodianUserId ? [input.custodianUserId] : [])])];
    if (input.custodianUserId) await checkStaff(tx, [input.custodianUserId], 'body.custodianUserId');
    const directory = people.length > 0 ? await checkStaff(tx, people, 'body.notify') : new Map();
    if (input.scope === 'documents') {
      const inventory = await unsafeMatterInventory(tx, input.matterId!);
      const known = new Set((inventory?.documents ?? []).filter((d) => d.destroyedAt === null).map((d) => d.id));
      if (input.documentIds!.some((id) => !known.has(id))) throw field('body.documentIds', 'lists a document that is not in this matter');
    }
    await lockClientRetention(tx, input.clientId);
    const now = tx.app.clock.now();
    const sealer = await RETENTION_FIELDS.forWrite(tx, auth);
    const id = newId(now);
    const row: RetentionHoldsTable = {
      id,
      client_id: input.clientId,
      matter_id: input.matterId ?? null,
      scope: input.scope,
      custodian_user_id: input.custodianUserId ?? null,
      key_version: sealer.version,
      name_sealed: sealer.seal(HOLDS_TABLE, id, 'name', input.name.trim()),
      reason_sealed: sealer.seal(HOLDS_TABLE, id, 'reason', input.reason.trim()),
      created_by: actorIdOf(tx),
      created_at: now,
      released_at: null,
      released_by: null,
      release_reason_sealed: null,
    };
    await insertHold(tx, row, input.documentIds ?? []);
    await insertNotices(tx, people.map((user_id) => ({ id: newId(now), hold_id: id, user_id, notified_at: now, acknowledged_at: null, last_reminded_at: null, reminders: 0 })));
    await recordEvent(tx, { action: 'hold.create', outcome: 'allowed', reason: input.scope, resources: { clientId: input.clientId, ...(input.matterId ? { matterId: input.matterId } : {}), other: { type: 'legal_hold', id } } });
    for (const person of people) await recordEvent(tx, { action: 'hold.notify', outcome: 'allowed', resources: { clientId: input.clientId, userId: person, other: { type: 'legal_hold', id } } });
    const view = (await presentHolds(tx, [row], async () => ({ name: input.name.trim(), reason: input.reason.trim(), releaseReason: null })))[0]!;
    return { view, mail: people.map((p) => directory.get(p)).filter((u): u is { name: string; email: string } => u !== undefined) };
  });
  for (const user of created.mail) await mailNotice(ctx.app, user, 'notice');
  return created.view;
}

async function mailNotice(app: AppServices, user: { name: string; email: string }, kind: 'notice' | 'reminder', count = 1): Promise<void> {
  const subject = kind === 'notice' ? 'A legal hold names you as a custodian' : `Reminder: ${count === 1 ? 'a legal hold waits' : `${count} legal holds wait`} for your acknowledgement`;
  const text =
    `Hello ${user.name},\n\n` +
    (kind === 'notice' ? 'A legal hold asks you to preserve information in your care.' : `You have not yet acknowledged ${count === 1 ? 'a legal hold' : `${count} legal holds`} naming you as a custodian.`) +
    ' Until it is released, nothing it covers may be deleted, changed or destroyed — in Confidant or anywhere else you keep it.\n\n' +
    `Read it and acknowledge it in Confidant:\n${app.config.publicUrl}/holds/notices\n`;
  await app.mailer.send({ to: user.email, subject, text }).catch((error: unknown) => app.logger.error({ err: error instanceof Error ? error.message.slice(0, 200) : 'unknown' }, 'legal hold notice mail failed; the reminder job retries'));
}

/** Opens one hold the actor may see (404 for anyone else, audited by the choke point). */
async function authorizeHold(ctx: RequestContext, id: string, permission: Permission = readPermission(ctx)): Promise<{ auth: ObjectAuth; row: RetentionHoldsTable }> {
  const auth = await requireAccess(ctx, permission, { kind: 'object', type: HOLD, id });
  return { auth, row: await getHold(ctx, auth) };
}

export async function getHoldById(ctx: RequestContext, id: string): Promise<HoldView> {
  const { auth, row } = await authorizeHold(ctx, id);
  return (await presentHolds(ctx, [row], await openerFor(ctx, auth)))[0]!;
}

/**
 * Holds the actor may see: every one for the compliance officer; for others the holds of clients
 * they have a seat with, narrowed to matters they are on (a hold on a matter one is not on stays
 * unknown). One `hold.list` event. Throws AUDIT_UNAVAILABLE.
 */
export async function findHolds(ctx: RequestContext, filter: { clientId?: string; matterId?: string; status?: 'active' | 'released' }): Promise<HoldView[]> {
  const permission = readPermission(ctx);
  const rows = await findHoldRows(ctx, await scopeFor(ctx, permission), filter);
  const visible: RetentionHoldsTable[] = [];
  const matterOk = new Map<string, boolean>();
  for (const row of rows) {
    if (row.matter_id) {
      if (!matterOk.has(row.matter_id)) matterOk.set(row.matter_id, await canAccess(ctx, permission, { kind: 'matter', matterId: row.matter_id as MatterId }));
      if (!matterOk.get(row.matter_id)) continue;
    }
    visible.push(row);
  }
  await recordEvent(ctx, { action: 'hold.list', outcome: 'allowed', resources: { other: { type: 'result_count', id: String(visible.length) }, ...(filter.clientId ? { clientId: filter.clientId } : {}), ...(filter.matterId ? { matterId: filter.matterId } : {}) } });
  // Rows came through the actor's scope (and the matter check above): each opened with its client's key.
  return presentHolds(ctx, visible, unsafeOpener(ctx));
}

/** Opens rows of many clients: only for rows that came through the actor's scope or a decision just made. */
function unsafeOpener(ctx: RequestContext) {
  const sealers = RETENTION_FIELDS.unsafeCache(ctx);
  return async (row: RetentionHoldsTable) => {
    const sealer = await sealers(row.client_id, row.key_version);
    return {
      name: sealer.open(HOLDS_TABLE, row.id, 'name', row.name_sealed),
      reason: sealer.open(HOLDS_TABLE, row.id, 'reason', row.reason_sealed),
      releaseReason: row.release_reason_sealed ? sealer.open(HOLDS_TABLE, row.id, 'release_reason', row.release_reason_sealed) : null,
    };
  };
}

/**
 * Releases a hold, with a reason (compliance officer only: the lawyer whose matter it is cannot
 * lift a hold on it). Items still under another hold stay frozen. Throws ACCESS_DENIED, HOLD_RELEASED.
 */
export async function releaseHold(ctx: RequestContext, id: string, reason: string): Promise<HoldView> {
  return inTransaction(ctx, async (tx) => {
    const { auth, row } = await authorizeHold(tx, id, 'retention.manage');
    if (row.released_at !== null) throw await auditedRefusal(tx, new AppError('HOLD_RELEASED', 'This hold was already released'), { action: 'hold.release', reason: 'HOLD_RELEASED', resources: { clientId: row.client_id, other: { type: 'legal_hold', id } } });
    await lockClientRetention(tx, row.client_id);
    const now = tx.app.clock.now();
    const sealer = await RETENTION_FIELDS.forRead(tx, auth, row.key_version);
    const reasonSealed = sealer.seal(HOLDS_TABLE, id, 'release_reason', reason.trim());
    if (!(await markHoldReleased(tx, auth, { by: actorIdOf(tx), at: now, reasonSealed }))) throw new AppError('HOLD_RELEASED', 'This hold was already released');
    await recordEvent(tx, { action: 'hold.release', outcome: 'allowed', resources: { clientId: row.client_id, ...(row.matter_id ? { matterId: row.matter_id } : {}), other: { type: 'legal_hold', id } } });
    return (await presentHolds(tx, [{ ...row, released_at: now, released_by: actorIdOf(tx), release_reason_sealed: reasonSealed }], await openerFor(tx, auth)))[0]!;
  });
}

/** The signed-in person's own custodian notices; a hold's name and reason only where they may see its matter. */
export async function myHoldNotices(ctx: RequestContext) {
  if (ctx.actor.kind !== 'user') throw new AppError('UNAUTHENTICATED');
  const notices = await noticesOfUser(ctx, ctx.actor.userId);
  const labels = await labelsFor(ctx, { userIds: notices.map((n) => n.hold.created_by) });
  const out = [];
  const open = unsafeOpener(ctx);
  for (const n of notices) {
    // The custodian reads the hold's words only where they may see its matter (decided just now).
    const text = (await canAccess(ctx, readPermission(ctx), { kind: 'object', type: HOLD, id: n.hold_id })) ? await open(n.hold) : null;
    out.push({ holdId: n.hold_id, name: text?.name ?? null, reason: text?.reason ?? null, placedBy: personOf(labels, n.hold.created_by), notifiedAt: Number(n.notified_at), acknowledgedAt: n.acknowledged_at === null ? null : Number(n.acknowledged_at), status: n.hold.released_at === null ? ('active' as const) : ('released' as const) });
  }
  await recordEvent(ctx, { action: 'hold.notices', outcome: 'allowed', resources: { other: { type: 'result_count', id: String(out.length) } } });
  return out;
}

/**
 * A custodian acknowledges their notice. Anyone not named on this hold gets the same 404 as for a
 * hold that does not exist (audited). Idempotent for the custodian.
 */
export async function acknowledgeHold(ctx: RequestContext, id: string): Promise<{ acknowledgedAt: number }> {
  if (ctx.actor.kind !== 'user') throw new AppError('UNAUTHENTICATED');
  const userId = ctx.actor.userId;
  return inTransaction(ctx, async (tx) => {
    const now = tx.app.clock.now();
    const result = await acknowledgeNotice(tx, id, userId, now);
    if (result === 'none') throw await auditedRefusal(tx, notFound(), { action: 'hold.acknowledge', reason: 'NOT_FOUND', resources: { other: { type: 'legal_hold', id } } });
    if (result === 'acknowledged') await recordEvent(tx, { action: 'hold.acknowledge', outcome: 'allowed', resources: { userId, other: { type: 'legal_hold', id } } });
    return { acknowledgedAt: now };
  });
}

// ── what other modules and the run ask ───────────────────────────────────────────────────────

type ActiveHold = Awaited<ReturnType<typeof unsafeActiveHoldsOfClient>>[number];

/** Whether `hold` covers an item of matter `matterId` with this id and custodian. */
function holdCovers(hold: ActiveHold, matterId: string | null, item: { id?: string; custodianId?: string | null }): boolean {
  if (hold.scope === 'client') return true;
  if (hold.scope === 'matter') return matterId !== null && hold.matter_id === matterId;
  if (hold.scope === 'custodian') return (hold.matter_id === null || hold.matter_id === matterId) && item.custodianId !== undefined && item.custodianId !== null && hold.custodian_user_id === item.custodianId;
  return item.id !== undefined && hold.documentIds.includes(item.id);
}

/** The vault's hook: which of these items of one matter a hold freezes (asked inside the vault's write transaction). */
export async function heldItems(tx: RequestContext, where: { clientId: string; matterId: string }, items: HeldItem[]): Promise<Set<string>> {
  // A hold being placed on this client waits for this write to commit, or this write sees it (PostgreSQL READ COMMITTED).
  await lockClientRetention(tx, where.clientId, 'shared');
  const holds = await unsafeActiveHoldsOfClient(tx, where.clientId);
  const held = new Set<string>();
  if (holds.length === 0) return held;
  for (const item of items) if (holds.some((h) => holdCovers(h, where.matterId, { id: item.type === 'document' ? item.id : undefined, custodianId: item.custodianId }))) held.add(item.id);
  return held;
}

/** Keys' shred guard: no client key is destroyed while any hold on the client is active (request and execution alike). */
export async function refuseShredUnderRetentionHold(tx: RequestContext, clientId: ClientId): Promise<void> {
  await lockClientRetention(tx, clientId, 'shared');
  if ((await unsafeActiveHoldsOfClient(tx, clientId)).length > 0) throw new AppError('LEGAL_HOLD', 'A legal hold covers this client’s data; release it before destroying anything');
}

/**
 * Whether a disposition item is held (call under `lockClientRetention`, in the executing
 * transaction). A matter is held by any hold of its client that could reach into it — a custodian
 * hold of the whole client included (conservative: the matter waits).
 */
export async function isDispositionItemHeld(tx: RequestContext, item: { clientId: string; matterId: string | null; itemType: 'client' | 'matter' | 'document_version' | 'record'; documentId?: string; custodianId?: string | null }): Promise<boolean> {
  const holds = await unsafeActiveHoldsOfClient(tx, item.clientId);
  if (item.itemType === 'client') return holds.length > 0;
  if (item.itemType === 'matter') return holds.some((h) => h.scope === 'client' || h.matter_id === item.matterId || (h.scope === 'custodian' && h.matter_id === null));
  // A physical record changes hands: any custodian hold reaching its matter holds it (its custodian may have handed it back).
  if (item.itemType === 'record') return holds.some((h) => h.scope === 'client' || (h.scope === 'matter' && h.matter_id === item.matterId) || (h.scope === 'custodian' && (h.matter_id === null || h.matter_id === item.matterId)));
  return holds.some((h) => holdCovers(h, item.matterId, { id: item.documentId, custodianId: item.custodianId ?? null }));
}

/**
 * The reminder job: every custodian who has not acknowledged a hold gets one mail per run (not
 * one per hold), at most every RETENTION_HOLD_REMINDER_DAYS. Returns how many were mailed.
 */
export async function remindCustodians(services: AppServices): Promise<number> {
  const ctx = systemContext(services, 'retention.holds.remind');
  const now = services.clock.now();
  const due = await unsafeNoticesToRemind(ctx, now - services.config.retention.holdReminderDays * DAY_MS);
  const byUser = new Map<string, string[]>();
  for (const n of due) byUser.set(n.user_id, [...(byUser.get(n.user_id) ?? []), n.id]);
  if (byUser.size === 0) return 0;
  const labels = await labelsFor(ctx, { userIds: [...byUser.keys()] });
  let mailed = 0;
  for (const [userId, ids] of byUser) {
    const user = labels.users.get(userId);
    await markReminded(ctx, ids, now);
    await recordEvent(ctx, { action: 'hold.remind', outcome: 'allowed', resources: { userId, other: { type: 'result_count', id: String(ids.length) } } });
    if (user) {
      await mailNotice(services, user, 'reminder', ids.length);
      mailed += 1;
    }
  }
  return mailed;
}
