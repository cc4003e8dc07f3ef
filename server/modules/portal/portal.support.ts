/**
 * What every portal use case starts with: the signed-in contact, decided by the choke point on
 * their own client (a staff session, another client's contact or a disabled contact is refused
 * there, audited, 404), plus the names pages show instead of ids.
 */
import type { ClientId } from '../../../common/ids.js';
import type { Permission } from '../../../common/permissions.js';
import { auditedRefusal, canAccess, describeTargets, requireAccess, type TargetLabels } from '../../access/index.js';
import { AppError } from '../../platform/errors.js';
import type { MatterId } from '../../../common/ids.js';
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

/**
 * Authority over a contact of the client and what they see: for all matters, client-wide access
 * (client.update: a client grant) — else 403 CLIENT_WIDE_ACCESS_REQUIRED naming body.matterScope,
 * audited under `action`; for listed matters, portal.manage on each (a lead of each). Returns the
 * matters' client ids as access resolved them. Throws ACCESS_DENIED, CLIENT_WIDE_ACCESS_REQUIRED.
 */
export async function requireAuthorityOverMatters(ctx: RequestContext, clientId: ClientId, matterIds: string[] | null, action: string): Promise<(ClientId | null)[]> {
  if (matterIds === null) {
    if (!(await canAccess(ctx, 'client.update', { kind: 'client', clientId }))) {
      throw await auditedRefusal(ctx, new AppError('CLIENT_WIDE_ACCESS_REQUIRED', 'All matters of this client need client-wide access; list your matters instead', [{ path: 'body.matterScope', message: 'all needs client-wide access to the client: list the matters instead' }]), { action, reason: 'CLIENT_WIDE_REQUIRED', resources: { clientId } });
    }
    return [];
  }
  const clients: (ClientId | null)[] = [];
  for (const matterId of matterIds) clients.push((await requireAccess(ctx, 'portal.manage', { kind: 'matter', matterId: matterId as MatterId })).clientId);
  return clients;
}

export const actorIdOf = (ctx: RequestContext): string => (ctx.actor.kind === 'user' ? ctx.actor.userId : ctx.actor.kind === 'system' ? ctx.actor.name : 'anonymous');

export function matterRef(labels: TargetLabels, matterId: string): { id: string; number: string | null; title: string | null } {
  const label = labels.matters.get(matterId);
  return { id: matterId, number: label?.number ?? null, title: label?.title ?? null };
}

export const nameOf = (labels: TargetLabels, userId: string | null): string | null => (userId ? (labels.users.get(userId)?.name ?? null) : null);

export { describeTargets };
