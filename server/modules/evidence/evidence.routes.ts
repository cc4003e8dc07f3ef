/**
 * /api/v1 routes of the evidence module: the record of processing activities, registers and
 * reports as CSV or PDF, and the signed evidence pack (compliance officer, firm administrator).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { errorResponses, SIGNED_IN_ERRORS } from '../../platform/http/errors-schema.js';
import { Binary } from '../../platform/http/response-schemas.js';
import { ActivitiesQuery, ActivityBody, ActivityList, ActivityPatchBody, ActivitySchema, IdParams, RegisterCatalogue, RegisterParams, RegisterQuery } from './evidence.schemas.js';
import { buildEvidencePack } from './pack.service.js';
import { changeProcessingActivity, createProcessingActivity, findProcessingActivities, retireProcessingActivity } from './processing.service.js';
import { exportRegister, registerCatalogue } from './registers.service.js';

const tags = ['compliance'];
const errors = errorResponses(400, 404, 409, ...SIGNED_IN_ERRORS);
const noStore = { 'cache-control': 'private, no-store' };
const file = { description: 'CSV or PDF', content: { 'text/csv': { schema: Binary }, 'application/pdf': { schema: Binary } } };
const zip = { description: 'The signed evidence pack (ZIP)', content: { 'application/zip': { schema: Binary } } };

export async function evidenceRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/compliance/processing-activities', { schema: { tags, summary: 'The record of processing activities (GDPR Art. 30)', querystring: ActivitiesQuery, response: { 200: ActivityList, ...errors } } }, async (request) => ({
    items: await findProcessingActivities(request.ctx, request.query),
  }));
  app.post('/compliance/processing-activities', { schema: { tags, summary: 'Add a processing activity', body: ActivityBody, response: { 201: ActivitySchema, ...errors } } }, async (request, reply) => {
    reply.code(201);
    return createProcessingActivity(request.ctx, request.body);
  });
  app.patch('/compliance/processing-activities/:id', { schema: { tags, summary: 'Change a processing activity', params: IdParams, body: ActivityPatchBody, response: { 200: ActivitySchema, ...errors } } }, async (request) => changeProcessingActivity(request.ctx, request.params.id, request.body));
  app.post('/compliance/processing-activities/:id/retire', { schema: { tags, summary: 'Retire a processing activity (kept in the record with its date)', params: IdParams, response: { 200: ActivitySchema, ...errors } } }, async (request) => retireProcessingActivity(request.ctx, request.params.id));

  app.get('/compliance/registers', { schema: { tags, summary: 'The registers and reports there are, with how many rows each has now', response: { 200: RegisterCatalogue, ...errors } } }, async (request) => ({ items: await registerCatalogue(request.ctx) }));
  app.get('/compliance/registers/:register', { schema: { tags, summary: 'One register or report as CSV (default) or PDF', params: RegisterParams, querystring: RegisterQuery, response: { 200: file, ...errors } } }, async (request, reply) => {
    const out = await exportRegister(request.ctx, request.params.register, request.query.format ?? 'csv');
    return reply.type(out.contentType).headers(noStore).header('content-disposition', `attachment; filename="${out.filename}"`).send(out.bytes);
  });
  app.post('/compliance/evidence-pack', { schema: { tags, summary: 'Build the signed evidence pack (needs a fresh second factor); verify it offline with `confidant compliance verify-evidence`', response: { 200: zip, ...errors } } }, async (request, reply) => {
    const pack = await buildEvidencePack(request.ctx);
    return reply.type('application/zip').headers(noStore).header('content-disposition', `attachment; filename="${pack.filename}"`).send(pack.zip);
  });
}
