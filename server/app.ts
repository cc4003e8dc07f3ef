/**
 * Composition root: platform plugins (errors, security headers, rate limit, cookies, OpenAPI),
 * then the authentication hook on /api, then each module's routes under /api/v1, then the web app.
 */
import './platform/http/fastify-types.js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Actor, AppServices } from './platform/context.js';
import { ANONYMOUS } from './platform/context.js';
import { registerErrorHandling, sendError } from './platform/http/error-handler.js';
import { healthRoutes } from './platform/http/health.routes.js';
import { trackKnownPaths } from './platform/http/method-not-allowed.js';
import { describeOperation } from './platform/http/openapi.js';
import { registerRateLimits } from './platform/http/rate-limit.js';
import { registerSecurityHeaders } from './platform/http/security-headers.js';
import { partAwareValidation } from './platform/http/validation.js';
import { newId } from './platform/ids.js';
import { MODULES, authenticateRequest, composeModules } from './modules/registry.js';

export interface BuildAppOptions {
  /** Folder of the built web app; null to serve the API only (tests). */
  webRoot?: string | null;
  /** Emit request logs (off in tests). */
  logRequests?: boolean;
}

export const API_PREFIX = '/api/v1';

export async function buildApp(services: AppServices, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const { config } = services;
  composeModules(services);
  const app: FastifyInstance = Fastify({
    loggerInstance: services.logger as unknown as FastifyBaseLogger,
    genReqId: () => newId(),
    requestIdHeader: false,
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    connectionTimeout: 60_000,
    keepAliveTimeout: 5_000,
    // Bounds the whole request, body included (slow-loris on bodies); the idle timeout above
    // catches silent connections sooner.
    requestTimeout: config.requestTimeoutSeconds * 1000,
    frameworkErrors: (error, request, reply) => {
      // Router-level failures (bad URL encoding, over-long path parameter) get the error model,
      // without echoing the URL.
      if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return sendError(reply, request, 'URI_TOO_LONG', 'A path parameter is too long');
      return sendError(reply, request, 'BAD_REQUEST', 'Malformed request');
    },
    return503OnClosing: true,
    routerOptions: { maxParamLength: 200 },
    // JSON bodies strictly typed (no coercion: null stays null, 123 is not a name); query, params and headers coerced.
    schemaController: partAwareValidation(),
    ...(config.tls ? { https: { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } } : {}),
  });

  registerErrorHandling(app);
  const knownPaths = trackKnownPaths(app, API_PREFIX);
  await registerSecurityHeaders(app, { tls: config.tls !== null });
  await app.register(cookie);

  app.decorateRequest('ctx', null as never);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    request.ctx = {
      app: services,
      db: services.database.db,
      actor: ANONYMOUS,
      requestId: request.id,
      ip: request.ip,
      userAgent: request.headers['user-agent']?.slice(0, 300) ?? null,
    };
  });
  // Per address before authentication; per account or token once /api's hook has verified it.
  const rateLimits = await registerRateLimits(app, config, (request) => request.routeOptions.url?.startsWith(`${API_PREFIX}/`) === true);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Confidant API',
        version: '1',
        description: 'Confidential client data for law firms: every call is authenticated, authorized, audited, then decrypted.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'confidant_session' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
    // Operation ids and raw upload bodies, derived for every route (a route may set its own operationId).
    transform: describeOperation,
  });

  // Everything under /api except the routes marked public requires a signed-in actor.
  await app.register(
    async (api) => {
      api.addHook('onRequest', async (request, reply) => {
        const routeConfig = request.routeOptions.config;
        const actor: Actor | null = await authenticateRequest(services, request, reply, {
          isPublic: routeConfig.public === true,
          allowWithoutMfa: routeConfig.allowWithoutMfa === true,
        });
        if (actor) request.ctx.actor = actor;
        await rateLimits.afterAuthentication(request, reply, actor);
        if (!actor && routeConfig.public !== true && !reply.sent) {
          // A bearer token that did not verify: say so (RFC 6750), rather than "sign in".
          if (typeof request.headers.authorization === 'string' && /^bearer\s/i.test(request.headers.authorization)) {
            void reply.header('www-authenticate', 'Bearer error="invalid_token"');
            return sendError(reply, request, 'API_TOKEN_INVALID', 'Invalid or expired token');
          }
          return sendError(reply, request, 'UNAUTHENTICATED', 'Sign in first');
        }
        return undefined;
      });
      await healthRoutes(api, services);
      api.get(
        '/openapi.json',
        { config: { public: true }, schema: { hide: true, response: { 200: { type: 'object', additionalProperties: true } } } },
        async () => app.swagger(),
      );
      for (const module of MODULES) {
        if (module.routes) await api.register(async (scope) => module.routes!(scope, services));
      }
    },
    { prefix: API_PREFIX },
  );

  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true, uiConfig: { url: `${API_PREFIX}/openapi.json` } as never });

  const webRoot = options.webRoot === undefined ? defaultWebRoot() : options.webRoot;
  let serveIndex: ((reply: FastifyReply) => FastifyReply) | null = null;
  if (webRoot && existsSync(join(webRoot, 'index.html'))) {
    await app.register(fastifyStatic, { root: webRoot, prefix: '/', wildcard: false, index: false, maxAge: '1h' });
    const indexHtml = readFileSync(join(webRoot, 'index.html'));
    serveIndex = (reply) => reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(indexHtml);
    app.get('/', { schema: { hide: true } }, async (_request, reply) => serveIndex!(reply));
  }
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    // The web app routes on the client: any unknown GET outside /api gets index.html.
    if (serveIndex && request.method === 'GET' && !request.url.startsWith('/api')) return serveIndex(reply);
    // A known API path asked with the wrong method: 405 naming the methods it answers.
    const allowed = knownPaths.allowedMethods(request.url.split('?')[0] ?? '');
    if (allowed.length > 0 && !allowed.includes(request.method)) return sendError(reply.header('allow', allowed.join(', ')), request, 'METHOD_NOT_ALLOWED', `${request.method} is not allowed here; use ${allowed.join(', ')}`);
    return sendError(reply, request, 'NOT_FOUND', 'No such route');
  });

  app.addHook('onClose', async () => {
    for (const module of MODULES) await module.stop?.(services);
  });
  for (const module of MODULES) await module.start?.(services);
  return app;
}

function defaultWebRoot(): string | null {
  const candidates = [join(process.cwd(), 'dist', 'web'), new URL('../web', import.meta.url).pathname];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}
