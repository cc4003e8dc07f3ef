/** The user directory identity registers at start (access sits below identity and cannot import it). */
import type { FirmRole } from '../../common/roles.js';
import type { RequestContext } from '../platform/context.js';

/** A person as access needs to know them (names only for reports and pickers). */
export interface DirectoryUser {
  id: string;
  name: string;
  email: string;
  role: FirmRole;
  status: 'active' | 'leaving' | 'disabled';
  /** When the account was created (epoch ms). */
  createdAt: number;
}

export interface UserDirectory {
  /** The users among `ids` that exist (unknown ids are simply absent). */
  getUsers(ctx: RequestContext, ids: string[]): Promise<DirectoryUser[]>;
  listUsers(ctx: RequestContext): Promise<DirectoryUser[]>;
}

let directory: UserDirectory | null = null;

/** Called by identity at module start (null to remove). Until then access accepts user ids as given. */
export function registerUserDirectory(userDirectory: UserDirectory | null): void {
  directory = userDirectory;
}

export function userDirectory(): UserDirectory | null {
  return directory;
}
