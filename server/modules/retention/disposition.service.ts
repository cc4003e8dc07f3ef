/**
 * Disposition: what became due under the schedules enters the review queue; approval (two people,
 * one of them the compliance officer, for privileged or highly confidential content), bound to the
 * snapshot the approver saw; execution by the run (system actor) destroys the keys, deletes the
 * blobs, keeps only the tombstone the firm chose and issues the signed certificate. A hold — even
 * one placed while the run is under way — stops it: holds and destruction take the same per-client
 * lock, and the hold check is made inside the destroying transaction.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { auditedRefusal, checkStaff, requireAccess, scopeFor } from '../../access/index.js';
import { raiseAlert, recordEvent } from '../../audit/index.js';
import type { ClientId, MatterId } from '../../../common/ids.js';
import type { Permission } from '../../../common/permissions.js';
import { inTransaction, systemContext, type AppServices, type RequestContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { unsafeDestroyObjectKeys, unsafeRotateMasterKey, unsafeShredClientKeys } from '../keys/index.js';
import { unsafeAnonymiseClient, unsafeClientInventory, unsafeClientNumbers, unsafeDestroyDocumentVersions, unsafeDestroyMatterContent, unsafeMarkRecordDestroyed, unsafeMatterInventory, unsafeRetentionFacts } from '../vault/index.js';
import { unsafeForgetMatter } from '../portal/index.js';
import { issueCertificate, type DestructionRecord } from './certificate.js';
import { isDispositionItemHeld } from './holds.service.js';
import {
  approvalsOf,
  deleteApprovals,
  findDispositionRows,
  flushDestroyedPages,
  findMinimums,
  findSchedules,
  getDisposition,
  insertApproval,
  insertCertificate,
  lockClientRetention,
  unsafeAllTerminations,
  unsafeDispositionsOfItems,
  unsafeDispositionsToExecute,
  unsafeDispositionsToRevisit,
  unsafeGetDisposition,
  unsafeInsertDispositionOnce,
  updateDispositionFrom,
  DISPOSITION,
} from './retention.repository.js';
import { covers, minimumFor } from './schedules.service.js';
import { actorIdOf, clientRefOf, DAY_MS, DISPOSITIONS_TABLE, FIRM, isCompliance, labelsFor, matterRefOf, parseDay, personOf, RETENTION_FIELDS } from './retention.support.js';
import type { DispositionItem, DispositionStatus, RetentionDispositionsTable, RetentionSchedulesTable, ScheduleAction, ScheduleTrigger } from './retention.tables.js';

const approvePermission = (ctx: RequestContext): Permission => (isCompliance(ctx) ? 'retention.manage' : 'disposition.approve');

// ── what becomes due ─────────────────────────────────────────────────────────────────────────

export interface DueItem {
  itemType: DispositionItem;
  itemId: string;
  clientId: string;
  matterId: string | null;
  documentId: string | null;
  version: number | null;
  schedule: RetentionSchedulesTable | null;
  trigger: ScheduleTrigger;
  triggeredAt: number;
  dueAt: number;
  action: ScheduleAction;
  /** The trigger date was given more than BACKDATE_MS before it was recorded: the compliance officer must approve. */
  backdated?: boolean;
}

/** A closing or an end dated further back than this before it was recorded needs the compliance officer's approval. */
const BACKDATE_MS = 30 * DAY_MS;

interface Candidate {
  schedule: RetentionSchedulesTable;
  triggeredAt: number;
  dueAt: number;
}

/** The longest retention wins: of every schedule that applies, the one keeping the item longest. */
const latest = (candidates: Candidate[]): Candidate | null => candidates.reduce<Candidate | null>((best, c) => (best === null || c.dueAt > best.dueAt ? c : best), null);

/**
 * Every item due on or before `on` (epoch ms), computed from the schedules, the legal minimums,
 * the vault's dates and the terminations — nothing runs. Matters count only once closed; a client
 * only after its relationship ended and never before any of its matters would be.
 */
export async function computeDue(ctx: RequestContext, on: number, clientId?: string): Promise<DueItem[]> {
  const schedules = (await findSchedules(ctx)).filter((s) => s.status === 'active');
  const minimums = await findMinimums(ctx);
  const facts = await unsafeRetentionFacts(ctx, clientId);
  const terminations = new Map((await unsafeAllTerminations(ctx)).map((t) => [t.client_id, t]));
  const out: DueItem[] = [];
  const matterDue = new Map<string, number>();
  const mattersOfClient = new Map<string, typeof facts.matters>();
  for (const matter of facts.matters) {
    mattersOfClient.set(matter.clientId, [...(mattersOfClient.get(matter.clientId) ?? []), matter]);
    if (matter.status !== 'closed' || matter.closedAt === null) continue;
    const floor = minimumFor(minimums, matter) * DAY_MS;
    const candidates: Candidate[] = [];
    for (const s of schedules) {
      if (!covers(s, matter)) continue;
      if (s.trigger === 'matter_closed') candidates.push({ schedule: s, triggeredAt: matter.closedAt, dueAt: matter.closedAt + Math.max(s.period_days * DAY_MS, floor) });
      if (s.trigger === 'fixed_date' && s.fixed_date !== null) candidates.push({ schedule: s, triggeredAt: Number(s.fixed_date), dueAt: Math.max(Number(s.fixed_date), matter.closedAt + floor) });
    }
    const chosen = latest(candidates);
    if (!chosen) continue;
    matterDue.set(matter.id, chosen.dueAt);
    if (chosen.dueAt > on) continue;
    const backdated = matter.closedRecordedAt !== null && matter.closedRecordedAt - matter.closedAt > BACKDATE_MS;
    out.push({ itemType: 'matter', itemId: matter.id, clientId: matter.clientId, matterId: matter.id, documentId: null, version: null, schedule: chosen.schedule, trigger: chosen.schedule.trigger, triggeredAt: chosen.triggeredAt, dueAt: chosen.dueAt, action: chosen.schedule.action, backdated });
    for (const record of facts.records) {
      if (record.matterId !== matter.id || record.status === 'destroyed') continue;
      out.push({ itemType: 'record', itemId: record.id, clientId: matter.clientId, matterId: matter.id, documentId: null, version: null, schedule: chosen.schedule, trigger: chosen.schedule.trigger, triggeredAt: chosen.triggeredAt, dueAt: chosen.dueAt, action: 'destroy' });
    }
  }
  const matterById = new Map(facts.matters.map((m) => [m.id, m]));
  for (const v of facts.superseded) {
    const matter = matterById.get(v.matterId);
    if (!matter || matter.status === 'destroyed') continue;
    const floor = minimumFor(minimums, matter) * DAY_MS;
    const chosen = latest(schedules.filter((s) => s.trigger === 'document_superseded' && covers(s, matter)).map((s) => ({ schedule: s, triggeredAt: v.supersededAt, dueAt: v.supersededAt + Math.max(s.period_days * DAY_MS, floor) })));
    if (!chosen || chosen.dueAt > on) continue;
    out.push({ itemType: 'document_version', itemId: `${v.documentId}#${v.version}`, clientId: v.clientId, matterId: v.matterId, documentId: v.documentId, version: v.version, schedule: chosen.schedule, trigger: 'document_superseded', triggeredAt: v.supersededAt, dueAt: chosen.dueAt, action: chosen.schedule.action });
  }
  for (const client of facts.clients) {
    const ended = terminations.get(client.id);
    if (!ended) continue;
    const matters = mattersOfClient.get(client.id) ?? [];
    // A client goes only once every one of its matters is closed.
    if (matters.some((m) => m.status !== 'closed' && m.status !== 'destroyed')) continue;
    const floor = matters.reduce((max, m) => Math.max(max, minimumFor(minimums, m)), 0) * DAY_MS;
    const applies = (s: RetentionSchedulesTable) => (s.practice_area === null && s.jurisdiction === null) || matters.some((m) => covers(s, m));
    const endedAt = Number(ended.ended_at);
    const chosen = latest(schedules.filter((s) => s.trigger === 'client_ended' && applies(s)).map((s) => ({ schedule: s, triggeredAt: endedAt, dueAt: endedAt + Math.max(s.period_days * DAY_MS, floor) })));
    if (!chosen) continue;
    // Never before any of its matters would be due under their own schedules.
    const dueAt = matters.reduce((max, m) => Math.max(max, matterDue.get(m.id) ?? 0), chosen.dueAt);
    if (dueAt > on) continue;
    out.push({ itemType: 'client', itemId: client.id, clientId: client.id, matterId: null, documentId: null, version: null, schedule: chosen.schedule, trigger: 'client_ended', triggeredAt: endedAt, dueAt, action: ended.anonymise === 1 ? 'anonymise' : chosen.schedule.action, backdated: Number(ended.created_at) - endedAt > BACKDATE_MS });
  }
  return out.sort((a, b) => a.dueAt - b.dueAt || a.itemId.localeCompare(b.itemId));
}

