/**
 * The audit API's use cases. Each starts with `requireAuditPermission`, the one gate of this module:
 * it asks the access policy (through the authorizer access provides: audit cannot import access)
 * and records the decision — the read of the log as an allowed event before any byte is returned,
 * or the refusal as a denied one — so no route writes its own audit events.
 *
 * Reading the audit trail about a client/matter/document is recorded with the target as `other`,
 * not as clientId/matterId: it reveals metadata, not client data, and must not make the compliance
 * officer appear in "who accessed this client" reports.
 */
import type { Permission } from '../../common/permissions.js';
import type { RequestContext } from '../platform/context.js';
import { inTransaction } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { acknowledgeAlert, listAlerts } from './alerts.js';
import { namesFor } from './audit.presenter.js';
import type { Names } from './audit.schemas.js';
import { createCheckpoint, latestCheckpoint, type Checkpoint } from './checkpoints.js';
import { findEventTargets } from './events.repository.js';
import { firmAuthorizer } from './hooks.js';
import { readTreeHead } from './log.js';
import { breachScope, consistencyProof, findEvents, inclusionProof, personMatterReport, whoAccessed, type EventFilter } from './queries.js';
import { recordEventImpl, type AuditEventInput } from './record.js';
import { loadSigningKey } from './signing.js';
import { verificationStatus } from './verification-job.js';

/** Reading the log, its reports and alerts (compliance). */
const LOG_READERS: Permission = 'audit.read';
/** Checkpoints and verification status (compliance and administrators). */
const STATUS_READERS: Permission = 'audit.status.read';

/**
 * The gate: returns the actor's id when the access policy gives them `permission`, after
 * recording `event` as allowed (in `ctx`'s transaction when there is one). Otherwise records it
 * as denied (reason ROLE; after the rollback inside a transaction) and throws FORBIDDEN. With no
 * authorizer installed only system actors pass (fail closed). Throws UNAUTHENTICATED, AUDIT_UNAVAILABLE.
 */
export async function requireAuditPermission(ctx: RequestContext, permission: Permission, event: Omit<AuditEventInput, 'outcome'>): Promise<string> {
  const actor = ctx.actor;
  if (actor.kind === 'anonymous') throw new AppError('UNAUTHENTICATED', 'Sign in first');
  const authorize = firmAuthorizer(ctx.app);
  const allowed = actor.kind === 'system' || (authorize !== null && (await authorize(ctx, permission)));
  if (allowed) {
    await recordEventImpl(ctx, { ...event, outcome: 'allowed' });
    return actor.kind === 'system' ? actor.name : actor.userId;
  }
  throw await refused(ctx, new AppError('FORBIDDEN', 'Your role may not do this'), { ...event, reason: 'ROLE' });
}

/** A refusal, audited: now outside a transaction, after the rollback inside one. */
async function refused(ctx: RequestContext, error: AppError, event: Omit<AuditEventInput, 'outcome'>): Promise<AppError> {
  const denied: AuditEventInput = { ...event, outcome: 'denied' };
  if (!ctx.db.isTransaction) {
    await recordEventImpl(ctx, denied);
    return error;
  }
  const outside: RequestContext = { ...ctx, db: ctx.app.database.db };
  error.afterRollback = async () => void (await recordEventImpl(outside, denied));
  return error;
}

function requireSignedIn(ctx: RequestContext): void {
  if (ctx.actor.kind === 'anonymous') throw new AppError('UNAUTHENTICATED', 'Sign in first');
}

function reportTarget(filter: { clientId?: string; matterId?: string; documentId?: string }): Pick<AuditEventInput, 'resources'> {
  if (filter.documentId) return { resources: { other: { type: 'document', id: filter.documentId } } };
  if (filter.matterId) return { resources: { other: { type: 'matter', id: filter.matterId } } };
  if (filter.clientId) return { resources: { other: { type: 'client', id: filter.clientId } } };
  return {};
}

