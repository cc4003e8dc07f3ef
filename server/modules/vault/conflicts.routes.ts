import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { errorResponses, SIGNED_IN_ERRORS } from '../../platform/http/errors-schema.js';
import { ConflictCheckIdParams, ConflictCheckListQuery, ConflictCheckResponse, DecideConflictBody, IntakeListQuery, IntakeRequestResponse } from './conflicts.schemas.js';
import { decideConflictCheck, findConflictChecks, findMyIntakeRequests, getConflictCheckById } from './conflicts.service.js';
import { pageOf as pageFromQuery } from './vault.pagination.js';
import { pageOf } from './vault.schemas.js';

const errors = errorResponses(400, 404, 409, ...SIGNED_IN_ERRORS);

export async function conflictsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/conflict-checks', { schema: { tags: ['conflicts'], summary: 'Conflict checks with possible conflicts, newest first (compliance officer: conflict.review)', querystring: ConflictCheckListQuery, response: { 200: pageOf(ConflictCheckResponse), ...errors } } }, async (request) =>
    findConflictChecks(request.ctx, pageFromQuery(request.query), request.query.status ? { status: request.query.status } : {}),
  );

  app.get('/conflict-checks/mine', { schema: { tags: ['conflicts'], summary: 'Your own intakes: referred or open (never the hits)', querystring: IntakeListQuery, response: { 200: pageOf(IntakeRequestResponse), ...errors } } }, async (request) =>
    findMyIntakeRequests(request.ctx, pageFromQuery(request.query)),
  );

  app.get('/conflict-checks/:checkId', { schema: { tags: ['conflicts'], summary: 'A conflict check with its hits (compliance officer)', params: ConflictCheckIdParams, response: { 200: ConflictCheckResponse, ...errors } } }, async (request) =>
    getConflictCheckById(request.ctx, request.params.checkId),
  );

  app.post('/conflict-checks/:checkId/decide', { schema: { tags: ['conflicts'], summary: 'Decide a referred check: clear, waive (with consent) or wall; the held client or matter opens', params: ConflictCheckIdParams, body: DecideConflictBody, response: { 200: ConflictCheckResponse, ...errors } } }, async (request) =>
    decideConflictCheck(request.ctx, request.params.checkId, request.body),
  );
}