export interface PreviewView {
  on: string;
  items: {
    itemType: DispositionItem;
    itemId: string;
    client: { id: string; label: string };
    matter: { id: string; label: string } | null;
    documentId: string | null;
    version: number | null;
    schedule: { id: string; name: string } | null;
    trigger: ScheduleTrigger;
    triggeredAt: number;
    dueAt: number;
    action: ScheduleAction;
    held: boolean;
    status: string;
  }[];
  held: number;
  truncated: boolean;
}

const PREVIEW_LIMIT = 2000;

/**
 * What would become due on `on` (YYYY-MM-DD, end of that day), before anything runs: the items,
 * their schedule, trigger and due dates, whether a hold suspends them and where they already are
 * in the queue. retention.manage. Throws ACCESS_DENIED, VALIDATION_FAILED.
 */
export async function previewRetention(ctx: RequestContext, input: { on: string; clientId?: string }): Promise<PreviewView> {
  await requireAccess(ctx, 'retention.manage', FIRM);
  const on = parseDay(input.on, 'querystring.on') + DAY_MS - 1;
  const due = await computeDue(ctx, on, input.clientId);
  const shown = due.slice(0, PREVIEW_LIMIT);
  const queued = await unsafeDispositionsOfItems(ctx, shown.map((d) => d.itemId));
  const labels = await labelsFor(ctx, { matterIds: shown.map((d) => d.matterId), clientIds: shown.map((d) => d.clientId) });
  const numbers = await unsafeClientNumbers(ctx, shown.map((d) => d.clientId));
  const items: PreviewView['items'] = [];
  let held = 0;
  for (const d of shown) {
    const isHeld = await isDispositionItemHeld(ctx, { clientId: d.clientId, matterId: d.matterId, itemType: d.itemType, ...(d.documentId ? { documentId: d.documentId } : {}) });
    if (isHeld) held += 1;
    const existing = queued.get(`${d.itemType}:${d.itemId}`);
    if (existing?.status === 'executed') continue;
    items.push({
      itemType: d.itemType,
      itemId: d.itemId,
      client: clientRefOf(labels, d.clientId, numbers.get(d.clientId)),
      matter: matterRefOf(labels, d.matterId),
      documentId: d.documentId,
      version: d.version,
      schedule: d.schedule ? { id: d.schedule.id, name: d.schedule.name } : null,
      trigger: d.trigger,
      triggeredAt: d.triggeredAt,
      dueAt: d.dueAt,
      action: d.action,
      held: isHeld,
      status: existing?.status ?? 'new',
    });
  }
  await recordEvent(ctx, { action: 'retention.preview', outcome: 'allowed', resources: { other: { type: 'result_count', id: String(items.length) }, ...(input.clientId ? { clientId: input.clientId } : {}) } });
  return { on: input.on, items, held, truncated: due.length > PREVIEW_LIMIT };
}

// ── snapshots: what an approval covers ───────────────────────────────────────────────────────

interface Snapshot {
  itemType: DispositionItem;
  itemId: string;
  /** The matter's status (a reopened matter is another item than the closed one reviewed). */
  state: string;
  documents: { id: string; versions: { version: number; blobId: string; objectKeyId: string | null; size: number }[] }[];
  notes: string[];
  records: string[];
  sensitive: boolean;
}

const SENSITIVE = new Set(['privileged', 'client-secret']);

type MatterInventory = NonNullable<Awaited<ReturnType<typeof unsafeMatterInventory>>>;

