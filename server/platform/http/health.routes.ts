import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppServices } from '../context.js';
import { ping } from '../db/database-health.js';
import { AppError } from '../errors.js';

const Health = Type.Object({ status: Type.Literal('ok') });
const Ready = Type.Object({
  status: Type.Literal('ready'),
  checks: Type.Object({ database: Type.Literal('ok'), blobStore: Type.Literal('ok') }),
});

export async function healthRoutes(app: FastifyInstance, services: AppServices): Promise<void> {
  app.get('/health', { config: { public: true }, schema: { tags: ['system'], summary: 'Liveness: the process answers', response: { 200: Health } } }, async () => ({
    status: 'ok' as const,
  }));

  app.get(
    '/ready',
    { config: { public: true }, schema: { tags: ['system'], summary: 'Readiness: database and blob store reachable', response: { 200: Ready } } },
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
