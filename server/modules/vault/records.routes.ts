import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { MatterId } from '../../../common/ids.js';
import { CheckInBody, CreateRecordBody, ERROR_RESPONSE, MatterIdParams, RecordIdParams, RecordResponse } from './vault.schemas.js';
import { createRecord, findRecords, getRecordById, moveRecord } from './records.service.js';

const errors = { 400: ERROR_RESPONSE, 401: ERROR_RESPONSE, 404: ERROR_RESPONSE, 409: ERROR_RESPONSE, 410: ERROR_RESPONSE, 503: ERROR_RESPONSE };

export async function recordsRoutes(app: FastifyInstance): Promise<void> {
  app.post('/matters/:matterId/records', { schema: { tags: ['records'], summary: 'Register a physical record (box or file) of a matter', params: MatterIdParams, body: CreateRecordBody, response: { 201: RecordResponse, ...errors } } }, async (request, reply) => {
    reply.code(201);
    return createRecord(request.ctx, (request.params as { matterId: MatterId }).matterId, request.body as { label: string; location: string });
  });
  app.get('/matters/:matterId/records', { schema: { tags: ['records'], summary: "A matter's physical records", params: MatterIdParams, response: { 200: Type.Object({ items: Type.Array(RecordResponse) }), ...errors } } }, async (request) => ({
    items: await findRecords(request.ctx, (request.params as { matterId: MatterId }).matterId),
  }));
  app.get('/records/:recordId', { schema: { tags: ['records'], summary: 'A physical record with its check-out/check-in log', params: RecordIdParams, response: { 200: RecordResponse, ...errors } } }, async (request) =>
    getRecordById(request.ctx, (request.params as { recordId: string }).recordId),
  );
  app.post('/records/:recordId/check-out', { schema: { tags: ['records'], summary: 'Check a record out (the caller becomes custodian)', params: RecordIdParams, response: { 200: RecordResponse, ...errors } } }, async (request) =>
    moveRecord(request.ctx, (request.params as { recordId: string }).recordId, 'check_out'),
  );
  app.post('/records/:recordId/check-in', { schema: { tags: ['records'], summary: 'Check a record back in (optionally at a new location)', params: RecordIdParams, body: Type.Optional(CheckInBody), response: { 200: RecordResponse, ...errors } } }, async (request) =>
    moveRecord(request.ctx, (request.params as { recordId: string }).recordId, 'check_in', (request.body ?? {}) as { location?: string }),
  );
}
