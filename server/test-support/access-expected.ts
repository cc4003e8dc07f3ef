/**
 * The expected decision for every combination, spelled out as the product defines it —
 * deliberately NOT derived from policy.ts, so the matrix tests compare two independent statements.
 */
import type { Permission } from '../../common/permissions.js';
import type { FirmRole, MatterRole } from '../../common/roles.js';

export const WALLS = ['none', 'screened', 'locked_listed', 'locked_unlisted', 'unacknowledged'] as const;
export const GATES = ['ok', 'no_mfa', 'no_agreement'] as const;
export const GRANTS = ['none', 'active', 'expired', 'revoked'] as const;
export type Wall = (typeof WALLS)[number];
export type Gate = (typeof GATES)[number];
export type Grant = (typeof GRANTS)[number];
export type Expected = 'allow' | 'ACCESS_DENIED' | 'MFA_REQUIRED' | 'GATE_NOT_SATISFIED' | 'ACKNOWLEDGEMENT_REQUIRED';

// Expected permissions, written out as the product defines them (not imported from policy.ts).
const FIRM_LEVEL: Record<string, FirmRole[]> = {
  'client.create': ['attorney'],
  'wall.manage': ['compliance_officer'],
  'conflict.review': ['compliance_officer'],
  'access.report.read': ['compliance_officer'],
  'audit.read': ['compliance_officer'],
  'audit.status.read': ['compliance_officer', 'firm_admin'],
  'alert.manage': ['compliance_officer', 'firm_admin'],
  'user.manage': ['firm_admin'],
  'key.manage': ['firm_admin'],
  'settings.manage': ['compliance_officer', 'firm_admin'],
  'notice.read': ['compliance_officer', 'attorney', 'paralegal', 'staff'],
  'notice.manage': ['compliance_officer'],
  'disclosure.oversee': ['compliance_officer'],
  'retention.manage': ['compliance_officer'],
  'compliance.manage': ['compliance_officer', 'firm_admin'],
  'compliance.self': ['compliance_officer', 'firm_admin', 'attorney', 'paralegal', 'staff'],
  'access_review.manage': ['compliance_officer'],
  'incident.report': ['compliance_officer', 'firm_admin', 'attorney', 'paralegal', 'staff'],
  'incident.manage': ['compliance_officer'],
};
const L = 'lead_attorney',
  A = 'attorney',
  P = 'paralegal',
  S = 'assistant';
const ON_MATTER: Record<string, MatterRole[]> = {
  'client.read': [L, A, P, S],
  'client.update': [L],
  'client.export': [L],
  'matter.create': [L, A],
  'matter.read': [L, A, P, S],
  'matter.update': [L, A],
  'matter.team.manage': [L],
  'document.read': [L, A, P, S],
  'document.write': [L, A, P],
  'document.classify': [L, A],
  'note.read': [L, A, P, S],
  'note.write': [L, A, P],
  'record.read': [L, A, P, S],
  'record.write': [L, A, P],
  'access.request.decide': [L],
  'consent.read': [L, A, P, S],
  'consent.write': [L, A],
  'disclosure.request': [L, A],
  'disclosure.read': [L, A, P],
  'disclosure.approve': [L],
  'privilege_log.read': [L, A],
  'portal.manage': [L],
  'message.read': [L, A, P, S],
  'message.write': [L, A, P],
  'hold.read': [L, A, P, S],
  'hold.manage': [L],
  'disposition.approve': [L],
  'access_review.certify': [L],
};
export const GRANT_ROLE: MatterRole = 'paralegal';
const OVERSIGHT: string[] = ['wall.manage', 'access.report.read', 'key.manage', 'disclosure.oversee', 'retention.manage', 'incident.manage'];
const SEAT_IMPLIES: string[] = ['client.read', 'matter.create', 'consent.read', 'consent.write', 'portal.manage', 'hold.read'];

export function expected(permission: Permission, firmRole: FirmRole, matterRole: MatterRole | null, wall: Wall, gate: Gate, grant: Grant, target: 'matter' | 'client'): Expected {
  const firmRoles = FIRM_LEVEL[permission];
  // Asked about a client or matter, a firm permission answers only for oversight of that target
  // (walls, access reports, keys); anything else would tell a real id from a made-up one.
  if (firmRoles) return firmRoles.includes(firmRole) && OVERSIGHT.includes(permission) ? 'allow' : 'ACCESS_DENIED';
  // Portal users and firm administrators hold no client data, whatever rows say.
  if (firmRole === 'client' || firmRole === 'firm_admin') return 'ACCESS_DENIED';
  if (permission === 'matter.create' && firmRole !== 'attorney') return 'ACCESS_DENIED';
  if (gate === 'no_mfa') return 'MFA_REQUIRED';
  if (gate === 'no_agreement') return 'GATE_NOT_SATISFIED';
  if (wall === 'screened' && target === 'matter') return 'ACCESS_DENIED';
  const allowedRoles = ON_MATTER[permission] ?? [];
  // A team seat on a matter one is screened from, or locked out of, never counts for the client's
  // own data, and a seat implies only reading the client and opening a further matter for it;
  // a client-wide grant still opens the client's other data (the screen covers the matter).
  const seatCounts = target === 'matter' || (SEAT_IMPLIES.includes(permission) && wall !== 'locked_unlisted');
  const byTeam = matterRole !== null && allowedRoles.includes(matterRole) && wall !== 'screened' && seatCounts;
  const byGrant = grant === 'active' && allowedRoles.includes(GRANT_ROLE);
  if (!byTeam && !byGrant) return 'ACCESS_DENIED';
  // Walls in this matrix sit on the matter; a client-level question is not behind them.
  if (target === 'client') return 'allow';
  if (wall === 'locked_unlisted') return 'ACCESS_DENIED';
  if (wall === 'unacknowledged') return 'ACKNOWLEDGEMENT_REQUIRED';
  return 'allow';
}

