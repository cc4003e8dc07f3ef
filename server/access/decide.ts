/**
 * The decision itself, over cached facts. Order: actor → firm permission → resolve the target
 * (unknown = denied, same as forbidden) → gates → exclusionary walls (deny wins over everything)
 * → basis (team, grant, break-glass) → inclusionary walls → memo acknowledgement.
 */
import type { ErrorCode } from '../../common/error-codes.js';
import type { ClientId, MatterId } from '../../common/ids.js';
import type { Permission } from '../../common/permissions.js';
import type { MatterRole } from '../../common/roles.js';
import type { Actor, RequestContext } from '../platform/context.js';
import { actorFacts, clientExists, clientOfMatter, firmFacts, type ActorFacts, type FirmFacts, type WallFact } from './facts.js';
import { listGates } from './gates.js';
import { extensionsOf } from './extensions.js';
import { BREAK_GLASS_PERMISSIONS, CLIENT_PERMISSIONS, FIRM_ROLE_PERMISSIONS, MATTER_ROLE_PERMISSIONS, SEAT_CLIENT_PERMISSIONS, TARGETED_FIRM_PERMISSIONS, isFirmPermission, type AccessBasis, type DenialReason } from './policy.js';
import { parentOf, type AccessTarget } from './targets.js';

export type Decision =
  | { allowed: true; clientId: ClientId | null; matterId: MatterId | null; basis: AccessBasis }
  | { allowed: false; code: ErrorCode; reason: DenialReason; clientId: ClientId | null; matterId: MatterId | null; wallId?: string };

type UserActor = Extract<Actor, { kind: 'user' }>;

function deny(code: ErrorCode, reason: DenialReason, clientId: ClientId | null, matterId: MatterId | null, wallId?: string): Decision {
  return wallId ? { allowed: false, code, reason, clientId, matterId, wallId } : { allowed: false, code, reason, clientId, matterId };
}

export async function decide(ctx: RequestContext, permission: Permission, target: AccessTarget): Promise<Decision> {
  const actor = ctx.actor;
  if (actor.kind === 'anonymous') return deny('UNAUTHENTICATED', 'UNAUTHENTICATED', null, null);

  // Resolve what the target belongs to from access's own records; unknown targets are denied
  // exactly like forbidden ones.
  let clientId: ClientId | null = null;
  let matterId: MatterId | null = null;
  let missing = false;
  // An object (document, note, record, …) is decided as its parent; a missing one as a missing parent.
  const parent = target.kind === 'object' ? await parentOf(ctx, target) : target;
  if (parent === null) {
    missing = true;
  } else if ('matterId' in parent) {
    matterId = parent.matterId;
    clientId = await clientOfMatter(ctx, parent.matterId);
    missing = !clientId;
  } else if ('clientId' in parent) {
    clientId = parent.clientId;
    missing = !(await clientExists(ctx, parent.clientId));
  }
  const notFound = () => deny('ACCESS_DENIED', 'NOT_FOUND', missing ? (parent !== null && 'clientId' in parent ? clientId : null) : clientId, matterId);
  if (missing && (actor.kind === 'system' || isFirmPermission(permission))) return notFound();

  // System actors (CLI, scheduled jobs) act for the firm; they are audited like anyone.
  if (actor.kind === 'system') return { allowed: true, clientId, matterId, basis: 'system' };

  const firmHas = FIRM_ROLE_PERMISSIONS[actor.role].has(permission);
  if (isFirmPermission(permission) || target.kind === 'firm') {
    // Firm permissions never open client data; on a client or matter target only the oversight
    // ones say the actor may administer it (manage its walls, read its access report, its keys).
    // Any other firm permission asked about a target is refused, so that asking cannot tell an
    // existing matter from a made-up id.
    const applies = target.kind === 'firm' || TARGETED_FIRM_PERMISSIONS.has(permission);
    return firmHas && applies ? { allowed: true, clientId, matterId, basis: 'firm_role' } : deny('ACCESS_DENIED', 'FIRM_ROLE', clientId, matterId);
  }
  // Opening a matter for a client needs the firm role's right to open matters AND need-to-know on
  // the client (checked below like any client-data permission).
  if (permission === 'matter.create' && !firmHas) return deny('ACCESS_DENIED', 'FIRM_ROLE', clientId, matterId);
  // A client's portal contact: only the client permissions, only on their own client, and only
  // what the portal module says this contact reaches (their matters, items shown to them). A
  // missing target, another client's, and a staff-only one refuse alike.
  if (actor.role === 'client') {
    if (missing || !CLIENT_PERMISSIONS.has(permission) || clientId === null || actor.clientId !== clientId) return deny('ACCESS_DENIED', 'PORTAL', missing ? null : clientId, matterId);
    const reach = extensionsOf(ctx.app).clientReach;
    const reaches = reach !== null && (await reach({ ctx, actor, permission, target, clientId, matterId }));
    return reaches ? { allowed: true, clientId, matterId, basis: 'portal' } : deny('ACCESS_DENIED', 'PORTAL', clientId, matterId);
  }
  // Firm administrators run the system and hold no client data, whatever rows say.
  if (actor.role === 'firm_admin') return deny('ACCESS_DENIED', 'FIRM_ROLE', clientId, matterId);

  const [firm, facts] = await Promise.all([firmFacts(ctx), actorFacts(ctx, actor.userId)]);
  const now = ctx.app.clock.now();

  // Gates are about the person, so they are answered before the target is: a missing matter and
  // a real one then refuse the same way.
  for (const gate of listGates(ctx)) {
    const enabled = firm.gates.get(gate.key) ?? gate.defaultEnabled;
    if (enabled && !(await gate.isSatisfied({ ctx, actor, facts, now }))) return deny(gate.failure, gate.reason, missing ? null : clientId, matterId);
  }
  if (missing) return notFound();

  const walls = wallsCovering(firm, clientId!, matterId);
  for (const wall of walls) {
    if (wall.kind === 'exclusionary' && wall.members.has(actor.userId)) return deny('ACCESS_DENIED', 'WALL', clientId, matterId, wall.id);
  }

  const basis = basisFor(firm, facts, permission, clientId!, matterId, now, actor);
  const hidden = basis ? looseHiding(walls, actor) : null;
  if (basis && !hidden) return { allowed: true, clientId, matterId, basis };
  // Break-glass is the emergency path past an inclusionary lock or an unacknowledged memo (never
  // past an exclusionary wall, checked above).
  if (matterId && BREAK_GLASS_PERMISSIONS.has(permission) && facts.breakGlass.get(matterId)?.some((expiresAt) => expiresAt > now)) {
    return { allowed: true, clientId, matterId, basis: 'break_glass' };
  }
  if (!basis || !hidden) return deny('ACCESS_DENIED', 'NOT_ON_TEAM', clientId, matterId);
  return hidden.kind === 'inclusionary' && !hidden.members.has(actor.userId)
    ? deny('ACCESS_DENIED', 'INCLUSIONARY_WALL', clientId, matterId, hidden.id)
    : deny('ACKNOWLEDGEMENT_REQUIRED', 'ACKNOWLEDGEMENT_REQUIRED', clientId, matterId, hidden.id);
}

