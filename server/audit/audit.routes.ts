/**
 * /api/v1/audit/*: schema → one service call. The service's one gate asks the access policy
 * (`audit.read` for the log, its reports and alerts; `audit.status.read` also for administrators:
 * checkpoints and verification status) and records the read or the refusal. Any signed-in user
 * may read the checkpoint, the public key and proofs (clients verify their own data).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { AppServices } from '../platform/context.js';
import { errorResponses, SIGNED_IN_ERRORS } from '../platform/http/errors-schema.js';
import {
  AccessQuery,
  AccessReportSchema,
  AlertListSchema,
  AlertParams,
  AlertSchema,
  AlertsQuery,
  BreachQuery,
  BreachScopeSchema,
  CheckpointSchema,
  ConsistencyQuery,
  ConsistencySchema,
  EventPageSchema,
  EventsQuery,
  InclusionQuery,
  InclusionSchema,
  PersonMatterQuery,
  PersonMatterSchema,
  PublicKeySchema,
  VerificationSchema,
} from './audit.schemas.js';
import {
  acknowledgeAlertById,
  readAccessReport,
  readAlerts,
  readBreachScope,
  readCheckpoint,
  readConsistencyProof,
  readEventPage,
  readInclusionProof,
  readPersonMatterReport,
  readPublicKey,
  readVerificationStatus,
  signCheckpointNow,
} from './audit.service.js';

export async function auditRoutes(fastify: FastifyInstance, _services: AppServices): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['audit'];
  /** Signed in, and a role check (403) or the log's availability (503). */
  const errors = errorResponses(...SIGNED_IN_ERRORS);
  /** Also with input: a bad query or range (400). */
  const inputErrors = errorResponses(400, ...SIGNED_IN_ERRORS);

  app.get('/audit/public-key', { schema: { tags, summary: 'The checkpoint signing public key (Ed25519) and note verifier key', response: { 200: PublicKeySchema, ...errors } } }, async (request) => readPublicKey(request.ctx));

  app.get('/audit/checkpoint', { schema: { tags, summary: 'The latest signed checkpoint (tree size, root hash, signed note)', response: { 200: CheckpointSchema, ...errors } } }, async (request) => readCheckpoint(request.ctx));

  app.post('/audit/checkpoints', { schema: { tags, summary: 'Sign a checkpoint of the current tree now', response: { 200: CheckpointSchema, ...errors } } }, async (request) => signCheckpointNow(request.ctx));

  app.get(
    '/audit/proofs/inclusion',
    { schema: { tags, summary: 'RFC 9162 inclusion proof of one event in a tree size', querystring: InclusionQuery, response: { 200: InclusionSchema, ...inputErrors } } },
    async (request) => readInclusionProof(request.ctx, request.query.index, request.query.treeSize),
  );

  app.get(
    '/audit/proofs/consistency',
    { schema: { tags, summary: 'RFC 9162 consistency proof between two tree sizes', querystring: ConsistencyQuery, response: { 200: ConsistencySchema, ...inputErrors } } },
    async (request) => readConsistencyProof(request.ctx, request.query.from, request.query.to),
  );

  app.get(
    '/audit/events',
    { schema: { tags, summary: 'Events in index order with their exact leaf bytes, and names for their ids (compliance officer)', querystring: EventsQuery, response: { 200: EventPageSchema, ...inputErrors } } },
    async (request) => {
      const { limit = 100, ...filter } = request.query;
      return readEventPage(request.ctx, filter, limit);
    },
  );

  app.get(
    '/audit/reports/access',
    { schema: { tags, summary: 'Who accessed this client, matter or document', querystring: AccessQuery, response: { 200: AccessReportSchema, ...inputErrors } } },
    async (request) => {
      const { clientId, matterId, documentId, since, until } = request.query;
      const target = { ...(clientId ? { clientId } : {}), ...(matterId ? { matterId } : {}), ...(documentId ? { documentId } : {}) };
      return readAccessReport(request.ctx, target, { since, until });
    },
  );

  app.get(
    '/audit/reports/person-matter',
    { schema: { tags, summary: 'Did person P access matter M between two dates — with checkpoint and inclusion proofs', querystring: PersonMatterQuery, response: { 200: PersonMatterSchema, ...inputErrors } } },
    async (request) => readPersonMatterReport(request.ctx, request.query),
  );

  app.get(
    '/audit/reports/breach-scope',
    { schema: { tags, summary: 'Everything an actor touched between two times (clients, matters, documents)', querystring: BreachQuery, response: { 200: BreachScopeSchema, ...inputErrors } } },
    async (request) => readBreachScope(request.ctx, request.query),
  );

  app.get(
    '/audit/alerts',
    { schema: { tags, summary: 'Alerts raised by monitoring rules and verification', querystring: AlertsQuery, response: { 200: AlertListSchema, ...inputErrors } } },
    async (request) => readAlerts(request.ctx, { status: request.query.status, limit: request.query.limit ?? 100 }),
  );

  app.post(
    '/audit/alerts/:id/acknowledge',
    { schema: { tags, summary: 'Acknowledge an alert (audited)', params: AlertParams, response: { 200: AlertSchema, ...errorResponses(400, 404, ...SIGNED_IN_ERRORS) } } },
    async (request) => acknowledgeAlertById(request.ctx, request.params.id),
  );

  app.get(
    '/audit/verification',
    { schema: { tags, summary: 'Result of the last scheduled verification, and the current tree head', response: { 200: VerificationSchema, ...errors } } },
    async (request) => readVerificationStatus(request.ctx),
  );
}
