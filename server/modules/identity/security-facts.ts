/**
 * What the compliance posture needs to know of staff accounts: role, status, whether a second
 * factor is enrolled, the newest sign-in. Ids and facts only — no names, emails or secrets.
 */
import type { FirmRole } from '../../../common/roles.js';
import type { AppServices } from '../../platform/context.js';
import { userStatus, type UserStatus } from './identity.presenter.js';
import { staffSecurityRows } from './identity.repository.js';

export interface StaffSecurityFact {
  id: string;
  role: Exclude<FirmRole, 'client'>;
  /** `disabled` also for a leaver past the leaving date (identity refuses their sign-in). */
  status: UserStatus;
  /** Disabled by an administrator (not only past the leaving date). */
  disabledByAdministrator: boolean;
  leavingOn: number | null;
  createdAt: number;
  /** Invited and has not chosen a password yet. */
  invitationPending: boolean;
  /** A confirmed authenticator app or at least one passkey. */
  hasSecondFactor: boolean;
  /** When the newest session was opened (epoch ms), null when never. */
  lastSignInAt: number | null;
}

/** Every staff account's security facts (a system read for the posture: no client data, no names). */
export async function staffSecurityFacts(services: AppServices): Promise<StaffSecurityFact[]> {
  const now = services.clock.now();
  return (await staffSecurityRows(services.database.db)).map((r) => ({
    id: r.id,
    role: r.role as Exclude<FirmRole, 'client'>,
    status: userStatus(r, now),
    disabledByAdministrator: r.disabled_at !== null,
    leavingOn: r.leaving_on,
    createdAt: r.created_at,
    invitationPending: r.has_password === 0 && r.disabled_at === null,
    hasSecondFactor: r.factors > 0,
    lastSignInAt: r.last_sign_in,
  }));
}