function snapshotOfMatter(inv: MatterInventory, versionFilter?: { documentId: string; version: number }): Omit<Snapshot, 'itemType' | 'itemId' | 'state'> {
  const documents = inv.documents
    .filter((d) => d.destroyedAt === null && (!versionFilter || d.id === versionFilter.documentId))
    .map((d) => ({
      id: d.id,
      versions: d.versions
        .filter((v) => !versionFilter || v.version === versionFilter.version)
        .map((v) => ({ version: v.version, blobId: v.blobId, objectKeyId: v.objectKeyId, size: Number(v.sealedSize) }))
        .sort((a, b) => a.version - b.version),
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
  const sensitive = inv.documents.some((d) => (!versionFilter || d.id === versionFilter.documentId) && (d.privileged || SENSITIVE.has(d.classification)));
  if (versionFilter) return { documents, notes: [], records: [], sensitive };
  return { documents, notes: inv.notes.filter((n) => n.deletedAt === null).map((n) => n.id).sort(), records: inv.records.filter((r) => r.status !== 'destroyed').map((r) => r.id).sort(), sensitive };
}

/** The item as it stands now (ids, versions, blob ids — no content). Null when the item is gone. */
async function snapshotOf(ctx: RequestContext, itemType: DispositionItem, itemId: string, where: { clientId: string; matterId: string | null }): Promise<Snapshot | null> {
  if (itemType === 'matter') {
    const inv = await unsafeMatterInventory(ctx, itemId);
    return inv ? { itemType, itemId, state: inv.status, ...snapshotOfMatter(inv) } : null;
  }
  if (itemType === 'document_version') {
    const [documentId, version] = itemId.split('#');
    const inv = where.matterId ? await unsafeMatterInventory(ctx, where.matterId) : null;
    return inv ? { itemType, itemId, state: inv.status, ...snapshotOfMatter(inv, { documentId: documentId!, version: Number(version) }) } : null;
  }
  if (itemType === 'record') {
    const inv = where.matterId ? await unsafeMatterInventory(ctx, where.matterId) : null;
    const record = inv?.records.find((r) => r.id === itemId);
    return record ? { itemType, itemId, state: `${inv!.status}/${record.status}`, documents: [], notes: [], records: [record.id], sensitive: false } : null;
  }
  const client = await unsafeClientInventory(ctx, itemId);
  if (!client) return null;
  const snapshot: Snapshot = { itemType, itemId, state: client.matters.map((m) => m.status).sort().join(','), documents: [], notes: [], records: [], sensitive: false };
  for (const m of client.matters) {
    const inv = await unsafeMatterInventory(ctx, m.matterId);
    if (!inv) continue;
    const part = snapshotOfMatter(inv);
    snapshot.documents.push(...part.documents);
    snapshot.notes.push(...part.notes);
    snapshot.records.push(...part.records);
    snapshot.sensitive ||= part.sensitive;
  }
  snapshot.documents.sort((a, b) => a.id.localeCompare(b.id));
  snapshot.notes.sort();
  snapshot.records.sort();
  return snapshot;
}

/** Binds a snapshot to its disposition: an approval of one item never counts for another. */
const hashOf = (dispositionId: string, snapshot: Snapshot | null): string => createHash('sha256').update(`confidant/disposition/v1\n${dispositionId}\n${canonicalize(snapshot) ?? 'null'}`).digest('hex');

// ── the queue ────────────────────────────────────────────────────────────────────────────────

export interface DispositionView {
  id: string;
  itemType: DispositionItem;
  itemId: string;
  client: { id: string; label: string };
  matter: { id: string; label: string } | null;
  schedule: { id: string; name: string } | null;
  action: ScheduleAction;
  decision: 'destroy' | 'anonymise' | null;
  dueAt: number;
  status: string;
  sensitive: boolean;
  approvalsRequired: number;
  approvals: { user: { id: string; name: string }; at: number }[];
  snapshotHash: string;
  contents: { documents: number; versions: number; notes: number; records: number; bytes: number };
  requestedBy: { id: string; name: string } | null;
  canApprove: boolean;
  certificateId: string | null;
  errorCode: string | null;
  executedAt: number | null;
  tombstone: Record<string, string | number | null> | null;
  extendReason: string | null;
}

const approvalsRequired = (row: RetentionDispositionsTable) => (row.sensitive === 1 ? 2 : 1);

async function presentDispositions(ctx: RequestContext, rows: RetentionDispositionsTable[]): Promise<DispositionView[]> {
  const approvals = await approvalsOf(ctx, rows.map((r) => r.id));
  // Rows came through the actor's scope or a decision on each: opened with their client's key.
  const sealers = RETENTION_FIELDS.unsafeCache(ctx);
  const reasons = new Map<string, string>();
  for (const r of rows) if (r.extend_reason_sealed && r.extend_key_version !== null) reasons.set(r.id, (await sealers(r.client_id, r.extend_key_version)).open(DISPOSITIONS_TABLE, r.id, 'extend_reason', r.extend_reason_sealed));
  const numbers = await unsafeClientNumbers(ctx, rows.map((r) => r.client_id));
  const schedules = new Map((await findSchedules(ctx)).map((s) => [s.id, s]));
  const labels = await labelsFor(ctx, { userIds: [...rows.map((r) => r.requested_by), ...[...approvals.values()].flat().map((a) => a.user_id)], matterIds: rows.map((r) => r.matter_id), clientIds: rows.map((r) => r.client_id) });
  const me = ctx.actor.kind === 'user' ? ctx.actor.userId : null;
  return rows.map((row) => {
    const snapshot = JSON.parse(row.snapshot) as Snapshot | null;
    const given = approvals.get(row.id) ?? [];
    const schedule = row.schedule_id ? schedules.get(row.schedule_id) : undefined;
    return {
      id: row.id,
      itemType: row.item_type,
      itemId: row.item_id,
      client: clientRefOf(labels, row.client_id, numbers.get(row.client_id)),
      matter: matterRefOf(labels, row.matter_id),
      schedule: schedule ? { id: schedule.id, name: schedule.name } : null,
      action: row.action,
      decision: row.decision,
      dueAt: Number(row.due_at),
      status: row.status,
      sensitive: row.sensitive === 1,
      approvalsRequired: approvalsRequired(row),
      approvals: given.map((a) => ({ user: personOf(labels, a.user_id), at: Number(a.at) })),
      snapshotHash: row.snapshot_hash,
      contents: {
        documents: snapshot?.documents.length ?? 0,
        versions: snapshot?.documents.reduce((n, d) => n + d.versions.length, 0) ?? 0,
        notes: snapshot?.notes.length ?? 0,
        records: snapshot?.records.length ?? 0,
        bytes: snapshot?.documents.reduce((n, d) => n + d.versions.reduce((m, v) => m + v.size, 0), 0) ?? 0,
      },
      requestedBy: row.requested_by ? personOf(labels, row.requested_by) : null,
      canApprove: row.status === 'review' && me !== null && me !== row.requested_by && !given.some((a) => a.user_id === me),
      certificateId: row.certificate_id,
      errorCode: row.error_code,
      executedAt: row.executed_at === null ? null : Number(row.executed_at),
      tombstone: row.tombstone ? (JSON.parse(row.tombstone) as Record<string, string | number | null>) : null,
      extendReason: reasons.get(row.id) ?? null,
    };
  });
}

/**
 * The disposition queue the actor may see: everything for the compliance officer; a lead
 * attorney's matters' items otherwise. One `disposition.list` event. Throws AUDIT_UNAVAILABLE.
 */
export async function findDispositions(ctx: RequestContext, filter: { status?: string; clientId?: string; matterId?: string }): Promise<DispositionView[]> {
  const compliance = isCompliance(ctx);
  const rows = await findDispositionRows(ctx, await scopeFor(ctx, approvePermission(ctx)), compliance ? 'client' : 'matter', filter);
  await recordEvent(ctx, { action: 'disposition.list', outcome: 'allowed', resources: { other: { type: 'result_count', id: String(rows.length) }, ...(filter.clientId ? { clientId: filter.clientId } : {}), ...(filter.matterId ? { matterId: filter.matterId } : {}) } });
  return presentDispositions(ctx, rows);
}

async function authorizeDisposition(ctx: RequestContext, id: string, stepUp = false) {
  // Approving a destruction is security-sensitive: a fresh second factor in a session (a token never does).
  const auth = await requireAccess(ctx, approvePermission(ctx), { kind: 'object', type: DISPOSITION, id }, stepUp ? { stepUp: true } : undefined);
  return { auth, row: await getDisposition(ctx, auth) };
}

export async function getDispositionById(ctx: RequestContext, id: string): Promise<DispositionView> {
  const { row } = await authorizeDisposition(ctx, id);
  return (await presentDispositions(ctx, [row]))[0]!;
}

const refusal = async (ctx: RequestContext, row: RetentionDispositionsTable, error: AppError) =>
  auditedRefusal(ctx, error, { action: 'disposition.approve', reason: error.code, resources: { clientId: row.client_id, ...(row.matter_id ? { matterId: row.matter_id } : {}), other: { type: 'disposition', id: row.id } } });

/**
 * Approves a disposition as reviewed (`snapshotHash` is what the approver saw). Refused: by the
 * person who asked for it (SEPARATION_OF_DUTIES), twice by one person (ALREADY_APPROVED), when
 * the item changed since (DISPOSITION_CHANGED: approvals given so far are dropped), when it is not
 * waiting for review (DISPOSITION_STATE — an approval cannot be replayed on an executed, extended
 * or held item). Sensitive items need two different approvers, one of them the compliance officer.
 * Throws ACCESS_DENIED, VALIDATION_FAILED and the codes above.
 */
export async function approveDisposition(ctx: RequestContext, id: string, input: { snapshotHash: string; decision?: 'destroy' | 'anonymise' }): Promise<DispositionView> {
  if (ctx.actor.kind !== 'user') throw new AppError('FORBIDDEN', 'Approvals are given by people');
  const userId = ctx.actor.userId;
  return inTransaction(ctx, async (tx) => {
    const { row } = await authorizeDisposition(tx, id, true);
    if (row.status !== 'review') throw await refusal(tx, row, new AppError('DISPOSITION_STATE', 'This item is not waiting for review'));
    if (row.requested_by === userId) throw await refusal(tx, row, new AppError('SEPARATION_OF_DUTIES', 'Someone other than the person who asked for this disposition must approve it'));
    await lockClientRetention(tx, row.client_id);
    const snapshot = await snapshotOf(tx, row.item_type, row.item_id, { clientId: row.client_id, matterId: row.matter_id });
    const current = hashOf(row.id, snapshot);
    if (current !== row.snapshot_hash) {
      // The item changed since it was queued: what it covers now replaces the snapshot (after this
      // refusal rolls back, on the root handle), and approvals given for the old one are dropped.
      throw await auditedRefusal(tx, new AppError('DISPOSITION_CHANGED', 'The item changed since it was reviewed: reload it and review it again'), { action: 'disposition.approve', reason: 'DISPOSITION_CHANGED', resources: { clientId: row.client_id, ...(row.matter_id ? { matterId: row.matter_id } : {}), other: { type: 'disposition', id: row.id } } }, (outside) => {
        void resnapshot(outside, row, snapshot).catch(() => undefined);
      });
    }
    if (input.snapshotHash !== row.snapshot_hash) throw await refusal(tx, row, new AppError('DISPOSITION_CHANGED', 'What you reviewed is not what this disposition covers now: reload it'));
    if (!closedEnough(snapshot)) throw await refusal(tx, row, new AppError('DISPOSITION_STATE', 'The matter is open again: nothing of it is destroyed while it is open'));
    let decision: 'destroy' | 'anonymise';
    if (row.action === 'review') {
      if (!input.decision) throw new AppError('VALIDATION_FAILED', 'Choose what happens to this item', [{ path: 'body.decision', message: 'is required when the schedule says review' }]);
      if (row.decision !== null && row.decision !== input.decision) throw new AppError('VALIDATION_FAILED', 'An earlier approver chose differently', [{ path: 'body.decision', message: `must be ${row.decision}, as the first approver chose (or extend the item instead)` }]);
      decision = input.decision;
    } else {
      if (input.decision && input.decision !== row.action) throw new AppError('VALIDATION_FAILED', `This schedule says ${row.action}`, [{ path: 'body.decision', message: `must be ${row.action} or absent` }]);
      decision = row.action;
    }
    const now = tx.app.clock.now();
    if (!(await insertApproval(tx, { disposition_id: id, user_id: userId, snapshot_hash: row.snapshot_hash, at: now }))) throw await refusal(tx, row, new AppError('ALREADY_APPROVED', 'You already approved this item; a second approval must come from someone else'));
    const given = (await approvalsOf(tx, [id])).get(id) ?? [];
    const complianceApproved = isCompliance(tx) || (await anyCompliance(tx, given.map((a) => a.user_id)));
    const done = given.length >= approvalsRequired(row) && (row.sensitive !== 1 || complianceApproved);
    const next: DispositionStatus = done ? 'approved' : 'review';
    if (!(await updateDispositionFrom(tx, id, ['review'], { status: next, decision, updated_at: now }))) throw new AppError('DISPOSITION_STATE', 'This item is not waiting for review');
    await recordEvent(tx, { action: 'disposition.approve', outcome: 'allowed', reason: done ? 'APPROVED' : 'FIRST_APPROVAL', resources: { clientId: row.client_id, ...(row.matter_id ? { matterId: row.matter_id } : {}), other: { type: 'disposition', id } } });
    return (await presentDispositions(tx, [{ ...row, status: next, decision, updated_at: now }]))[0]!;
  });
}

/**
 * Back to review with what the item covers now: a new snapshot and hash, no decision, and no
 * manifest or tombstone (a new execution writes its own); an item that became sensitive stays so
 * (two approvers), one never becomes less so.
 */
function freshReview(row: RetentionDispositionsTable, snapshot: Snapshot | null): Partial<RetentionDispositionsTable> {
  return { status: 'review', snapshot: JSON.stringify(snapshot), snapshot_hash: hashOf(row.id, snapshot), decision: null, manifest: null, tombstone: null, sensitive: row.sensitive === 1 || snapshot?.sensitive ? 1 : 0 };
}

/** Replaces a disposition's snapshot with what the item covers now and drops the approvals given for the old one. */
async function resnapshot(ctx: RequestContext, row: RetentionDispositionsTable, snapshot: Snapshot | null): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    await deleteApprovals(tx, row.id);
    await updateDispositionFrom(tx, row.id, [row.status], { ...freshReview(row, snapshot), updated_at: tx.app.clock.now() });
    await recordEvent(tx, { action: 'disposition.requeue', outcome: 'allowed', reason: 'CHANGED', resources: { clientId: row.client_id, other: { type: 'disposition', id: row.id } } });
  });
}

