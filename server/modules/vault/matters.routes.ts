import type { FastifyInstance } from 'fastify';
import type { ClientId, MatterId } from '../../../common/ids.js';
import { pageOf as pageFromQuery } from './vault.pagination.js';
import { CreateMatterBody, ERROR_RESPONSE, MatterIdParams, MatterListQuery, MatterResponse, MatterSearchBody, pageOf, UpdateMatterBody } from './vault.schemas.js';
import { createMatter, findMatters, getMatterById, updateMatter, type CreateMatterInput, type UpdateMatterInput } from './matters.service.js';

const errors = { 400: ERROR_RESPONSE, 401: ERROR_RESPONSE, 404: ERROR_RESPONSE, 409: ERROR_RESPONSE, 410: ERROR_RESPONSE, 503: ERROR_RESPONSE };

export async function mattersRoutes(app: FastifyInstance): Promise<void> {
  app.post('/matters', { schema: { tags: ['matters'], summary: 'Open a matter for a client (the creator becomes lead attorney)', body: CreateMatterBody, response: { 201: MatterResponse, ...errors } } }, async (request, reply) => {
    const body = request.body as Omit<CreateMatterInput, 'clientId'> & { clientId: string };
    reply.code(201);
    return createMatter(request.ctx, { ...body, clientId: body.clientId as ClientId });
  });

  app.get('/matters', { schema: { tags: ['matters'], summary: 'Matters the caller may open, paginated (optionally of one client)', querystring: MatterListQuery, response: { 200: pageOf(MatterResponse), ...errors } } }, async (request) => {
    const query = request.query as { limit?: number; after?: string; clientId?: string };
    return findMatters(request.ctx, pageFromQuery(query), query.clientId ? { clientId: query.clientId } : {});
  });

  app.post('/matters/search', { schema: { tags: ['matters'], summary: 'Find matters by exact title (blind index)', querystring: MatterListQuery, body: MatterSearchBody, response: { 200: pageOf(MatterResponse), ...errors } } }, async (request) => {
    const body = request.body as { title: string; clientId?: string };
    return findMatters(request.ctx, pageFromQuery(request.query as { limit?: number; after?: string }), { title: body.title, ...(body.clientId ? { clientId: body.clientId } : {}) });
  });

  app.get('/matters/:matterId', { schema: { tags: ['matters'], summary: 'A matter', params: MatterIdParams, response: { 200: MatterResponse, ...errors } } }, async (request) =>
    getMatterById(request.ctx, (request.params as { matterId: MatterId }).matterId),
  );

  app.patch('/matters/:matterId', { schema: { tags: ['matters'], summary: 'Update a matter', params: MatterIdParams, body: UpdateMatterBody, response: { 200: MatterResponse, ...errors } } }, async (request) =>
    updateMatter(request.ctx, (request.params as { matterId: MatterId }).matterId, request.body as UpdateMatterInput),
  );
}
