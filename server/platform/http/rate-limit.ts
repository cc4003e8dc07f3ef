/**
 * The API's request budgets (docs/operations.md#rate-limits): a signed-in request spends its
 * account's budget (a session) or its API token's, an anonymous one its client address's. An
 * office behind one NAT address, or a verifier fetching a proof per event, is then not limited by
 * its neighbours.
 *
 * The account or token is known only once identity has verified the credential, which costs a
 * database read, so a request that carries one (session cookie or bearer token) is counted after
 * authentication (`afterAuthentication`, called by the /api hook), everything else at onRequest
 * before any work. A credential that fails verification counts against the address, in the same
 * bucket as anonymous requests: a made-up token never buys a fresh budget. Buckets live in memory on
 * each node (@fastify/rate-limit's store).
 */
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import type { Actor } from '../context.js';
import { AppError } from '../errors.js';

const WINDOW_MS = 60_000;
const SESSION_COOKIE_NAME = 'confidant_session';

declare module 'fastify' {
  interface FastifyRequest {
    /** The bucket this request spends: `address:…`, `account:…` or `token:…`. */
    rateLimitBucket: string | null;
  }
}

export interface RateLimits {
  /** Counts a request that carried a credential, once authentication has run; throws 429 when spent. */
  afterAuthentication(request: FastifyRequest, reply: FastifyReply, actor: Actor | null): Promise<void>;
}

/** The bucket of an anonymous request (or of a credential that did not verify). */
export function addressBucket(request: FastifyRequest): string {
  return `address:${normalizeIP(request.ip)}`;
}

/** The bucket of a verified actor: its API token, else its account. Never from an unverified header. */
export function actorBucket(actor: Actor): string | null {
  if (actor.kind !== 'user') return null;
  return actor.tokenId !== null ? `token:${actor.tokenId}` : `account:${actor.userId}`;
}

function carriesCredential(request: FastifyRequest): boolean {
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string' && /^bearer\s/i.test(authorization)) return true;
  const cookie = request.headers.cookie;
  return typeof cookie === 'string' && cookie.includes(`${SESSION_COOKIE_NAME}=`);
}

/**
 * Registers the limiter (also the per-route `config.rateLimit` budgets, e.g. unseal's) and the
 * onRequest check. `isAuthenticatedRoute` says whether the /api authentication hook runs for a
 * request's route, i.e. whether `afterAuthentication` will count it.
 */
export async function registerRateLimits(app: FastifyInstance, config: Config, isAuthenticatedRoute: (request: FastifyRequest) => boolean): Promise<RateLimits> {
  const perAddress = config.rateLimitPerMinute;
  const perActor = config.rateLimitPerAccountPerMinute;
  await app.register(rateLimit, {
    global: false,
    max: perAddress,
    timeWindow: WINDOW_MS,
    errorResponseBuilder: () => new AppError('RATE_LIMITED', 'Too many requests, slow down'),
  });
  app.decorateRequest('rateLimitBucket', null);
  // One store for every bucket, so anonymous requests and failed credentials share the address's.
  const spend = app.createRateLimit({
    timeWindow: WINDOW_MS,
    keyGenerator: (request) => request.rateLimitBucket ?? addressBucket(request),
    max: (_request, key) => (key.startsWith('address:') ? perAddress : perActor),
  });

  const charge = async (request: FastifyRequest, reply: FastifyReply, bucket: string): Promise<void> => {
    request.rateLimitBucket = bucket;
    const result = await spend(request);
    if (reply.sent || result.isAllowed) return; // a reply already sent (e.g. CSRF_FAILED) still spends
    reply.header('x-ratelimit-limit', result.max);
    reply.header('x-ratelimit-remaining', result.remaining);
    reply.header('x-ratelimit-reset', result.ttlInSeconds);
    if (result.isExceeded) {
      reply.header('retry-after', result.ttlInSeconds);
      throw new AppError('RATE_LIMITED', 'Too many requests, slow down');
    }
  };

  app.addHook('onRequest', async (request, reply) => {
    if (carriesCredential(request) && isAuthenticatedRoute(request)) return; // counted after authentication
    await charge(request, reply, addressBucket(request));
  });

  return {
    async afterAuthentication(request, reply, actor) {
      if (!carriesCredential(request)) return; // already counted at onRequest
      await charge(request, reply, (actor && actorBucket(actor)) ?? addressBucket(request));
    },
  };
}
