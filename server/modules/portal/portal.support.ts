/**
 * What every portal use case starts with: the signed-in contact, decided by the choke point on
 * their own client (a staff session, another client's contact or a disabled contact is refused
 * there, audited, 404), plus the names pages show instead of ids.
 */
import type { ClientId } from '../../../common/ids.js';
import type { Permission } from '../../../common/permissions.js';
import { describeTargets, requireAccess, type TargetLabels } from '../../access/index.js';
import type { RequestContext } from '../../platform/context.js';
import { mattersOf } from './portal.access.js';
import { getOwnContactRow, type ClientAuth } from './portal.repository.js';
import type { PortalContactsTable } from './portal.tables.js';

export interface SignedInContact {
  auth: ClientAuth;
  contact: PortalContactsTable;
  /** The matters this contact reaches; null: all of the client's. */
  matterIds: string[] | null;
}

// No client owns this id: a staff actor asking for the portal is refused like a missing client.
const NO_CLIENT = '00000000-0000-4000-8000-000000000000' as ClientId;

/** The contact behind this request, authorized on their own client. Throws ACCESS_DENIED (404). */
export async function requireContact(ctx: RequestContext, permission: Extract<Permission, 'portal.read' | 'portal.write'>): Promise<SignedInContact> {
  const clientId = ctx.actor.kind === 'user' && ctx.actor.role === 'client' && ctx.actor.clientId ? ctx.actor.clientId : NO_CLIENT;
  const auth = await requireAccess(ctx, permission, { kind: 'client', clientId });
  const contact = await getOwnContactRow(ctx, auth, (ctx.actor as { userId: string }).userId);
  return { auth, contact, matterIds: mattersOf(contact) };
}

export const actorIdOf = (ctx: RequestContext): string => (ctx.actor.kind === 'user' ? ctx.actor.userId : ctx.actor.kind === 'system' ? ctx.actor.name : 'anonymous');

export function matterRef(labels: TargetLabels, matterId: string): { id: string; number: string | null; title: string | null } {
  const label = labels.matters.get(matterId);
  return { id: matterId, number: label?.number ?? null, title: label?.title ?? null };
}

export const nameOf = (labels: TargetLabels, userId: string | null): string | null => (userId ? (labels.users.get(userId)?.name ?? null) : null);

export { describeTargets };