/**
 * Whether an approval of `approved` still covers the item as it is now: nothing was added (a
 * document, a version, a note, a record) and nothing became sensitive. Less is fine — a matter of
 * a client destroyed meanwhile under its own schedule, a version superseded and destroyed.
 */
function coveredBy(now: Snapshot, approved: Snapshot | null): boolean {
  if (!approved) return false;
  if (now.sensitive && !approved.sensitive) return false;
  const blobs = new Set(approved.documents.flatMap((d) => d.versions.map((v) => `${d.id}#${v.version}#${v.blobId}`)));
  if (now.documents.some((d) => d.versions.some((v) => !blobs.has(`${d.id}#${v.version}#${v.blobId}`)))) return false;
  const notes = new Set(approved.notes);
  const records = new Set(approved.records);
  return now.notes.every((n) => notes.has(n)) && now.records.every((r) => records.has(r));
}

/** Only closed matters (and clients whose matters are all closed) are destroyed. */
function closedEnough(snapshot: Snapshot | null): boolean {
  if (!snapshot) return false;
  if (snapshot.itemType === 'client') return snapshot.state.split(',').every((s) => s === '' || s === 'closed' || s === 'destroyed');
  const matter = snapshot.state.split('/')[0];
  // A superseded version goes whatever the matter's state (never a destroyed one's); a box once its matter closed.
  if (snapshot.itemType === 'document_version') return matter !== 'destroyed';
  if (snapshot.itemType === 'record') return matter === 'closed' || matter === 'destroyed';
  return matter === 'closed';
}

