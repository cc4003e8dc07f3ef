/**
 * The inventory an access review certifies (compliance module): every current seat on a matter
 * team and every current client-wide grant, ids and roles only. Firm oversight
 * (`access_review.manage`, audited by the choke point).
 */
import type { MatterRole } from '../../common/roles.js';
import type { RequestContext } from '../platform/context.js';
import { requireAccess } from './choke-point.js';
import { findAllCurrentGrants } from './grants.repository.js';
import { findAllCurrentSeats } from './team.repository.js';

export interface AccessInventory {
  seats: { matterId: string; clientId: string; userId: string; role: MatterRole }[];
  grants: { grantId: string; clientId: string; userId: string; role: MatterRole }[];
}

/** Current seats and grants. Throws ACCESS_DENIED unless the actor holds access_review.manage. */
export async function accessInventory(ctx: RequestContext): Promise<AccessInventory> {
  await requireAccess(ctx, 'access_review.manage', { kind: 'firm' }, { purpose: 'access_review' });
  const now = ctx.app.clock.now();
  const [seats, grants] = await Promise.all([findAllCurrentSeats(ctx, now), findAllCurrentGrants(ctx, now)]);
  return {
    seats: seats.map((s) => ({ matterId: s.matter_id, clientId: s.client_id, userId: s.user_id, role: s.role })),
    grants: grants.map((g) => ({ grantId: g.id, clientId: g.client_id, userId: g.user_id, role: g.role })),
  };
}
