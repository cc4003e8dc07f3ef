import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { errorResponses, SIGNED_IN_ERRORS } from '../../platform/http/errors-schema.js';
import { pageOf as pageFromQuery } from './vault.pagination.js';
import { CloseMatterBody, CreateMatterBody, MatterIdParams, MatterListQuery, MatterResponse, MatterSearchBody, pageOf, ReopenMatterBody, UpdateMatterBody } from './vault.schemas.js';
import { closeMatter, createMatter, findMatters, getMatterById, reopenMatter, updateMatter } from './matters.service.js';
import { searchFilterOf } from './vault.search.js';

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

  // A POST so the searched title (client content) never appears in a URL or access log.
  app.post('/matters/search', { schema: { tags: ['matters'], summary: 'Find matters by exact title (blind index) or by word prefix of title, client name or number (pickers)', querystring: MatterListQuery, body: MatterSearchBody, response: { 200: pageOf(MatterResponse), ...errors } } }, async (request) => {
    const body = request.body;
    return findMatters(request.ctx, pageFromQuery(request.query), { ...searchFilterOf(body, 'title'), ...(body.clientId ? { clientId: body.clientId } : {}) });
  });

  app.get('/matters/:matterId', { schema: { tags: ['matters'], summary: 'A matter', params: MatterIdParams, response: { 200: MatterResponse, ...errors } } }, async (request) =>
    getMatterById(request.ctx, request.params.matterId),
  );

  app.patch('/matters/:matterId', { schema: { tags: ['matters'], summary: 'Edit a matter (title, description, type, jurisdiction, responsible attorney)', params: MatterIdParams, body: UpdateMatterBody, response: { 200: MatterResponse, ...errors } } }, async (request) =>
    updateMatter(request.ctx, request.params.matterId, request.body),
  );

  app.post('/matters/:matterId/close', { schema: { tags: ['matters'], summary: 'Close a matter on a date, for a reason (audited)', params: MatterIdParams, body: CloseMatterBody, response: { 200: MatterResponse, ...errors } } }, async (request) =>
    closeMatter(request.ctx, request.params.matterId, request.body),
  );

  app.post('/matters/:matterId/reopen', { schema: { tags: ['matters'], summary: 'Reopen a closed matter (audited)', params: MatterIdParams, body: ReopenMatterBody, response: { 200: MatterResponse, ...errors } } }, async (request) =>
    reopenMatter(request.ctx, request.params.matterId),
  );
}
