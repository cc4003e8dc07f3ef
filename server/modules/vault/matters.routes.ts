import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { errorResponses, SIGNED_IN_ERRORS } from '../../platform/http/errors-schema.js';
import { pageOf as pageFromQuery } from './vault.pagination.js';
import { CreateMatterBody, MatterIdParams, MatterListQuery, MatterResponse, MatterSearchBody, pageOf, UpdateMatterBody } from './vault.schemas.js';
import { createMatter, findMatters, getMatterById, updateMatter } from './matters.service.js';

const errors = errorResponses(400, 404, 409, 410, ...SIGNED_IN_ERRORS);

export async function mattersRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.post('/matters', { schema: { tags: ['matters'], summary: 'Open a matter for a client (the creator becomes lead attorney)', body: CreateMatterBody, response: { 201: MatterResponse, ...errors } } }, async (request, reply) => {
    reply.code(201);
    return createMatter(request.ctx, request.body);
  });

  app.get('/matters', { schema: { tags: ['matters'], summary: 'Matters the caller may open, paginated (optionally of one client)', querystring: MatterListQuery, response: { 200: pageOf(MatterResponse), ...errors } } }, async (request) => {
    const query = request.query;
    return findMatters(request.ctx, pageFromQuery(query), query.clientId ? { clientId: query.clientId } : {});
  });

  app.post('/matters/search', { schema: { tags: ['matters'], summary: 'Find matters by exact title (blind index)', querystring: MatterListQuery, body: MatterSearchBody, response: { 200: pageOf(MatterResponse), ...errors } } }, async (request) => {
    const body = request.body;
    return findMatters(request.ctx, pageFromQuery(request.query), { title: body.title, ...(body.clientId ? { clientId: body.clientId } : {}) });
  });

  app.get('/matters/:matterId', { schema: { tags: ['matters'], summary: 'A matter', params: MatterIdParams, response: { 200: MatterResponse, ...errors } } }, async (request) =>
    getMatterById(request.ctx, request.params.matterId),
  );

  app.patch('/matters/:matterId', { schema: { tags: ['matters'], summary: 'Update a matter', params: MatterIdParams, body: UpdateMatterBody, response: { 200: MatterResponse, ...errors } } }, async (request) =>
    updateMatter(request.ctx, request.params.matterId, request.body),
  );
}
