/**
 * The policy as data: which permissions each firm role holds firm-wide, which each matter role
 * holds on its matter, and the pure decision over an actor's loaded facts. No I/O here, so the
 * decision matrix can be tested exhaustively and the hot path stays allocation-light.
 */
import type { Permission } from '../../common/permissions.js';
import type { FirmRole, MatterRole } from '../../common/roles.js';

/** Permissions about the firm itself; never grant access to client data. */
export const FIRM_PERMISSIONS: ReadonlySet<Permission> = new Set<Permission>([
  'client.create',
  'wall.manage',
  'access.report.read',
  'audit.read',
  'audit.status.read',
  'alert.manage',
  'user.manage',
  'key.manage',
  'settings.manage',
]);

/** Firm-wide permissions per firm role. Firm admins run the system but hold no client data. */
export const FIRM_ROLE_PERMISSIONS: Record<FirmRole, ReadonlySet<Permission>> = {
  firm_admin: new Set<Permission>(['user.manage', 'key.manage', 'settings.manage', 'alert.manage', 'audit.status.read']),
  compliance_officer: new Set<Permission>(['wall.manage', 'access.report.read', 'audit.read', 'audit.status.read', 'alert.manage', 'settings.manage']),
  attorney: new Set<Permission>(['client.create', 'matter.create']),
  paralegal: new Set<Permission>(),
  staff: new Set<Permission>(),
  client: new Set<Permission>(),
};

const READ: Permission[] = ['client.read', 'matter.read', 'document.read', 'note.read', 'record.read'];
const WRITE: Permission[] = ['document.write', 'note.write', 'record.write'];

/** Client-data permissions per role on a matter team (or held client-wide through a grant). */
export const MATTER_ROLE_PERMISSIONS: Record<MatterRole, ReadonlySet<Permission>> = {
  lead_attorney: new Set<Permission>([
    ...READ,
    ...WRITE,
    'client.update',
    'client.export',
    'matter.update',
    'matter.team.manage',
    'matter.create',
    'document.classify',
    'access.request.decide',
  ]),
  attorney: new Set<Permission>([...READ, ...WRITE, 'matter.update', 'matter.create', 'document.classify']),
  paralegal: new Set<Permission>([...READ, ...WRITE]),
  assistant: new Set<Permission>(READ),
};

/** What an active break-glass session allows on its one matter: work, not administration. */
export const BREAK_GLASS_PERMISSIONS: ReadonlySet<Permission> = new Set<Permission>([...READ, ...WRITE]);

/** Firm permissions that may name a client or matter: oversight of that target, never its data. */
export const TARGETED_FIRM_PERMISSIONS: ReadonlySet<Permission> = new Set<Permission>(['wall.manage', 'access.report.read', 'key.manage']);

/**
 * Client-level permissions a seat on one of the client's matters implies. Everything else on a
 * client target (updating or exporting the client, managing client-wide access) needs a
 * client-wide grant, so one matter's seat never opens the client's other matters.
 */
export const SEAT_CLIENT_PERMISSIONS: ReadonlySet<Permission> = new Set<Permission>(['client.read', 'matter.create']);

export function isFirmPermission(permission: Permission): boolean {
  return FIRM_PERMISSIONS.has(permission);
}

/** Roles whose set includes `permission` (for SQL scopes: `role in (...)`). */
export function matterRolesWith(permission: Permission): MatterRole[] {
  return (Object.keys(MATTER_ROLE_PERMISSIONS) as MatterRole[]).filter((role) => MATTER_ROLE_PERMISSIONS[role].has(permission));
}

/** Stable reason codes recorded on denied audit events. */
export type DenialReason =
  | 'UNAUTHENTICATED'
  | 'NOT_FOUND'
  | 'FIRM_ROLE'
  | 'PORTAL'
  | 'WALL'
  | 'INCLUSIONARY_WALL'
  | 'NOT_ON_TEAM'
  | 'MFA_REQUIRED'
  | 'GATE_AGREEMENT'
  | 'GATE_TRAINING'
  | 'GATE'
  | 'ACKNOWLEDGEMENT_REQUIRED'
  | 'STEP_UP';

/** Where an allowed client-data decision came from (recorded as the audit purpose basis). */
export type AccessBasis = 'firm_role' | 'team' | 'grant' | 'break_glass' | 'system';