function checkRange(since: number | undefined, until: number | undefined): void {
  if (since !== undefined && until !== undefined && since > until) throw new AppError('VALIDATION_FAILED', 'since must not be after until', [{ path: 'querystring.since', message: 'must not be after until' }]);
}

/** Any signed-in user (clients verify their own data): the checkpoint signing key. Throws UNAUTHENTICATED, AUDIT_UNAVAILABLE. */
export function readPublicKey(ctx: RequestContext): { origin: string; keyName: string; algorithm: 'Ed25519'; publicKey: string; verifierKey: string } {
  requireSignedIn(ctx);
  let key;
  try {
    key = loadSigningKey(ctx.app.config.dataDir);
  } catch {
    throw new AppError('AUDIT_UNAVAILABLE', 'The audit signing key is not available');
  }
  return { origin: key.origin, keyName: key.keyName, algorithm: 'Ed25519', publicKey: key.publicKeyBytes.toString('base64'), verifierKey: key.verifierKey };
}

function presentCheckpoint(checkpoint: Checkpoint) {
  return { size: checkpoint.size, rootHash: checkpoint.root.toString('base64'), note: checkpoint.note, createdAt: checkpoint.createdAt };
}

/** Any signed-in user: the latest signed checkpoint (one is signed when none exists). */
export async function readCheckpoint(ctx: RequestContext) {
  requireSignedIn(ctx);
  return presentCheckpoint((await latestCheckpoint(ctx.app)) ?? (await createCheckpoint(ctx.app)));
}

/** `audit.status.read`: signs a checkpoint of the current tree now (audited as `audit.checkpoint.create`). */
export async function signCheckpointNow(ctx: RequestContext) {
  await requireAuditPermission(ctx, STATUS_READERS, { action: 'audit.checkpoint.create' });
  return presentCheckpoint(await createCheckpoint(ctx.app));
}

/** Any signed-in user. Throws AUDIT_RANGE_INVALID. */
export async function readInclusionProof(ctx: RequestContext, index: number, treeSize?: number) {
  requireSignedIn(ctx);
  return inclusionProof(ctx, index, treeSize);
}

/** Any signed-in user. Throws AUDIT_RANGE_INVALID. */
export async function readConsistencyProof(ctx: RequestContext, from: number, to?: number) {
  requireSignedIn(ctx);
  return consistencyProof(ctx, from, to);
}

/** `audit.read`: a page of events (audited as `audit.read`, the filter's target as `other`), with names. */
export async function readEventPage(ctx: RequestContext, filter: EventFilter, limit: number) {
  checkRange(filter.since, filter.until);
  await requireAuditPermission(ctx, LOG_READERS, { action: 'audit.read', ...reportTarget(filter) });
  const head = await readTreeHead(ctx.db);
  const page = await findEvents(ctx, filter, limit);
  const leaves = page.events.map((e) => e.event);
  const names = await namesFor(ctx, {
    userIds: leaves.flatMap((e) => [e.actorType === 'user' ? e.actorId : undefined, e.userId]),
    matterIds: leaves.map((e) => e.matterId),
    clientIds: leaves.map((e) => e.clientId),
  });
  return { ...page, treeSize: head.size, names };
}

/** `audit.read`: who accessed a client, matter or document (audited as `audit.report.access`). */
export async function readAccessReport(ctx: RequestContext, target: { clientId?: string; matterId?: string; documentId?: string }, range: { since?: number; until?: number }) {
  if (!target.clientId && !target.matterId && !target.documentId) throw new AppError('VALIDATION_FAILED', 'Give clientId, matterId or documentId', [{ path: 'querystring.clientId', message: 'one of clientId, matterId, documentId is required' }]);
  await requireAuditPermission(ctx, LOG_READERS, { action: 'audit.report.access', ...reportTarget(target) });
  const actors = await whoAccessed(ctx, target, range);
  const names = await namesFor(ctx, { userIds: actors.filter((a) => a.actorType === 'user').map((a) => a.actorId), matterIds: [target.matterId], clientIds: [target.clientId] });
  return { actors, names };
}

