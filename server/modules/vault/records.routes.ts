import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { errorResponses, SIGNED_IN_ERRORS } from '../../platform/http/errors-schema.js';
import { CheckInBody, CreateRecordBody, MatterIdParams, RecordIdParams, RecordResponse } from './vault.schemas.js';
import { createRecord, findRecords, getRecordById, moveRecord } from './records.service.js';

const errors = errorResponses(400, 404, 409, 410, ...SIGNED_IN_ERRORS);

export async function recordsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.post('/matters/:matterId/records', { schema: { tags: ['records'], summary: 'Register a physical record (box or file) of a matter', params: MatterIdParams, body: CreateRecordBody, response: { 201: RecordResponse, ...errors } } }, async (request, reply) => {
    reply.code(201);
    return createRecord(request.ctx, request.params.matterId, request.body);
  });
  app.get('/matters/:matterId/records', { schema: { tags: ['records'], summary: "A matter's physical records", params: MatterIdParams, response: { 200: Type.Object({ items: Type.Array(RecordResponse) }), ...errors } } }, async (request) => ({
    items: await findRecords(request.ctx, request.params.matterId),
  }));
  app.get('/records/:recordId', { schema: { tags: ['records'], summary: 'A physical record with its check-out/check-in log', params: RecordIdParams, response: { 200: RecordResponse, ...errors } } }, async (request) =>
    getRecordById(request.ctx, request.params.recordId),
  );
  app.post('/records/:recordId/check-out', { schema: { tags: ['records'], summary: 'Check a record out (the caller becomes custodian)', params: RecordIdParams, response: { 200: RecordResponse, ...errors } } }, async (request) =>
    moveRecord(request.ctx, request.params.recordId, 'check_out'),
  );
  app.post('/records/:recordId/check-in', { schema: { tags: ['records'], summary: 'Check a record back in (optionally at a new location)', params: RecordIdParams, body: Type.Optional(CheckInBody), response: { 200: RecordResponse, ...errors } } }, async (request) =>
    moveRecord(request.ctx, request.params.recordId, 'check_in', request.body ?? {}),
  );
}
