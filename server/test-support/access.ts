/**
 * Test helpers for the access module's own tests: contexts for users of a given firm role built
 * without identity (the service tier does not need a session), and a client with a matter.
 */
import type { ClientId, MatterId, UserId } from '../../common/ids.js';
import type { FirmRole } from '../../common/roles.js';
import { inTransaction, type RequestContext } from '../platform/context.js';
import { newId } from '../platform/ids.js';
import type { TestInstance } from './test-instance.js';
import { registerClient, registerMatter } from '../access/index.js';

export function userContext(instance: TestInstance, role: FirmRole, options: { userId?: string; mfa?: boolean } = {}): RequestContext & { actor: { kind: 'user'; userId: UserId } } {
  const base = instance.system();
  return {
    ...base,
    requestId: newId(),
    actor: {
      kind: 'user',
      userId: (options.userId ?? newId()) as UserId,
      role,
      clientId: null,
      // An interactive session (not a real row: the service tier only needs the actor).
      sessionId: newId(),
      tokenId: null,
      mfaAt: options.mfa === false ? null : instance.clock.now(),
    },
  } as RequestContext & { actor: { kind: 'user'; userId: UserId } };
}

/** A fresh request by the same actor (a new request id, so the policy version is read again). */
export function nextRequest<T extends RequestContext>(ctx: T): T {
  return { ...ctx, requestId: newId() };
}

/** Registers a client (created by `creator`) and one matter led by `lead`. */
export async function seedMatter(instance: TestInstance, creator: UserId, lead: UserId = creator): Promise<{ clientId: ClientId; matterId: MatterId }> {
  const clientId = newId() as ClientId;
  const matterId = newId() as MatterId;
  await inTransaction(instance.system('seed'), async (ctx) => {
    await registerClient(ctx, { clientId, creatorUserId: creator });
    await registerMatter(ctx, { matterId, clientId, leadUserId: lead });
  });
  return { clientId, matterId };
}