async function anyCompliance(ctx: RequestContext, userIds: string[]): Promise<boolean> {
  if (userIds.length === 0) return false;
  // Roles from the directory (an approver since disabled no longer counts).
  const people = await checkStaff(ctx, userIds, '/approvals').catch(() => new Map<string, { role: string }>());
  return userIds.some((id) => people.get(id)?.role === 'compliance_officer');
}

/**
 * Keeps an item longer: out of the queue until `days` after today (or after its due date, if
 * later); approvals given so far are dropped. Throws ACCESS_DENIED, DISPOSITION_STATE.
 */
export async function extendDisposition(ctx: RequestContext, id: string, input: { days: number; reason: string }): Promise<DispositionView> {
  const reason = input.reason.trim();
  if (reason === '') throw new AppError('VALIDATION_FAILED', 'Say why the item is kept longer', [{ path: 'body.reason', message: 'must not be blank' }]);
  return inTransaction(ctx, async (tx) => {
    const { auth, row } = await authorizeDisposition(tx, id);
    if (!['review', 'approved', 'held', 'failed'].includes(row.status)) throw await refusal(tx, row, new AppError('DISPOSITION_STATE', 'This item can no longer be extended'));
    const now = tx.app.clock.now();
    const due = Math.max(now, Number(row.due_at)) + input.days * DAY_MS;
    const sealer = await RETENTION_FIELDS.forWrite(tx, auth);
    const sealed = sealer.seal(DISPOSITIONS_TABLE, id, 'extend_reason', reason);
    if (!(await updateDispositionFrom(tx, id, [row.status], { status: 'extended', due_at: due, decision: null, manifest: null, tombstone: null, extend_reason_sealed: sealed, extend_key_version: sealer.version, updated_at: now }))) throw new AppError('DISPOSITION_STATE', 'This item changed meanwhile');
    await deleteApprovals(tx, id);
    await recordEvent(tx, { action: 'disposition.extend', outcome: 'allowed', reason: String(input.days), resources: { clientId: row.client_id, ...(row.matter_id ? { matterId: row.matter_id } : {}), other: { type: 'disposition', id } } });
    return (await presentDispositions(tx, [{ ...row, status: 'extended', due_at: due, decision: null, extend_reason_sealed: sealed, extend_key_version: sealer.version }]))[0]!;
  });
}

/**
 * Records the witnessed destruction of an approved physical record (the run marked it
 * awaiting_physical): the method, the witness (another active staff member) and when; a record
 * still checked out is refused (RECORD_CHECKED_OUT). Issues its certificate. Throws ACCESS_DENIED,
 * SEPARATION_OF_DUTIES, VALIDATION_FAILED, DISPOSITION_STATE, RECORD_CHECKED_OUT, LEGAL_HOLD.
 */
export async function recordPhysicalDestruction(ctx: RequestContext, id: string, input: { method: 'shred' | 'incinerate' | 'pulp' | 'degauss' | 'other'; witnessUserId: string; destroyedAt?: number }): Promise<DispositionView> {
  if (ctx.actor.kind !== 'user') throw new AppError('FORBIDDEN', 'A person records a physical destruction');
  const userId = ctx.actor.userId;
  const done = await inTransaction(ctx, async (tx) => {
    const { row } = await authorizeDisposition(tx, id, true);
    if (row.item_type !== 'record' || row.status !== 'awaiting_physical') throw await refusal(tx, row, new AppError('DISPOSITION_STATE', 'This item is not a physical record waiting for destruction'));
    if (input.witnessUserId === userId) throw await refusal(tx, row, new AppError('SEPARATION_OF_DUTIES', 'The witness must be someone else'));
    const witness = (await checkStaff(tx, [input.witnessUserId], 'body.witnessUserId')).get(input.witnessUserId);
    await lockClientRetention(tx, row.client_id);
    const inv = row.matter_id ? await unsafeMatterInventory(tx, row.matter_id) : null;
    const record = inv?.records.find((r) => r.id === row.item_id);
    if (await isDispositionItemHeld(tx, { clientId: row.client_id, matterId: row.matter_id, itemType: 'record', custodianId: record?.custodianUserId ?? null })) {
      throw await refusal(tx, row, new AppError('LEGAL_HOLD', 'A legal hold covers this record'));
    }
    const now = tx.app.clock.now();
    if (input.destroyedAt !== undefined && input.destroyedAt > now) throw new AppError('VALIDATION_FAILED', 'A destruction cannot be recorded ahead of time', [{ path: 'body.destroyedAt', message: 'must not be in the future' }]);
    const destroyedAt = input.destroyedAt ?? now;
    await unsafeMarkRecordDestroyed(tx, row.item_id, { method: input.method, witnessUserId: input.witnessUserId, destroyedAt });
    const { index } = await recordEvent(tx, { action: 'record.destroy', outcome: 'allowed', reason: input.method, resources: { clientId: row.client_id, ...(row.matter_id ? { matterId: row.matter_id } : {}), userId: input.witnessUserId, other: { type: 'record', id: row.item_id } } });
    const manifest: Manifest = { items: [{ type: 'record', id: row.item_id, ...(row.matter_id ? { parentId: row.matter_id } : {}) }], keys: [], blobIds: [], physical: { method: input.method, witness: { userId: input.witnessUserId, name: witness?.name ?? 'Witness' }, destroyedAt } };
    await updateDispositionFrom(tx, id, ['awaiting_physical'], { status: 'executing', manifest: JSON.stringify(manifest), key_event_index: index, updated_at: now, executed_at: now });
    return { ...row, status: 'executing' as const, manifest: JSON.stringify(manifest), key_event_index: index, executed_at: now };
  });
  const certified = await certify(systemContext(ctx.app, 'retention.run'), done, false);
  return (await presentDispositions(ctx, [certified]))[0]!;
}

