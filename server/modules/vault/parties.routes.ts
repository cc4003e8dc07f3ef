import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { errorResponses, SIGNED_IN_ERRORS } from '../../platform/http/errors-schema.js';
import { CreatePartyBody, PartyIdParams, PartyResponse, UpdatePartyBody } from './parties.schemas.js';
import { addParty, deleteParty, updateParty } from './parties.service.js';
import { ClientIdParams } from './vault.schemas.js';

const errors = errorResponses(400, 404, 410, ...SIGNED_IN_ERRORS);

/** Parties of a client or matter (listed with the client: GET /clients/{clientId}). */
export async function partiesRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.post('/clients/:clientId/parties', { schema: { tags: ['clients'], summary: 'Add an opposing or related party to a client or one of its matters (checked for conflicts)', params: ClientIdParams, body: CreatePartyBody, response: { 201: PartyResponse, ...errors } } }, async (request, reply) => {
    reply.code(201);
    return addParty(request.ctx, request.params.clientId, request.body);
  });

  app.patch('/parties/:partyId', { schema: { tags: ['clients'], summary: 'Edit a party', params: PartyIdParams, body: UpdatePartyBody, response: { 200: PartyResponse, ...errors } } }, async (request) =>
    updateParty(request.ctx, request.params.partyId, request.body),
  );

  app.delete('/parties/:partyId', { schema: { tags: ['clients'], summary: 'Remove a party', params: PartyIdParams, response: { 200: Type.Object({ deleted: Type.Boolean() }), ...errors } } }, async (request) => {
    await deleteParty(request.ctx, request.params.partyId);
    return { deleted: true };
  });
}
