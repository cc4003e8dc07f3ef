/**
 * access: THE choke point. Every use case touching client data starts with `requireAccess`;
 * every list filters with `scopeFor`.
 *
 * Decision order: authenticated actor → firm role → gates (MFA, agreement, training) →
 * exclusionary walls (deny wins) → inclusionary walls → matter team / client grant / break-glass
 * → wall memo acknowledged. Allowed and denied decisions are audited by `requireAccess` itself.
 * See docs/access.md.
 */
import type { ConfidantModule } from '../platform/module.js';
import { accessRoutes } from './access.routes.js';
import { canAccess } from './choke-point.js';
import { describeTargets } from './labels.js';
import { GRANT_APPROVAL } from './grants.service.js';
import { WALL_LIFT_APPROVAL } from './walls.service.js';
import { BUILT_IN_GATES } from './gates.js';

export {
  requireAccess,
  canAccess,
  checkDecision,
  scopeFor,
  registerMatter,
  registerClient,
  type Authorized,
  type AccessDetail,
  type Scope,
} from './choke-point.js';
export { type GateDefinition } from './gates.js';
export { installAccessProvisions, type AccessProvisions, type ClientReach } from './extensions.js';
export { requestApproval, hasSecondApprover, type ApprovalKind, type ApprovalView } from './approvals.service.js';
export { auditedRefusal, checkStaff } from './support.js';
/** Who can open an authorized client's data now (the client's portal; the caller decided on the client). */
export { couldAccessNow, matterIdsOfClient, type CouldAccessReport, type AccessPeriod } from './reports.service.js';
export { type SealingKeyProvider } from './sealing.js';
/** Response schema of a change filed for a second person's approval (202). */
export { PendingApproval as PendingApprovalSchema } from './access.schemas.js';
export { clearAccessCaches, bumpPolicyVersion } from './facts.js';
/** The access review's inventory of current seats and grants (access_review.manage), and the revocations a review applies. Throw ACCESS_DENIED, CONFLICT (the last lead). */
export { accessInventory, type AccessInventory } from './inventory.service.js';
/** Every registered gate and whether it is on (settings.manage: the firm administrator, the compliance officer; the posture reads it). Throws NOT_FOUND when refused. */
export { listGateSettings, type GateSettingView } from './gates.service.js';
export { removeTeamMember } from './team.service.js';
export { revokeClientGrant } from './grants.service.js';
export { FIRM_ROLE_PERMISSIONS, MATTER_ROLE_PERMISSIONS, BREAK_GLASS_PERMISSIONS } from './policy.js';
export type { AccessTarget, ClientTarget, FirmTarget, MatterTarget, ObjectTarget, ParentResolver } from './targets.js';
export { hasRecentFactor, requireRecentFactor, STEP_UP_WINDOW_MS } from './step-up.js';
export { type DirectoryUser, type UserDirectory } from './directory.js';
export { describeTargets, type TargetLabeler, type TargetLabels, type MatterLabel, type ClientLabel } from './labels.js';

export const accessModule: ConfidantModule = {
  name: 'access',
  routes: accessRoutes,
  provides: {
    access: { gates: BUILT_IN_GATES, approvalKinds: [GRANT_APPROVAL, WALL_LIFT_APPROVAL] },
    // The audit routes ask the policy, not role lists of their own (a silent check: they audit the refusal).
    // …and name people and matters through the labels (titles and client names only where the viewer may open them).
    audit: { authorize: (ctx, permission) => canAccess(ctx, permission, { kind: 'firm' }), describeTargets },
  },
};
