/** Small helpers the retention services share: the firm target, days, people's names, refs. */
import { describeTargets, type TargetLabels } from '../../access/index.js';
import type { RequestContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { fieldSealing } from '../keys/index.js';

export const FIRM = { kind: 'firm' } as const;
export const DAY_MS = 86_400_000;

/** Hold names and reasons, rejection and release reasons: sealed under the client's key. Never change these strings. */
export const RETENTION_FIELDS = fieldSealing({ keyInfo: 'confidant/retention-fields/v1', aadLabel: 'confidant/retention-field/v1' });
export const HOLDS_TABLE = 'retention_holds';
export const DISPOSITIONS_TABLE = 'retention_dispositions';

/** `YYYY-MM-DD` → epoch ms at UTC midnight; 400 naming `path` (e.g. `body.fixedDate`) when it is not a real day. */
export function parseDay(value: string, path: string): number {
  const at = Date.parse(`${value}T00:00:00.000Z`);
  if (!Number.isFinite(at) || new Date(at).toISOString().slice(0, 10) !== value) throw new AppError('VALIDATION_FAILED', `${path.replace(/^[a-z]+\./, '')} is not a valid day`, [{ path, message: 'must be a real calendar day, YYYY-MM-DD' }]);
  return at;
}

export const dayOf = (at: number): string => new Date(at).toISOString().slice(0, 10);

/** The compliance officer (or the CLI's and jobs' system actor): acts on any client or matter as oversight, through retention.manage. */
export const isCompliance = (ctx: RequestContext): boolean => ctx.actor.kind === 'system' || (ctx.actor.kind === 'user' && ctx.actor.role === 'compliance_officer');

/** The signed-in person's id (staff or the CLI's system actor name). */
export function actorIdOf(ctx: RequestContext): string {
  return ctx.actor.kind === 'user' ? ctx.actor.userId : ctx.actor.kind === 'system' ? `system:${ctx.actor.name}` : 'anonymous';
}

export function personOf(labels: TargetLabels, id: string): { id: string; name: string } {
  if (id.startsWith('system:')) return { id, name: 'Confidant (scheduled run)' };
  return { id, name: labels.users.get(id)?.name ?? 'Former user' };
}

/** How a client shows: its number and name where the viewer may open it, a neutral label otherwise. */
export function clientRefOf(labels: TargetLabels, clientId: string, number?: string | number | null): { id: string; label: string } {
  const name = labels.clients.get(clientId)?.name ?? null;
  const prefix = number ? `Client ${number}` : 'Client';
  return { id: clientId, label: name ? (number ? `${number} · ${name}` : name) : prefix };
}

export function matterRefOf(labels: TargetLabels, matterId: string | null): { id: string; label: string } | null {
  if (!matterId) return null;
  const label = labels.matters.get(matterId);
  if (!label) return { id: matterId, label: 'Matter' };
  return { id: matterId, label: label.title ? `${label.number} · ${label.title}` : label.number };
}

/** Labels of the people, matters and clients on a page, as the viewer may see them. */
export async function labelsFor(ctx: RequestContext, refs: { userIds?: (string | null)[]; matterIds?: (string | null)[]; clientIds?: (string | null)[] }): Promise<TargetLabels> {
  return describeTargets(ctx, refs);
}
