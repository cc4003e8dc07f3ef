/** Client-level grants: explicit, expiring access to all of one client's matters. */
import type { ClientId } from '../../common/ids.js';
import type { MatterRole } from '../../common/roles.js';
import { inTransaction, type RequestContext } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import type { AccessTables } from './access.tables.js';
import { bumpPolicyVersion, db, firmFacts } from './facts.js';
import { requireAccess } from './index.js';
import { namesOf } from './team.service.js';
import { actorId, audit, checkStaff } from './support.js';

export interface GrantView {
  id: string;
  clientId: string;
  userId: string;
  name: string | null;
  role: MatterRole;
  grantedAt: number;
  grantedBy: string | null;
  expiresAt: number | null;
  revokedAt: number | null;
  reason: string;
}

/**
 * Grants `userId` the role on every matter of the client until `expiresAt` (required, in the
 * future). Needs matter.team.manage on the client (its lead attorneys). Throws ACCESS_DENIED,
 * VALIDATION_FAILED (expiresAt, userId), CONFLICT (person screened from the client).
 */
export async function grantClientAccess(ctx: RequestContext, clientId: ClientId, input: { userId: string; role: MatterRole; expiresAt: number }): Promise<GrantView> {
  return inTransaction(ctx, async (tx) => {
    await requireAccess(tx, 'matter.team.manage', { kind: 'client', clientId });
    if (input.expiresAt <= tx.app.clock.now()) throw new AppError('VALIDATION_FAILED', 'expiresAt must be in the future', [{ path: 'body.expiresAt', message: 'must be in the future' }]);
    await checkStaff(tx, [input.userId], 'body.userId');
    const firm = await firmFacts(tx);
    if (firm.clientWalls.get(clientId)?.some((w) => w.kind === 'exclusionary' && w.members.has(input.userId))) throw new AppError('CONFLICT', 'This person is screened from this client by an ethical wall');
    await bumpPolicyVersion(tx);
    const id = newId();
    await db(tx)
      .insertInto('access_client_grants')
      .values({ id, client_id: clientId, user_id: input.userId, role: input.role, granted_at: tx.app.clock.now(), granted_by: actorId(tx), expires_at: input.expiresAt, revoked_at: null, revoked_by: null, reason: 'grant' })
      .execute();
    await audit(tx, { action: 'access.grant', reason: input.role.toUpperCase(), resources: { clientId, userId: input.userId, other: { type: 'grant', id } } });
    return (await grantViews(tx, [await grantRow(tx, id)]))[0]!;
  });
}

/** Ends a grant now (the row stays, as history). Throws ACCESS_DENIED (also for an unknown grant). */
export async function revokeClientGrant(ctx: RequestContext, grantId: string): Promise<GrantView> {
  return inTransaction(ctx, async (tx) => {
    const grant = await db(tx).selectFrom('access_client_grants').selectAll().where('id', '=', grantId).executeTakeFirst();
    if (!grant) throw new AppError('ACCESS_DENIED', 'Not found');
    await requireAccess(tx, 'matter.team.manage', { kind: 'client', clientId: grant.client_id as ClientId }, { other: { type: 'grant', id: grantId } });
    if (grant.revoked_at === null) {
      await bumpPolicyVersion(tx);
      await db(tx).updateTable('access_client_grants').set({ revoked_at: tx.app.clock.now(), revoked_by: actorId(tx) }).where('id', '=', grantId).where('revoked_at', 'is', null).execute();
      await audit(tx, { action: 'access.grant.revoke', resources: { clientId: grant.client_id, userId: grant.user_id, other: { type: 'grant', id: grantId } } });
    }
    return (await grantViews(tx, [await grantRow(tx, grantId)]))[0]!;
  });
}

/** Grants on a client, current and past (matter.team.manage on the client). */
export async function listClientGrants(ctx: RequestContext, clientId: ClientId): Promise<GrantView[]> {
  await requireAccess(ctx, 'matter.team.manage', { kind: 'client', clientId }, { purpose: 'grants' });
  const rows = await db(ctx).selectFrom('access_client_grants').selectAll().where('client_id', '=', clientId).orderBy('granted_at', 'desc').execute();
  return grantViews(ctx, rows);
}

async function grantRow(ctx: RequestContext, id: string): Promise<AccessTables['access_client_grants']> {
  return db(ctx).selectFrom('access_client_grants').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function grantViews(ctx: RequestContext, rows: AccessTables['access_client_grants'][]): Promise<GrantView[]> {
  const names = await namesOf(ctx, rows.map((r) => r.user_id));
  return rows.map((r) => ({
    id: r.id,
    clientId: r.client_id,
    userId: r.user_id,
    name: names.get(r.user_id) ?? null,
    role: r.role,
    grantedAt: Number(r.granted_at),
    grantedBy: r.granted_by,
    expiresAt: r.expires_at === null ? null : Number(r.expires_at),
    revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
    reason: r.reason,
  }));
}
