/**
 * The end of a client relationship: the open matters close (by whoever may close them: the lead
 * attorney), the end is recorded, the client's disposition is scheduled under the schedules (the
 * longest applicable retention, never below the legal minimum), and the end-of-engagement letter
 * says what is kept, for how long, and the client's rights. Optionally the client is anonymised
 * at the end instead of destroyed.
 */
import { canAccess, requireAccess } from '../../access/index.js';
import { recordEvent } from '../../audit/index.js';
import type { ClientId, MatterId } from '../../../common/ids.js';
import type { Permission } from '../../../common/permissions.js';
import { inTransaction, type RequestContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { closeMatter, unsafeRetentionFacts, unsafeSetClientEnded } from '../vault/index.js';
import { computeDue, queueRequested, type DueItem } from './disposition.service.js';
import { renderEndOfEngagementLetter } from './letter.pdf.js';
import { findMinimums, findTermination, insertTermination, unsafeDispositionsOfItems } from './retention.repository.js';
import { minimumFor } from './schedules.service.js';
import type { DispositionItem } from './retention.tables.js';
import { actorIdOf, DAY_MS, isCompliance, labelsFor, parseDay, personOf } from './retention.support.js';

/** The lead attorney with the whole client (client.update), or the compliance officer (oversight). */
const terminatePermission = (ctx: RequestContext): Permission => (isCompliance(ctx) ? 'retention.manage' : 'client.update');
const FAR = 200 * 365 * DAY_MS;

export interface TerminationView {
  clientId: string;
  endedAt: number;
  anonymise: boolean;
  requestedBy: { id: string; name: string };
  closedMatters: number;
  dispositions: { id: string; itemType: DispositionItem; itemId: string; dueAt: number; status: string }[];
}

/** What the client's items will be due on, were nothing held (the letter and the termination's answer). */
async function plannedItems(ctx: RequestContext, clientId: string): Promise<DueItem[]> {
  return (await computeDue(ctx, ctx.app.clock.now() + FAR, clientId)).filter((d) => d.itemType === 'client' || d.itemType === 'matter');
}

/**
 * Ends the relationship with a client. Throws ACCESS_DENIED (404), CONFLICT (already ended; open
 * matters the actor may not close), VALIDATION_FAILED.
 */
export async function terminateClient(ctx: RequestContext, clientId: ClientId, input: { endedOn?: string; anonymise: boolean; closeReason?: string }): Promise<TerminationView> {
  const endedAt = input.endedOn ? parseDay(input.endedOn, 'body.endedOn') : ctx.app.clock.now();
  if (endedAt > ctx.app.clock.now() + DAY_MS) throw new AppError('VALIDATION_FAILED', 'The relationship cannot end in the future', [{ path: 'body.endedOn', message: 'must be today or earlier' }]);
  return inTransaction(ctx, async (tx) => {
    const auth = await requireAccess(tx, terminatePermission(tx), { kind: 'client', clientId });
    if (await findTermination(tx, clientId)) throw new AppError('CONFLICT', 'The relationship with this client has ended already');
    const facts = await unsafeRetentionFacts(tx, auth.clientId);
    const open = facts.matters.filter((m) => m.status === 'open' || m.status === 'pending');
    for (const m of open) {
      if (!(await canAccess(tx, 'matter.update', { kind: 'matter', matterId: m.id as MatterId }))) {
        throw new AppError('CONFLICT', `${open.length} of this client’s matters are still open and you cannot close them all: their lead attorneys close them first`);
      }
    }
    for (const m of open) await closeMatter(tx, m.id as MatterId, { reason: input.closeReason?.trim() || 'End of the client relationship', closedAt: endedAt });
    const now = tx.app.clock.now();
    const requestedBy = actorIdOf(tx);
    await insertTermination(tx, { id: newId(now), client_id: clientId, ended_at: endedAt, anonymise: input.anonymise ? 1 : 0, requested_by: requestedBy, created_at: now });
    await unsafeSetClientEnded(tx, clientId, endedAt);
    await recordEvent(tx, { action: 'client.terminate', outcome: 'allowed', reason: input.anonymise ? 'ANONYMISE' : 'DESTROY', resources: { clientId } });
    let planned = await plannedItems(tx, clientId);
    if (!planned.some((p) => p.itemType === 'client')) {
      // No schedule covers the end of this relationship: the client is queued for review at the legal minimum.
      const minimums = await findMinimums(tx);
      const floor = facts.matters.reduce((max, m) => Math.max(max, minimumFor(minimums, m)), 0) * DAY_MS;
      const latestMatter = planned.reduce((max, p) => Math.max(max, p.dueAt), 0);
      planned = [...planned, { itemType: 'client', itemId: clientId, clientId, matterId: null, documentId: null, version: null, schedule: null, trigger: 'client_ended', triggeredAt: endedAt, dueAt: Math.max(endedAt + floor, latestMatter), action: input.anonymise ? 'anonymise' : 'review', backdated: now - endedAt > 30 * DAY_MS }];
    }
    await queueRequested(tx, planned);
    const queued = await unsafeDispositionsOfItems(tx, planned.map((p) => p.itemId));
    const labels = await labelsFor(tx, { userIds: [requestedBy] });
    return {
      clientId,
      endedAt,
      anonymise: input.anonymise,
      requestedBy: personOf(labels, requestedBy),
      closedMatters: open.length,
      dispositions: planned.map((p) => queued.get(`${p.itemType}:${p.itemId}`)).filter((d) => d !== undefined).map((d) => ({ id: d.id, itemType: d.item_type, itemId: d.item_id, dueAt: Number(d.due_at), status: d.status })),
    };
  });
}

/** Whether the relationship with a client ended (with what is scheduled), and whether the caller may end it (the client page). Throws ACCESS_DENIED. */
export async function getTermination(ctx: RequestContext, clientId: ClientId): Promise<{ ended: boolean; canEnd: boolean; termination: TerminationView | null }> {
  const auth = await requireAccess(ctx, isCompliance(ctx) ? 'retention.manage' : 'client.read', { kind: 'client', clientId });
  const row = await findTermination(ctx, auth.clientId);
  if (!row) return { ended: false, canEnd: await canAccess(ctx, terminatePermission(ctx), { kind: 'client', clientId }), termination: null };
  const all = [...(await unsafeDispositionsOfItems(ctx, [clientId, ...(await unsafeRetentionFacts(ctx, clientId)).matters.map((m) => m.id)])).values()];
  // Someone seated on one matter sees the client's item and their own matters' items, not the others'.
  const queued = [];
  for (const d of all) if (isCompliance(ctx) || d.matter_id === null || (await canAccess(ctx, 'matter.read', { kind: 'matter', matterId: d.matter_id as MatterId }))) queued.push(d);
  const labels = await labelsFor(ctx, { userIds: [row.requested_by] });
  return { ended: true, canEnd: false, termination: { clientId, endedAt: Number(row.ended_at), anonymise: row.anonymise === 1, requestedBy: personOf(labels, row.requested_by), closedMatters: 0, dispositions: queued.map((d) => ({ id: d.id, itemType: d.item_type, itemId: d.item_id, dueAt: Number(d.due_at), status: d.status })) } };
}

/**
 * The end-of-engagement letter (PDF) of a client whose relationship ended: for the firm (client
 * read, or the compliance officer, who sees the client number only) and for the client's portal
 * contacts. Throws ACCESS_DENIED, CONFLICT (not ended).
 */
export async function endOfEngagementLetter(ctx: RequestContext, clientId: ClientId): Promise<Buffer> {
  const portal = ctx.actor.kind === 'user' && ctx.actor.role === 'client';
  const auth = await requireAccess(ctx, portal ? 'portal.read' : isCompliance(ctx) ? 'retention.manage' : 'client.read', { kind: 'client', clientId });
  const row = await findTermination(ctx, auth.clientId);
  if (!row) throw new AppError('CONFLICT', 'The relationship with this client has not ended');
  const facts = await unsafeRetentionFacts(ctx, clientId);
  const planned = await plannedItems(ctx, clientId);
  const labels = await labelsFor(ctx, { clientIds: [clientId], matterIds: facts.matters.map((m) => m.id) });
  const client = facts.clients[0];
  const clientNumber = client?.number === null || client?.number === undefined ? null : String(client.number);
  const clientDue = planned.find((p) => p.itemType === 'client');
  await recordEvent(ctx, { action: 'client.termination_letter', outcome: 'allowed', resources: { clientId } });
  return renderEndOfEngagementLetter({
    firmName: ctx.app.config.retention.firmName,
    clientName: labels.clients.get(clientId)?.name ?? (clientNumber ? `Client ${clientNumber}` : 'Client'),
    clientNumber,
    endedAt: Number(row.ended_at),
    matters: facts.matters.map((m) => ({ number: m.number, closedAt: m.closedAt })),
    kept: planned
      .filter((p) => p.itemType === 'matter')
      .map((p) => ({ what: `The files of matter ${facts.matters.find((m) => m.id === p.matterId)?.number ?? ''}`.trim(), until: p.dueAt, why: p.schedule ? `our retention schedule “${p.schedule.name}”${p.dueAt > p.triggeredAt + (p.schedule.period_days * DAY_MS) ? ' and the legal minimum' : ''}` : 'the legal minimum' })),
    destroyAfter: clientDue ? [{ what: row.anonymise === 1 ? 'Your personal data (your files are destroyed; only anonymous statistics are kept)' : 'Everything we still hold for you', on: clientDue.dueAt }] : [],
    anonymise: row.anonymise === 1,
    contact: ctx.app.config.mail.from,
  });
}
