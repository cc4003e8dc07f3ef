import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { errorResponses, SIGNED_IN_ERRORS } from '../../platform/http/errors-schema.js';
import { PageQuery, pageOf as pageFromQuery } from './vault.pagination.js';
import { ClientIdParams, ClientResponse, ClientSearchBody, ClientSummaryResponse, CreateClientBody, pageOf, UpdateClientBody } from './vault.schemas.js';
import { createClient, findClients, getClientById, updateClient } from './clients.service.js';
import { searchFilterOf } from './vault.search.js';

const errors = errorResponses(400, 404, 410, ...SIGNED_IN_ERRORS);

export async function clientsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.post('/clients', { schema: { tags: ['clients'], summary: 'Create a client (the creator gets a client-level grant)', body: CreateClientBody, response: { 201: ClientResponse, ...errors } } }, async (request, reply) => {
    reply.code(201);
    return createClient(request.ctx, request.body);
  });

  app.get('/clients', { schema: { tags: ['clients'], summary: 'Clients the caller may open, paginated', querystring: PageQuery, response: { 200: pageOf(ClientSummaryResponse), ...errors } } }, async (request) =>
    findClients(request.ctx, pageFromQuery(request.query)),
  );

  // A POST so the searched name (client content) never appears in a URL or access log.
  app.post('/clients/search', { schema: { tags: ['clients'], summary: 'Find clients by exact name (blind index) or by word prefix (pickers); the name is never stored in clear', querystring: PageQuery, body: ClientSearchBody, response: { 200: pageOf(ClientSummaryResponse), ...errors } } }, async (request) =>
    findClients(request.ctx, pageFromQuery(request.query), searchFilterOf(request.body, 'name')),
  );

  app.get('/clients/:clientId', { schema: { tags: ['clients'], summary: 'A client', params: ClientIdParams, response: { 200: ClientResponse, ...errors } } }, async (request) =>
    getClientById(request.ctx, request.params.clientId),
  );

  app.patch('/clients/:clientId', { schema: { tags: ['clients'], summary: 'Update a client', params: ClientIdParams, body: UpdateClientBody, response: { 200: ClientResponse, ...errors } } }, async (request) =>
    updateClient(request.ctx, request.params.clientId, request.body),
  );
}