// ── the run ──────────────────────────────────────────────────────────────────────────────────

interface Manifest {
  items: DestructionRecord['items'];
  keys: DestructionRecord['keys'];
  blobIds: string[];
  physical?: DestructionRecord['physical'];
}

export interface RunResult {
  queued: number;
  executed: number;
  held: number;
  failed: number;
  awaitingPhysical: number;
  masterKeyRotated: boolean;
}

/** SHA-256 of a stored ciphertext, streamed (null when the blob is already gone: a resumed run). */
async function sha256OfBlob(ctx: RequestContext, blobId: string): Promise<string | null> {
  try {
    const hash = createHash('sha256');
    for await (const chunk of await ctx.app.blobs.get(blobId)) hash.update(chunk as Buffer);
    return hash.digest('hex');
  } catch {
    return null;
  }
}

async function buildManifest(ctx: RequestContext, snapshot: Snapshot, row: RetentionDispositionsTable): Promise<Manifest> {
  const items: Manifest['items'] = [];
  const objectKeys: string[] = [];
  const blobIds: string[] = [];
  if (row.item_type === 'client') items.push({ type: 'client', id: row.item_id });
  if (row.item_type === 'matter') items.push({ type: 'matter', id: row.item_id, parentId: row.client_id });
  for (const d of snapshot.documents) {
    if (row.item_type !== 'document_version') items.push({ type: 'document', id: d.id, ...(row.matter_id ? { parentId: row.matter_id } : {}) });
    for (const v of d.versions) {
      const sha256 = await sha256OfBlob(ctx, v.blobId);
      items.push({ type: 'document_version', id: `${d.id}#${v.version}`, parentId: d.id, ...(sha256 ? { sha256 } : {}), size: v.size, ...(v.objectKeyId ? { keyId: v.objectKeyId } : {}) });
      if (v.objectKeyId) objectKeys.push(v.objectKeyId);
      blobIds.push(v.blobId);
    }
  }
  for (const n of snapshot.notes) items.push({ type: 'note', id: n });
  // Physical records are not in it: each box has its own witnessed destruction and certificate.
  const keys: Manifest['keys'] = [];
  if (row.item_type === 'client' && row.decision !== 'anonymise') keys.push({ type: 'client_key', ids: [row.client_id] });
  if (objectKeys.length > 0) keys.push({ type: 'object_key', ids: objectKeys });
  return { items, keys, blobIds };
}

function tombstoneOf(ctx: RequestContext, matter: { number: string; practiceArea: string | null; jurisdiction: string | null; openedAt: number; closedAt: number | null } | null): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = {};
  if (!matter) return out;
  for (const field of ctx.app.config.retention.tombstoneFields) out[field] = matter[field] ?? null;
  return out;
}

/**
 * Destroys one approved item inside the caller's transaction, under the lock, after checking
 * holds there. Returns the audit index of the key-destruction event, or 'held'.
 */
async function destroyInside(tx: RequestContext, row: RetentionDispositionsTable): Promise<number | 'held' | 'changed'> {
  await lockClientRetention(tx, row.client_id);
  // Another node's run may have done it meanwhile (two runs resuming one item): once only.
  const done = (await unsafeGetDisposition(tx, row.id))?.key_event_index;
  if (done !== null && done !== undefined) return Number(done);
  const [documentId, version] = row.item_type === 'document_version' ? row.item_id.split('#') : [undefined, undefined];
  let custodianId: string | null = null;
  if (documentId && row.matter_id) custodianId = (await unsafeMatterInventory(tx, row.matter_id))?.documents.find((d) => d.id === documentId)?.createdBy ?? null;
  if (await isDispositionItemHeld(tx, { clientId: row.client_id, matterId: row.matter_id, itemType: row.item_type, ...(documentId ? { documentId } : {}), custodianId })) return 'held';
  // Under the lock, as it is now: still closed, and nothing in it the approvers did not see.
  const now = await snapshotOf(tx, row.item_type, row.item_id, { clientId: row.client_id, matterId: row.matter_id });
  if (!now || !closedEnough(now) || !coveredBy(now, JSON.parse(row.snapshot) as Snapshot | null)) return 'changed';
  let keyEvent: number | null = null;
  if (row.item_type === 'matter' && (await unsafeMatterInventory(tx, row.item_id))?.records.some((r) => r.status === 'out')) {
    // A box of the matter is checked out: the matter waits (failed with an alert, retried by the next run) until it is back.
    throw new AppError('RECORD_CHECKED_OUT', 'A physical record of this matter is checked out');
  }
  if (row.item_type === 'matter') {
    keyEvent = (await unsafeDestroyMatterContent(tx, row.item_id)).objectKeyEventIndex;
    // The matter's conversations with the client go with it (sealed under the client's key, which lives on).
    await unsafeForgetMatter(tx, row.item_id);
  }
  else if (row.item_type === 'document_version') keyEvent = (await unsafeDestroyDocumentVersions(tx, documentId!, [Number(version)])).objectKeyEventIndex;
  else if (row.item_type === 'client' && row.decision === 'anonymise') {
    const client = await unsafeClientInventory(tx, row.client_id);
    for (const m of client?.matters ?? []) {
      if (m.status === 'destroyed') continue;
      keyEvent = (await unsafeDestroyMatterContent(tx, m.matterId)).objectKeyEventIndex ?? keyEvent;
      await unsafeForgetMatter(tx, m.matterId);
    }
    await unsafeAnonymiseClient(tx, row.client_id, client?.number ? `Anonymised client ${client.number}` : 'Anonymised client');
  } else if (row.item_type === 'client') {
    keyEvent = (await unsafeShredClientKeys(tx, row.client_id as ClientId)).eventIndex;
  }
  // Nothing keyed (an empty matter, only legacy blobs): the key-destruction event still records the step, with its count of 0.
  keyEvent ??= (await unsafeDestroyObjectKeys(tx, { clientId: row.client_id, ...(row.matter_id ? { matterId: row.matter_id } : {}), ids: [] })).eventIndex;
  await recordEvent(tx, { action: 'retention.destroy', outcome: 'allowed', reason: `${row.item_type}:${row.decision ?? row.action}`, resources: { clientId: row.client_id, ...(row.matter_id ? { matterId: row.matter_id } : {}), other: { type: 'disposition', id: row.id } } });
  return keyEvent;
}

