/**
 * What audit needs from identity without importing it (audit sits below the domain modules):
 * identity registers these from its module `start`.
 */
export interface IdentityHooks {
  /** True when the account is marked as leaving (leaver process started or completed). */
  isLeaving(userId: string): Promise<boolean>;
  /** Contains a user: revoke their sessions and require step-up at next sign-in. `reason` is a rule code. */
  contain(userId: string, reason: string): Promise<void>;
}

let hooks: IdentityHooks | null = null;

export function setIdentityHooks(value: IdentityHooks | null): void {
  hooks = value;
}

export function identityHooks(): IdentityHooks | null {
  return hooks;
}
