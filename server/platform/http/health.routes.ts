import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppServices } from '../context.js';
import { ping } from '../db/database-health.js';
import { AppError } from '../errors.js';
import { errorResponses, PUBLIC } from './errors-schema.js';

const Health = Type.Object({ status: Type.Literal('ok') });
const Ready = Type.Object({
  status: Type.Literal('ready'),
  checks: Type.Object({ database: Type.Literal('ok'), blobStore: Type.Literal('ok') }),
});

export async function healthRoutes(fastify: FastifyInstance, services: AppServices): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  // Liveness touches nothing and is open when sealed: only the rate limit can refuse it.
  app.get('/health', { config: { public: true }, schema: { tags: ['system'], summary: 'Liveness: the process answers', ...PUBLIC, response: { 200: Health, ...errorResponses(429) } } }, async () => ({
    status: 'ok' as const,
  }));

  app.get(
    '/ready',
    { config: { public: true }, schema: { tags: ['system'], summary: 'Readiness: database and blob store reachable', ...PUBLIC, response: { 200: Ready, ...errorResponses(429, 503) } } },
    async () => {
      try {
        await ping(services.database);
      } catch {
        throw new AppError('SERVICE_UNAVAILABLE', 'Database unreachable');
      }
      try {
        await services.blobs.check();
      } catch {
        throw new AppError('SERVICE_UNAVAILABLE', 'Blob store unreachable');
      }
      return { status: 'ready' as const, checks: { database: 'ok' as const, blobStore: 'ok' as const } };
    },
  );
}
