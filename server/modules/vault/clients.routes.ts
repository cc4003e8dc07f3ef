import type { FastifyInstance } from 'fastify';
import type { ClientId } from '../../../common/ids.js';
import { PageQuery, pageOf as pageFromQuery } from './vault.pagination.js';
import { ClientIdParams, ClientResponse, ClientSearchBody, ClientSummaryResponse, CreateClientBody, ERROR_RESPONSE, pageOf, UpdateClientBody } from './vault.schemas.js';
import { createClient, findClients, getClientById, updateClient, type CreateClientInput, type UpdateClientInput } from './clients.service.js';

const errors = { 400: ERROR_RESPONSE, 401: ERROR_RESPONSE, 404: ERROR_RESPONSE, 410: ERROR_RESPONSE, 503: ERROR_RESPONSE };

export async function clientsRoutes(app: FastifyInstance): Promise<void> {
  app.post('/clients', { schema: { tags: ['clients'], summary: 'Create a client (the creator gets a client-level grant)', body: CreateClientBody, response: { 201: ClientResponse, ...errors } } }, async (request, reply) => {
    reply.code(201);
    return createClient(request.ctx, request.body as CreateClientInput);
  });

  app.get('/clients', { schema: { tags: ['clients'], summary: 'Clients the caller may open, paginated', querystring: PageQuery, response: { 200: pageOf(ClientSummaryResponse), ...errors } } }, async (request) =>
    findClients(request.ctx, pageFromQuery(request.query as { limit?: number; after?: string })),
  );

  // A POST so the searched name (client content) never appears in a URL or access log.
  app.post('/clients/search', { schema: { tags: ['clients'], summary: 'Find clients by exact name (blind index; the name is never stored in clear)', querystring: PageQuery, body: ClientSearchBody, response: { 200: pageOf(ClientSummaryResponse), ...errors } } }, async (request) =>
    findClients(request.ctx, pageFromQuery(request.query as { limit?: number; after?: string }), { name: (request.body as { name: string }).name }),
  );

  app.get('/clients/:clientId', { schema: { tags: ['clients'], summary: 'A client', params: ClientIdParams, response: { 200: ClientResponse, ...errors } } }, async (request) =>
    getClientById(request.ctx, (request.params as { clientId: ClientId }).clientId),
  );

  app.patch('/clients/:clientId', { schema: { tags: ['clients'], summary: 'Update a client', params: ClientIdParams, body: UpdateClientBody, response: { 200: ClientResponse, ...errors } } }, async (request) =>
    updateClient(request.ctx, (request.params as { clientId: ClientId }).clientId, request.body as UpdateClientInput),
  );
}
