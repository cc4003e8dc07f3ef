/** The user directory identity provides (access sits below identity and cannot import it). */
import type { FirmRole } from '../../common/roles.js';
import type { RequestContext } from '../platform/context.js';
import { extensionsOf } from './extensions.js';

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
  /**
   * Every account, whoever asks: bypasses `user.manage` because access itself needs it (who could
   * approve a change, which compliance officers to tell). Never hand its answer to a caller.
   */
  unsafeListAllUsers(ctx: RequestContext): Promise<DirectoryUser[]>;
}

/** The instance's user directory (provided by identity), or null where none is installed. */
export function userDirectory(ctx: RequestContext): UserDirectory | null {
  return extensionsOf(ctx.app).userDirectory;
}
