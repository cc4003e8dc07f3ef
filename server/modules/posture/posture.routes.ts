/**
 * /api/v1 routes of the posture module: the firm's security and compliance posture now (score,
 * findings with their fixes, counts by role) and its trend from the daily snapshots.
 * `compliance.manage`: the firm administrator and the compliance officer; anyone else gets the
 * audited 404.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { errorResponses, SIGNED_IN_ERRORS } from '../../platform/http/errors-schema.js';
import { presentPosture } from './posture.presenter.js';
import { PostureSchema, TrendQuery, TrendSchema } from './posture.schemas.js';
import { getPosture, postureTrend } from './posture.service.js';

const tags = ['posture'];
const noStore = { 'cache-control': 'private, no-store' };

export async function postureRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/compliance/posture',
    { schema: { tags, summary: 'The posture now: a score 0–100 and findings, each with its fix (counts only, no client data)', response: { 200: PostureSchema, ...errorResponses(404, ...SIGNED_IN_ERRORS) } } },
    async (request, reply) => {
      reply.headers(noStore);
      return presentPosture(await getPosture(request.ctx));
    },
  );
  app.get(
    '/compliance/posture/trend',
    { schema: { tags, summary: 'The daily posture snapshots of the last `days` days (default 90)', querystring: TrendQuery, response: { 200: TrendSchema, ...errorResponses(400, 404, ...SIGNED_IN_ERRORS) } } },
    async (request, reply) => {
      reply.headers(noStore);
      return postureTrend(request.ctx, request.query.days ?? 90);
    },
  );
}