async function failed(services: AppServices, ctx: RequestContext, row: RetentionDispositionsTable, error: unknown): Promise<void> {
  const code = error instanceof AppError ? error.code : 'INTERNAL_ERROR';
  services.logger.error({ dispositionId: row.id, code, err: error instanceof Error && !(error instanceof AppError) ? error.message.slice(0, 200) : undefined }, 'retention: a disposition could not be executed; the next run resumes it');
  await updateDispositionFrom(ctx, row.id, ['approved', 'executing', 'failed'], { status: 'failed', error_code: code, updated_at: services.clock.now() }).catch(() => false);
  await recordEvent(ctx, { action: 'retention.destroy', outcome: 'denied', reason: code, resources: { clientId: row.client_id, ...(row.matter_id ? { matterId: row.matter_id } : {}), other: { type: 'disposition', id: row.id } } }).catch(() => undefined);
  await raiseAlert(services, { rule: 'retention_failure', actorId: null, severity: 'critical', firstIndex: null, lastIndex: null, detail: { code, itemType: row.item_type, attempts: row.attempts + 1 }, contain: false }).catch(() => undefined);
}

/**
 * One step of one disposition, resumable at every point: 'executing' with no manifest → writes
 * it; no key event → destroys (in one transaction with the hold check); blobs deleted (missing
 * ones are fine); certificate issued. Returns what happened.
 */
async function execute(services: AppServices, ctx: RequestContext, start: RetentionDispositionsTable): Promise<'executed' | 'held' | 'changed' | 'awaiting_physical' | 'destroyed'> {
  let row = start;
  if (row.status !== 'executing') {
    if (!(await updateDispositionFrom(ctx, row.id, [row.status], { status: 'executing', attempts: row.attempts + 1, error_code: null, updated_at: services.clock.now() }))) return 'changed';
    row = { ...row, status: 'executing', attempts: row.attempts + 1 };
  }
  if (row.item_type === 'record' && row.key_event_index === null) {
    await updateDispositionFrom(ctx, row.id, ['executing'], { status: 'awaiting_physical', updated_at: services.clock.now() });
    return 'awaiting_physical';
  }
  if (row.manifest === null) {
    const snapshot = await snapshotOf(ctx, row.item_type, row.item_id, { clientId: row.client_id, matterId: row.matter_id });
    if (!snapshot || !closedEnough(snapshot) || !coveredBy(snapshot, JSON.parse(row.snapshot) as Snapshot | null)) {
      // Something changed since approval (or the matter was reopened): the approvals covered something else.
      await resnapshot(ctx, { ...row, status: 'executing' }, snapshot);
      return 'changed';
    }
    const manifest = await buildManifest(ctx, snapshot, row);
    const inv = row.matter_id ? await unsafeMatterInventory(ctx, row.matter_id) : null;
    const tombstone = row.item_type === 'matter' ? tombstoneOf(ctx, inv) : row.item_type === 'client' ? { clientNumber: (await unsafeClientInventory(ctx, row.client_id))?.number ?? null } : {};
    await updateDispositionFrom(ctx, row.id, ['executing'], { manifest: JSON.stringify(manifest), tombstone: JSON.stringify(tombstone), updated_at: services.clock.now() });
    row = { ...row, manifest: JSON.stringify(manifest), tombstone: JSON.stringify(tombstone) };
  }
  if (row.key_event_index === null) {
    const outcome = await inTransaction(ctx, async (tx) => {
      const result = await destroyInside(tx, row);
      if (result === 'changed') return 'changed' as const;
      if (result === 'held') {
        await updateDispositionFrom(tx, row.id, ['executing'], { status: 'held', updated_at: services.clock.now() });
        await recordEvent(tx, { action: 'disposition.hold', outcome: 'allowed', reason: 'LEGAL_HOLD', resources: { clientId: row.client_id, ...(row.matter_id ? { matterId: row.matter_id } : {}), other: { type: 'disposition', id: row.id } } });
        return 'held' as const;
      }
      await updateDispositionFrom(tx, row.id, ['executing'], { key_event_index: result, executed_at: services.clock.now(), updated_at: services.clock.now() });
      return result;
    });
    if (outcome === 'held') return 'held';
    if (outcome === 'changed') {
      await resnapshot(ctx, { ...row, status: 'executing' }, await snapshotOf(ctx, row.item_type, row.item_id, { clientId: row.client_id, matterId: row.matter_id }));
      return 'changed';
    }
    row = { ...row, key_event_index: outcome, executed_at: services.clock.now() };
  }
  const manifest = JSON.parse(row.manifest!) as Manifest;
  // A blob already gone is fine (a resumed run); any other failure fails the item, and the next run deletes again.
  for (const blobId of manifest.blobIds) await services.blobs.delete(blobId);
  return 'destroyed';
}

/** Issues and stores the certificate of an item whose destruction is done; marks it executed. */
async function certify(ctx: RequestContext, row: RetentionDispositionsTable, masterKeyRotated: boolean): Promise<RetentionDispositionsTable> {
  const fresh = (await unsafeGetDisposition(ctx, row.id)) ?? row;
  if (fresh.certificate_id) return fresh;
  const manifest = JSON.parse(fresh.manifest!) as Manifest;
  const approvals = (await approvalsOf(ctx, [fresh.id])).get(fresh.id) ?? [];
  const labels = await labelsFor(ctx, { userIds: approvals.map((a) => a.user_id) });
  const schedule = fresh.schedule_id ? (await findSchedules(ctx)).find((s) => s.id === fresh.schedule_id) : undefined;
  const client = await unsafeClientInventory(ctx, fresh.client_id);
  const certificateId = newId(ctx.app.clock.now());
  const record: DestructionRecord = {
    certificateId,
    issuedAt: ctx.app.clock.now(),
    client: { id: fresh.client_id, number: client?.number === null || client?.number === undefined ? null : String(client.number), terminated: fresh.item_type === 'client' },
    scope: fresh.item_type === 'document_version' ? 'versions' : fresh.item_type,
    items: manifest.items,
    keys: manifest.keys,
    schedule: schedule ? { id: schedule.id, name: schedule.name, trigger: schedule.trigger, periodDays: schedule.period_days, action: fresh.decision ?? schedule.action } : null,
    approvals: approvals.map((a) => ({ userId: a.user_id, name: personOf(labels, a.user_id).name, at: Number(a.at) })),
    executedAt: Number(fresh.executed_at ?? ctx.app.clock.now()),
    tombstone: fresh.tombstone ? (JSON.parse(fresh.tombstone) as Record<string, string | number | null>) : {},
    // A physical record has no key: its certificate cites no key-destruction event (the record.destroy event is in the log).
    keyDestructionEventIndex: manifest.physical || fresh.key_event_index === null ? null : Number(fresh.key_event_index),
    ...(manifest.physical ? { physical: manifest.physical } : {}),
    masterKeyRotated,
  };
  const signed = await issueCertificate(ctx.app, record);
  const now = ctx.app.clock.now();
  return inTransaction(ctx, async (tx) => {
    await insertCertificate(tx, { id: certificateId, disposition_id: fresh.id, client_id: fresh.client_id, matter_id: fresh.matter_id, body: JSON.stringify(signed), created_at: now });
    await updateDispositionFrom(tx, fresh.id, ['executing'], { status: 'executed', certificate_id: certificateId, updated_at: now });
    await recordEvent(tx, { action: 'retention.certificate', outcome: 'allowed', resources: { clientId: fresh.client_id, ...(fresh.matter_id ? { matterId: fresh.matter_id } : {}), other: { type: 'certificate', id: certificateId } } });
    return { ...fresh, status: 'executed' as const, certificate_id: certificateId };
  });
}