/** The first wall that withholds the target from someone with a basis: a lock they are not on, or a memo not yet acknowledged. */
export function looseHiding(walls: WallFact[], actor: { userId: string }): WallFact | null {
  for (const wall of walls) if (wall.kind === 'inclusionary' && !wall.members.has(actor.userId)) return wall;
  for (const wall of walls) if (!wall.acknowledged.has(actor.userId)) return wall;
  return null;
}


const NO_WALLS: WallFact[] = [];

/** Active walls on the client as a whole, plus (for a matter target) those on the matter. */
export function wallsCovering(firm: FirmFacts, clientId: ClientId, matterId: MatterId | null): WallFact[] {
  const onClient = firm.clientWalls.get(clientId);
  const onMatter = matterId ? firm.matterWalls.get(matterId) : undefined;
  if (!onMatter) return onClient ?? NO_WALLS;
  if (!onClient) return onMatter;
  return [...onClient, ...onMatter];
}

/** Expiring access stops at the millisecond it expires. */
function isCurrent(expiresAt: number | null, now: number): boolean {
  return expiresAt === null || expiresAt > now;
}

function roleAllows(role: MatterRole, permission: Permission): boolean {
  return MATTER_ROLE_PERMISSIONS[role].has(permission);
}

function basisFor(firm: FirmFacts, facts: ActorFacts, permission: Permission, clientId: ClientId, matterId: MatterId | null, now: number, actor: UserActor): AccessBasis | null {
  if (matterId) {
    const member = facts.team.get(matterId);
    if (member && isCurrent(member.expiresAt, now) && roleAllows(member.role, permission)) return 'team';
  } else if (SEAT_CLIENT_PERMISSIONS.has(permission)) {
    // Client-level data a seat on one matter implies (the client's name, opening a further matter
    // for it): any current team role on one of the client's matters that holds the permission,
    // except matters a wall withholds from the actor. Administering or exporting the whole client
    // never derives from one matter's seat: it needs a client-wide grant.
    for (const [teamMatterId, member] of facts.team) {
      if (member.clientId === clientId && isCurrent(member.expiresAt, now) && roleAllows(member.role, permission) && !isWithheldMatter(firm, teamMatterId, actor)) return 'team';
    }
  }
  const grants = facts.grants.get(clientId);
  if (grants?.some((g) => isCurrent(g.expiresAt, now) && roleAllows(g.role, permission))) return 'grant';
  return null;
}

/** A wall on the matter screens the actor out, or locks it to a group the actor is not in. */
function isWithheldMatter(firm: FirmFacts, matterId: string, actor: UserActor): boolean {
  return firm.matterWalls.get(matterId)?.some((wall) => wall.members.has(actor.userId) === (wall.kind === 'exclusionary')) ?? false;
}
