import type { RequestContext } from '../context.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without signing in. Every such route is listed in the public-routes test. */
    public?: boolean;
    /** Reachable by a signed-in user whose session has not completed MFA (enrollment, sign-out). */
    allowWithoutMfa?: boolean;
  }
  interface FastifyRequest {
    ctx: RequestContext;
  }
}
export {};
