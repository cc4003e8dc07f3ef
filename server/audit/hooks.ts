/**
 * What audit needs from identity without importing it (audit sits below the domain modules):
 * identity provides these (`provides.audit.identityHooks`) and the composition root installs them
 * per instance with `installAuditProvisions`.
 */
import type { AppServices } from '../platform/context.js';

export interface IdentityHooks {
  /** True when the account is marked as leaving (leaver process started or completed). */
  isLeaving(userId: string): Promise<boolean>;
  /** Contains a user: revoke their sessions and require step-up at next sign-in. `reason` is a rule code. */
  contain(userId: string, reason: string): Promise<void>;
}

export interface AuditProvisions {
  identityHooks?: (services: AppServices) => IdentityHooks;
}

const installed = new WeakMap<AppServices, IdentityHooks>();

/** Installs what the modules provide to audit (called once per instance by the composition root). */
export function installAuditProvisions(services: AppServices, provisions: AuditProvisions[]): void {
  const provider = provisions.find((p) => p.identityHooks)?.identityHooks;
  if (provider) installed.set(services, provider(services));
  else installed.delete(services);
}

/** The instance's identity hooks, or null where none are installed. */
export function identityHooks(services: AppServices): IdentityHooks | null {
  return installed.get(services) ?? null;
}

declare module '../platform/module.js' {
  interface ModuleProvisions {
    audit?: AuditProvisions;
  }
}