/** `audit.read`: did person P access matter M, with proofs (audited as `audit.report.person_matter`). Throws AUDIT_RANGE_INVALID. */
export async function readPersonMatterReport(ctx: RequestContext, query: { userId: string; matterId: string; since: number; until: number }) {
  const { userId, matterId, since, until } = query;
  await requireAuditPermission(ctx, LOG_READERS, { action: 'audit.report.person_matter', resources: { userId, other: { type: 'matter', id: matterId } } });
  const report = await personMatterReport(ctx, userId, matterId, since, until);
  return { ...report, names: await namesFor(ctx, { userIds: [userId], matterIds: [matterId] }) };
}

/** `audit.read`: everything an actor touched between two times (audited as `audit.report.breach_scope`). Throws AUDIT_RANGE_INVALID. */
export async function readBreachScope(ctx: RequestContext, query: { actorId: string; since: number; until: number }) {
  await requireAuditPermission(ctx, LOG_READERS, { action: 'audit.report.breach_scope', resources: { userId: query.actorId } });
  const scope = await breachScope(ctx, query.actorId, query.since, query.until);
  return { ...scope, names: await namesFor(ctx, { userIds: [query.actorId], matterIds: scope.matters, clientIds: scope.clients }) };
}

/** `audit.read`: alerts, newest first (audited as `alert.read`), with the triggering event's matter and client and names. */
export async function readAlerts(ctx: RequestContext, filter: { status?: 'open' | 'acknowledged'; limit: number }) {
  await requireAuditPermission(ctx, LOG_READERS, { action: 'alert.read' });
  const alerts = await listAlerts(ctx, filter);
  const targets = await findEventTargets(ctx.db, alerts.flatMap((a) => (a.firstIndex === null ? [] : [a.firstIndex])));
  const withTargets = alerts.map((a) => {
    const target = a.firstIndex === null ? undefined : targets.get(a.firstIndex);
    return { ...a, matterId: target?.matterId ?? null, clientId: target?.clientId ?? null };
  });
  const names: Names = await namesFor(ctx, {
    userIds: alerts.flatMap((a) => [a.actorId, a.acknowledgedBy]),
    matterIds: withTargets.map((a) => a.matterId),
    clientIds: withTargets.map((a) => a.clientId),
  });
  return { alerts: withTargets, names };
}

/** `audit.read`: acknowledges an alert (audited as `alert.acknowledge` in the same transaction). Throws ALERT_NOT_FOUND (audited too). */
export async function acknowledgeAlertById(ctx: RequestContext, id: string) {
  return inTransaction(ctx, async (trx) => {
    const event = { action: 'alert.acknowledge', resources: { other: { type: 'alert', id } } };
    const actorId = await requireAuditPermission(trx, LOG_READERS, event);
    const alert = await acknowledgeAlert(trx, id, actorId);
    if (!alert) throw await refused(trx, new AppError('ALERT_NOT_FOUND', 'Alert not found'), { ...event, reason: 'NOT_FOUND' });
    return alert;
  });
}

/** `audit.status.read`: the tree head and the last scheduled verification (audited as `audit.verification.read`). */
export async function readVerificationStatus(ctx: RequestContext) {
  await requireAuditPermission(ctx, STATUS_READERS, { action: 'audit.verification.read' });
  const head = await readTreeHead(ctx.db);
  const status = await verificationStatus(ctx.app);
  return {
    treeSize: head.size,
    rootHash: head.root.toString('base64'),
    lastRunAt: status.lastRunAt,
    ok: status.report ? status.report.ok : null,
    firstBadIndex: status.report?.firstBadIndex ?? null,
    problems: status.report?.problems ?? [],
  };
}
