/**
 * What audit needs from identity without importing it (audit sits below the domain modules):
 * identity provides these (`provides.audit.identityHooks`) and the composition root installs them
 * per instance with `installAuditProvisions`.
 */
import type { Permission } from '../../common/permissions.js';
import type { TargetLabels } from '../access/index.js';
import type { AppServices, RequestContext } from '../platform/context.js';

export interface IdentityHooks {
  /** True when the account is marked as leaving (leaver process started or completed). */
  isLeaving(userId: string): Promise<boolean>;
  /** Contains a user: revoke their sessions and require step-up at next sign-in. `reason` is a rule code. */
  contain(userId: string, reason: string): Promise<void>;
}

/** Whether the actor holds a firm permission (the access policy decides; audit cannot import it). */
export type FirmAuthorizer = (ctx: RequestContext, permission: Permission) => Promise<boolean>;

/** Names for ids as the viewer may see them (access's `describeTargets`; audit cannot import it). */
export type TargetDescriber = (ctx: RequestContext, refs: { userIds?: readonly (string | null | undefined)[]; matterIds?: readonly (string | null | undefined)[]; clientIds?: readonly (string | null | undefined)[] }) => Promise<TargetLabels>;

export interface AuditProvisions {
  identityHooks?: (services: AppServices) => IdentityHooks;
  /** Provided by access: the audit routes ask it instead of keeping role lists of their own. */
  authorize?: FirmAuthorizer;
  /** Provided by access: people's names, matter numbers, and titles and client names where the viewer may open them. */
  describeTargets?: TargetDescriber;
}

const installed = new WeakMap<AppServices, { hooks: IdentityHooks | null; authorize: FirmAuthorizer | null; describeTargets: TargetDescriber | null }>();

/** Installs what the modules provide to audit (called once per instance by the composition root). */
export function installAuditProvisions(services: AppServices, provisions: AuditProvisions[]): void {
  const provider = provisions.find((p) => p.identityHooks)?.identityHooks;
  const authorize = provisions.find((p) => p.authorize)?.authorize ?? null;
  const describeTargets = provisions.find((p) => p.describeTargets)?.describeTargets ?? null;
  installed.set(services, { hooks: provider ? provider(services) : null, authorize, describeTargets });
}

/** The instance's identity hooks, or null where none are installed. */
export function identityHooks(services: AppServices): IdentityHooks | null {
  return installed.get(services)?.hooks ?? null;
}

/** The instance's authorizer, or null (then the audit routes refuse everyone but system actors). */
export function firmAuthorizer(services: AppServices): FirmAuthorizer | null {
  return installed.get(services)?.authorize ?? null;
}

/** The instance's describer, or null (then answers carry no names and pages show short ids). */
export function targetDescriber(services: AppServices): TargetDescriber | null {
  return installed.get(services)?.describeTargets ?? null;
}

declare module '../platform/module.js' {
  interface ModuleProvisions {
    audit?: AuditProvisions;
  }
}
