/**
 * audit: the append-only, Merkle-hashed event log. (Interface first; the implementation lands
 * with the audit issue. Until then events are kept in memory only.)
 */
import type { ClientId, DocumentId, MatterId, UserId } from '../../common/ids.js';
import type { RequestContext } from '../platform/context.js';
import type { ConfidantModule } from '../platform/module.js';

/** Opaque ids only: never names, content or secrets. */
export interface AuditResources {
  clientId?: ClientId | string;
  matterId?: MatterId | string;
  documentId?: DocumentId | string;
  userId?: UserId | string;
  /** Any other resource: `{ type, id }` with an opaque id. */
  other?: { type: string; id: string };
}

export interface AuditEventInput {
  /** `<resource>.<verb>`, e.g. `document.read`, `user.sign_in`, `wall.create`. */
  action: string;
  outcome: 'allowed' | 'denied';
  /** A stable reason code for denials (e.g. `WALL`, `NOT_ON_TEAM`, `MFA_REQUIRED`). */
  reason?: string;
  resources?: AuditResources;
  /** Purpose or justification given by the actor (break-glass, disclosure); no client content. */
  purpose?: string;
}

/**
 * Appends one event, in `ctx.db` (so inside the caller's transaction when there is one).
 * Throws AppError AUDIT_UNAVAILABLE when it cannot be written: the caller must then fail closed.
 */
export async function recordEvent(ctx: RequestContext, event: AuditEventInput): Promise<{ index: number }> {
  void ctx;
  void event;
  return { index: -1 };
}

export const auditModule: ConfidantModule = { name: 'audit' };
