/**
 * recordEvent: turns an event input plus the request context into a row and appends it, in the
 * caller's transaction when there is one, otherwise by group commit. Fails closed.
 */
import type { AppServices, RequestContext } from '../platform/context.js';
import type { Database } from '../platform/db/database.js';
import { AppError } from '../platform/errors.js';
import { appendInTransaction, GroupCommitter, type PendingEvent } from './log.js';

/** Opaque ids only: never names, content or secrets. */
export interface AuditResources {
  clientId?: string;
  matterId?: string;
  documentId?: string;
  userId?: string;
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

const ACTION = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;
const CODE = /^[A-Za-z0-9_.:-]{1,100}$/;
const ID = /^[A-Za-z0-9_.:@-]{1,100}$/;

/** Checks the event carries codes and opaque ids only; returns the offending field or null. */
function invalidField(event: AuditEventInput): string | null {
  if (typeof event.action !== 'string' || event.action.length > 100 || !ACTION.test(event.action)) return 'action';
  if (event.outcome !== 'allowed' && event.outcome !== 'denied') return 'outcome';
  if (event.reason !== undefined && !CODE.test(event.reason)) return 'reason';
  if (event.purpose !== undefined && (typeof event.purpose !== 'string' || event.purpose.length > 500)) return 'purpose';
  const r = event.resources ?? {};
  for (const key of ['clientId', 'matterId', 'documentId', 'userId'] as const) if (r[key] !== undefined && !ID.test(r[key])) return `resources.${key}`;
  if (r.other !== undefined && (!CODE.test(r.other.type) || !ID.test(r.other.id))) return 'resources.other';
  return null;
}

export function toPendingEvent(ctx: RequestContext, event: AuditEventInput): PendingEvent {
  const actor = ctx.actor;
  const r = event.resources ?? {};
  return {
    at: ctx.app.clock.now(),
    actor_type: actor.kind,
    actor_id: actor.kind === 'user' ? actor.userId : actor.kind === 'system' ? actor.name : null,
    session_id: actor.kind === 'user' ? (actor.sessionId ?? (actor.tokenId ? `token:${actor.tokenId}` : null)) : null,
    request_id: ctx.requestId,
    ip: ctx.ip ? ctx.ip.slice(0, 64) : null,
    user_agent: ctx.userAgent ? ctx.userAgent.slice(0, 300) : null,
    action: event.action,
    outcome: event.outcome,
    reason: event.reason ?? null,
    client_id: r.clientId ?? null,
    matter_id: r.matterId ?? null,
    document_id: r.documentId ?? null,
    target_user_id: r.userId ?? null,
    other_type: r.other?.type ?? null,
    other_id: r.other?.id ?? null,
    purpose: event.purpose ?? null,
  };
}

type Listener = () => void;

/** Per-database runtime state: the group committer and who to wake after appends. */
interface Runtime {
  committer: GroupCommitter;
  listeners: Set<Listener>;
}

const runtimes = new WeakMap<Database, Runtime>();

function runtimeFor(services: AppServices): Runtime {
  let runtime = runtimes.get(services.database);
  if (!runtime) {
    const listeners = new Set<Listener>();
    const notify = () => {
      for (const listener of listeners) listener();
    };
    runtime = { committer: new GroupCommitter(services.database, () => services.clock.now(), notify), listeners };
    runtimes.set(services.database, runtime);
  }
  return runtime;
}

/** Calls `listener` after events are committed by group commit (monitoring and sinks wake up). */
export function onAppended(services: AppServices, listener: Listener): () => void {
  const runtime = runtimeFor(services);
  runtime.listeners.add(listener);
  return () => runtime.listeners.delete(listener);
}

export async function recordEventImpl(ctx: RequestContext, event: AuditEventInput): Promise<{ index: number }> {
  const field = invalidField(event);
  if (field !== null) {
    // A malformed event is a programming error in the caller; it is not written, so the caller fails closed.
    ctx.app.logger.error({ field, action: typeof event.action === 'string' ? event.action.slice(0, 100) : null }, 'audit event rejected: invalid field');
    throw new AppError('AUDIT_UNAVAILABLE', 'The audit log could not record this action');
  }
  const pending = toPendingEvent(ctx, event);
  try {
    if (ctx.db.isTransaction) {
      const [index] = await appendInTransaction(ctx.db, [pending], pending.at, ctx.app.database.sqlite);
      return { index: index! };
    }
    return { index: await runtimeFor(ctx.app).committer.append(pending) };
  } catch (error) {
    // Only the driver's message: it names tables and constraints, never the event's values.
    ctx.app.logger.error({ err: error instanceof Error ? error.message.slice(0, 300) : 'unknown', action: event.action }, 'audit event could not be written');
    throw new AppError('AUDIT_UNAVAILABLE', 'The audit log could not record this action');
  }
}
