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
  // The conflict check's hits name other clients and parties: the compliance officer reviews them.
  'conflict.review',
  'access.report.read',
  'audit.read',
  'audit.status.read',
  'alert.manage',
  'user.manage',
  'key.manage',
  'settings.manage',
  // Data-handling notices are firm text; the compliance officer writes them, staff read them.
  'notice.read',
  'notice.manage',
  // The compliance officer's oversight of disclosures: approving legal exceptions, the register.
  'disclosure.oversee',
  // Retention: schedules, legal holds and the disposition queue (names ids and numbers, never content).
  'retention.manage',
  // Compliance program: policies, agreements, training (firm records); one's own acknowledgements and training; access review campaigns.
  'compliance.manage',
  'compliance.self',
  'access_review.manage',
  // Incidents: reporting one (every staff member), running the response (the compliance officer).
  'incident.report',
  'incident.manage',
]);

/** Firm-wide permissions per firm role. Firm admins run the system but hold no client data. */
export const FIRM_ROLE_PERMISSIONS: Record<FirmRole, ReadonlySet<Permission>> = {
  firm_admin: new Set<Permission>(['user.manage', 'key.manage', 'settings.manage', 'alert.manage', 'audit.status.read', 'compliance.manage', 'compliance.self', 'incident.report']),
  compliance_officer: new Set<Permission>(['wall.manage', 'conflict.review', 'access.report.read', 'audit.read', 'audit.status.read', 'alert.manage', 'settings.manage', 'notice.read', 'notice.manage', 'disclosure.oversee', 'retention.manage', 'compliance.manage', 'compliance.self', 'access_review.manage', 'incident.report', 'incident.manage']),
  attorney: new Set<Permission>(['client.create', 'matter.create', 'notice.read', 'compliance.self', 'incident.report']),
  paralegal: new Set<Permission>(['notice.read', 'compliance.self', 'incident.report']),
  staff: new Set<Permission>(['notice.read', 'compliance.self', 'incident.report']),
  client: new Set<Permission>(),
};

const READ: Permission[] = ['client.read', 'matter.read', 'document.read', 'note.read', 'record.read'];
const WRITE: Permission[] = ['document.write', 'note.write', 'record.write'];
// Consents and disclosures (consent module): attorneys record consents and request disclosures; only the lead (or the compliance officer) approves an exception.
const CONSENT_ATTORNEY: Permission[] = ['consent.read', 'consent.write', 'disclosure.request', 'disclosure.read', 'privilege_log.read'];
const CONSENT_LEAD: Permission[] = [...CONSENT_ATTORNEY, 'disclosure.approve'];
// Portal (portal module): the team reads the client's messages and writes to the client; the lead invites the client's contacts.
const MESSAGES: Permission[] = ['message.read', 'message.write'];
// Retention: everyone on a matter's team learns of the holds on it (they must preserve); only the lead places one or approves the matter's disposition.
const HOLDS: Permission[] = ['hold.read'];

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
    ...CONSENT_LEAD,
    ...MESSAGES,
    'portal.manage',
    ...HOLDS,
    'hold.manage',
    'disposition.approve',
    // Access reviews: the lead attorney certifies (keep or revoke) each seat and grant of the matters they lead.
    'access_review.certify',
  ]),
  attorney: new Set<Permission>([...READ, ...WRITE, 'matter.update', 'matter.create', 'document.classify', ...CONSENT_ATTORNEY, ...MESSAGES, ...HOLDS]),
  paralegal: new Set<Permission>([...READ, ...WRITE, 'consent.read', 'disclosure.read', ...MESSAGES, ...HOLDS]),
  assistant: new Set<Permission>([...READ, 'consent.read', 'message.read', ...HOLDS]),
};

/** What an active break-glass session allows on its one matter: work, not administration. */
export const BREAK_GLASS_PERMISSIONS: ReadonlySet<Permission> = new Set<Permission>([...READ, ...WRITE]);

/** Firm permissions that may name a client or matter: oversight of that target, never its data. */
export const TARGETED_FIRM_PERMISSIONS: ReadonlySet<Permission> = new Set<Permission>(['wall.manage', 'access.report.read', 'key.manage', 'disclosure.oversee', 'retention.manage', 'incident.manage']);

/**
 * Client-level permissions a seat on one of the client's matters implies. Everything else on a
 * client target (updating or exporting the client, managing client-wide access) needs a
 * client-wide grant, so one matter's seat never opens the client's other matters.
 */
// A client's consents are client-level: a seat on one of its matters lets one read and record them (a consent listing matters also needs consent.write on each).
// A lead attorney's seat lets them see and invite the client's portal contacts (for the matters they lead; all matters needs client-wide access).
export const SEAT_CLIENT_PERMISSIONS: ReadonlySet<Permission> = new Set<Permission>(['client.read', 'matter.create', 'consent.read', 'consent.write', 'portal.manage', 'hold.read']);

/**
 * What a client's own portal contact may be allowed: reading and writing their own data through
 * the portal module's endpoints. Nothing else is ever decided in a client's favour; whether this
 * contact reaches this client, matter or item is the portal module's `clientReach` answer.
 */
export const CLIENT_PERMISSIONS: ReadonlySet<Permission> = new Set<Permission>(['portal.read', 'portal.write']);

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
  | 'GATE_POLICY'
  | 'GATE'
  | 'ACKNOWLEDGEMENT_REQUIRED'
  | 'STEP_UP';

/** Where an allowed client-data decision came from (recorded as the audit purpose basis). */
export type AccessBasis = 'firm_role' | 'team' | 'grant' | 'break_glass' | 'system' | 'portal';