/**
 * Queues a due item (idempotent: one disposition per item, ever). Returns true when it is new.
 */
async function queue(ctx: RequestContext, item: DueItem, requestedBy: string | null): Promise<boolean> {
  const now = ctx.app.clock.now();
  const id = newId(now);
  const snapshot = await snapshotOf(ctx, item.itemType, item.itemId, { clientId: item.clientId, matterId: item.matterId });
  if (!snapshot) return false;
  const inserted = await unsafeInsertDispositionOnce(ctx, {
    id,
    client_id: item.clientId,
    matter_id: item.matterId,
    item_type: item.itemType,
    item_id: item.itemId,
    schedule_id: item.schedule?.id ?? null,
    action: item.action,
    decision: null,
    due_at: item.dueAt,
    status: 'review',
    // Privileged or highly confidential content, or a backdated closing: two approvers, one the compliance officer.
    sensitive: snapshot.sensitive || item.backdated ? 1 : 0,
    snapshot: JSON.stringify(snapshot),
    snapshot_hash: hashOf(id, snapshot),
    requested_by: requestedBy,
    manifest: null,
    key_event_index: null,
    tombstone: null,
    certificate_id: null,
    extend_reason_sealed: null,
    extend_key_version: null,
    attempts: 0,
    error_code: null,
    created_at: now,
    updated_at: now,
    executed_at: null,
  });
  if (inserted) await recordEvent(ctx, { action: 'disposition.queue', outcome: 'allowed', reason: item.itemType, resources: { clientId: item.clientId, ...(item.matterId ? { matterId: item.matterId } : {}), other: { type: 'disposition', id } } });
  return inserted;
}

/** Queues items a person asked for (a termination): they may not approve them themselves. */
export async function queueRequested(ctx: RequestContext, items: DueItem[]): Promise<number> {
  let n = 0;
  for (const item of items) if (await queue(ctx, item, actorIdOf(ctx))) n += 1;
  return n;
}

/**
 * The retention run (job, CLI `confidant retention run`, POST /retention/run): queues what became
 * due, takes held and extended items back to review once free, executes approved ones, rotates the
 * master key after destroying anything (file provider: so backups lose the destroyed keys too),
 * and certifies. Idempotent; a crash anywhere is resumed by the next run; a failure raises an
 * alert and never stops the other items.
 */
export async function runRetention(services: AppServices, options: { now?: number } = {}): Promise<RunResult> {
  const ctx = systemContext(services, 'retention.run');
  const now = options.now ?? services.clock.now();
  const result: RunResult = { queued: 0, executed: 0, held: 0, failed: 0, awaitingPhysical: 0, masterKeyRotated: false };
  for (const item of await computeDue(ctx, now)) if (await queue(ctx, item, null)) result.queued += 1;
  for (const row of await unsafeDispositionsToRevisit(ctx, now)) {
    const held = row.status === 'held' && (await isDispositionItemHeld(ctx, { clientId: row.client_id, matterId: row.matter_id, itemType: row.item_type, ...(row.item_type === 'document_version' ? { documentId: row.item_id.split('#')[0] } : {}) }));
    if (held) continue;
    // Free again (or the extension is over): a fresh review, never a stale approval.
    const snapshot = await snapshotOf(ctx, row.item_type, row.item_id, { clientId: row.client_id, matterId: row.matter_id });
    await inTransaction(ctx, async (tx) => {
      await deleteApprovals(tx, row.id);
      await updateDispositionFrom(tx, row.id, [row.status], { ...freshReview(row, snapshot), updated_at: now });
      await recordEvent(tx, { action: 'disposition.requeue', outcome: 'allowed', reason: row.status.toUpperCase(), resources: { clientId: row.client_id, other: { type: 'disposition', id: row.id } } });
    });
  }
  const destroyed: RetentionDispositionsTable[] = [];
  for (const row of await unsafeDispositionsToExecute(ctx, now)) {
    try {
      const outcome = await execute(services, ctx, row);
      if (outcome === 'held') result.held += 1;
      else if (outcome === 'awaiting_physical') result.awaitingPhysical += 1;
      else if (outcome === 'destroyed') destroyed.push(row);
    } catch (error) {
      result.failed += 1;
      await failed(services, ctx, row, error);
    }
  }
  if (destroyed.length > 0) await flushDestroyedPages(ctx).catch((error: unknown) => services.logger.error({ err: error instanceof Error ? error.message.slice(0, 200) : 'unknown' }, 'retention: the WAL checkpoint after destruction failed; the next run retries'));
  if (destroyed.length > 0 && services.config.masterKey.provider === 'file') {
    try {
      await unsafeRotateMasterKey(ctx);
      result.masterKeyRotated = true;
    } catch (error) {
      services.logger.error({ err: error instanceof Error ? error.message.slice(0, 200) : 'unknown' }, 'retention: master key rotation after destruction failed; certificates say so');
    }
  }
  // The rotation rewrote live keys: flush again so the old master's wraps leave the WAL too.
  if (result.masterKeyRotated) await flushDestroyedPages(ctx).catch(() => undefined);
  for (const row of destroyed) {
    try {
      await certify(ctx, row, result.masterKeyRotated);
      result.executed += 1;
    } catch (error) {
      result.failed += 1;
      await failed(services, ctx, row, error);
    }
  }
  await recordEvent(ctx, { action: 'retention.run', outcome: 'allowed', reason: `queued:${result.queued}:executed:${result.executed}:held:${result.held}:failed:${result.failed}` });
  return result;
}

/** POST /retention/run: the compliance officer starts a run now. Throws ACCESS_DENIED. */
export async function runRetentionNow(ctx: RequestContext): Promise<RunResult> {
  await requireAccess(ctx, 'retention.manage', FIRM);
  return runRetention(ctx.app);
}

export type { MatterId };
