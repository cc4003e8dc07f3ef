/** Small helpers shared by access's use cases. */
import type { UserId } from '../../common/ids.js';
import { recordEvent, type AuditEventInput } from '../audit/index.js';
import type { Actor, RequestContext } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { userDirectory, type DirectoryUser } from './directory.js';

export type UserActor = Extract<Actor, { kind: 'user' }>;

/** The signed-in staff member acting, or UNAUTHENTICATED / ACCESS_DENIED for anyone else. */
export function staffActor(ctx: RequestContext): UserActor {
  if (ctx.actor.kind === 'anonymous') throw new AppError('UNAUTHENTICATED');
  if (ctx.actor.kind !== 'user' || ctx.actor.role === 'client') throw new AppError('ACCESS_DENIED', 'Not found');
  return ctx.actor;
}

export function actorId(ctx: RequestContext): string | null {
  return ctx.actor.kind === 'user' ? ctx.actor.userId : null;
}

/**
 * Checks people exist and are staff (through identity's directory when registered; until then
 * ids are accepted as given). Bad ids are a 400 naming `field`.
 */
export async function checkStaff(ctx: RequestContext, ids: string[], field: string, options: { toHoldClientData?: boolean } = {}): Promise<Map<string, DirectoryUser>> {
  const directory = userDirectory(ctx);
  if (!directory) return new Map();
  const users = await directory.getUsers(ctx, ids);
  const byId = new Map(users.map((u) => [u.id, u]));
  const bad = ids.find((id) => {
    const user = byId.get(id);
    return !user || user.role === 'client' || user.status === 'disabled';
  });
  if (bad !== undefined) throw new AppError('VALIDATION_FAILED', `${field} must name active staff members`, [{ path: field, message: 'is not an active staff member' }]);
  // Firm administrators run the system and never hold client data: no seat, grant or request.
  if (options.toHoldClientData && ids.some((id) => byId.get(id)?.role === 'firm_admin')) {
    throw new AppError('VALIDATION_FAILED', `${field} names a firm administrator, who cannot hold client data`, [{ path: field, message: 'is a firm administrator (administrators hold no client data)' }]);
  }
  return byId;
}

/**
 * A refusal decided outside `requireAccess`, audited like its denials: outside a transaction the
 * event is written now; inside one, after the rollback (on the root handle). `after` runs once the
 * event is written (e.g. telling compliance). Returns the error for the caller to throw.
 */
export async function auditedRefusal(ctx: RequestContext, error: AppError, event: Omit<AuditEventInput, 'outcome'>, after?: (outside: RequestContext) => void): Promise<AppError> {
  const denied: AuditEventInput = { ...event, outcome: 'denied' };
  if (!ctx.db.isTransaction) {
    await recordEvent(ctx, denied);
    after?.(ctx);
    return error;
  }
  // Recording now would be rolled back with the caller's transaction (and on SQLite, writing on
  // the root handle while the transaction holds the only connection would deadlock).
  const outside: RequestContext = { ...ctx, db: ctx.app.database.db };
  error.afterRollback = async () => {
    await recordEvent(outside, denied);
    after?.(outside);
  };
  return error;
}
export async function audit(ctx: RequestContext, event: Omit<AuditEventInput, 'outcome'> & { outcome?: AuditEventInput['outcome'] }): Promise<void> {
  await recordEvent(ctx, { outcome: 'allowed', ...event });
}

/**
 * Tells compliance officers something needs their attention, by mail, with opaque ids only (no
 * names, no client data). Best effort: the event itself is already in the audit log, which the
 * audit monitor also alerts on.
 */
export function notifyCompliance(ctx: RequestContext, subject: string, lines: string[]): void {
  const directory = userDirectory(ctx);
  if (!directory) return;
  const send = async () => {
    const officers = (await directory.unsafeListAllUsers(ctx)).filter((u) => u.role === 'compliance_officer' && u.status === 'active');
    for (const officer of officers) await ctx.app.mailer.send({ to: officer.email, subject: `[Confidant] ${subject}`, text: lines.join('\n') });
  };
  void send().catch(() => ctx.app.logger.warn({ subject }, 'compliance notification failed'));
}

export function asUserId(id: string): UserId {
  return id as UserId;
}
