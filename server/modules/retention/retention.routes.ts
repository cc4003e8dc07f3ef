/**
 * /api/v1 routes of the retention module: schedules and legal minimums, preview and runs, legal
 * holds and custodian notices, the disposition queue, certificates of destruction, client
 * termination, and the client's own certificates and letter in the portal. Schema → one service
 * call → the service's view (each service presents its rows through an explicit allowlist).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { ClientId } from '../../../common/ids.js';
import { errorResponses, SIGNED_IN_ERRORS } from '../../platform/http/errors-schema.js';
import { Binary, NoContent } from '../../platform/http/response-schemas.js';
import { AppError } from '../../platform/errors.js';
import type { SignedCertificate } from './certificate.js';
import { certificatePdfById, findCertificates, getCertificateById, portalCertificates } from './certificates.service.js';
import { approveDisposition, extendDisposition, findDispositions, getDispositionById, previewRetention, recordPhysicalDestruction, runRetentionNow } from './disposition.service.js';
import { acknowledgeHold, createHold, findHolds, getHoldById, myHoldNotices, releaseHold } from './holds.service.js';
import {
  ApproveBody,
  CertificateList,
  ClientIdParams,
  DispositionList,
  DispositionSchema,
  DispositionsQuery,
  ExtendBody,
  HoldBody,
  HoldList,
  HoldSchema,
  HoldsQuery,
  IdParams,
  MinimumBody,
  MinimumList,
  MinimumSchema,
  MyNoticeList,
  PhysicalBody,
  PreviewQuery,
  PreviewSchema,
  ReleaseBody,
  RunSchema,
  ScheduleBody,
  ScheduleList,
  SchedulePatchBody,
  ScheduleSchema,
  SignedCertificateSchema,
  TerminationBody,
  TerminationSchema,
  TerminationStatusSchema,
} from './retention.schemas.js';
import { changeSchedule, createLegalMinimum, createSchedule, deleteLegalMinimum, findLegalMinimums, findRetentionSchedules, retireSchedule } from './schedules.service.js';
import { endOfEngagementLetter, getTermination, terminateClient } from './termination.service.js';

const errors = errorResponses(400, 404, 409, 410, ...SIGNED_IN_ERRORS);
const tags = ['retention'];
const pdf = { description: 'PDF', content: { 'application/pdf': { schema: Binary } } };
const noStore = { 'cache-control': 'private, no-store' };
/** The signed certificate, as the JSON object it is (its shape is the certificate format's, docs/retention.md). */
const asJson = (signed: SignedCertificate) => signed as unknown as { certificate: Record<string, unknown>; signature: Record<string, unknown> };

export async function retentionRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  // ── schedules and legal minimums (compliance officer) ──
  app.get('/retention/schedules', { schema: { tags, summary: 'Retention schedules (retired ones included)', response: { 200: ScheduleList, ...errors } } }, async (request) => ({ items: await findRetentionSchedules(request.ctx) }));
  app.post('/retention/schedules', { schema: { tags, summary: 'Add a schedule (400 RETENTION_BELOW_MINIMUM when it would undercut a legal minimum)', body: ScheduleBody, response: { 201: ScheduleSchema, ...errors } } }, async (request, reply) => {
    reply.code(201);
    return createSchedule(request.ctx, request.body);
  });
  app.patch('/retention/schedules/:id', { schema: { tags, summary: 'Change a schedule (applies to what is not yet queued)', params: IdParams, body: SchedulePatchBody, response: { 200: ScheduleSchema, ...errors } } }, async (request) => changeSchedule(request.ctx, request.params.id, request.body));
  app.post('/retention/schedules/:id/retire', { schema: { tags, summary: 'Retire a schedule (kept for the record; nothing new becomes due under it)', params: IdParams, response: { 200: ScheduleSchema, ...errors } } }, async (request) => retireSchedule(request.ctx, request.params.id));
  app.get('/retention/minimums', { schema: { tags, summary: 'Legal minimums no schedule may undercut', response: { 200: MinimumList, ...errors } } }, async (request) => ({ items: await findLegalMinimums(request.ctx) }));
  app.post('/retention/minimums', { schema: { tags, summary: 'Record a legal minimum (shorter schedules are applied at it)', body: MinimumBody, response: { 201: MinimumSchema, ...errors } } }, async (request, reply) => {
    reply.code(201);
    return createLegalMinimum(request.ctx, request.body);
  });
  app.delete('/retention/minimums/:id', { schema: { tags, summary: 'Remove a legal minimum', params: IdParams, response: { 204: NoContent, ...errors } } }, async (request, reply) => {
    await deleteLegalMinimum(request.ctx, request.params.id);
    return reply.code(204).send();
  });

  // ── preview and runs ──
  app.get('/retention/preview', { schema: { tags, summary: 'What would become due by the end of a day, before anything runs', querystring: PreviewQuery, response: { 200: PreviewSchema, ...errors } } }, async (request) => previewRetention(request.ctx, request.query));
  app.post('/retention/run', { schema: { tags, summary: 'Run retention now: queue what is due, execute what was approved, certify', response: { 200: RunSchema, ...errors } } }, async (request) => runRetentionNow(request.ctx));

  // ── legal holds ──
  app.get('/legal-holds', { schema: { tags, summary: 'Legal holds the caller may see (their matters’; all for the compliance officer)', querystring: HoldsQuery, response: { 200: HoldList, ...errors } } }, async (request) => ({ items: await findHolds(request.ctx, request.query) }));
  app.post('/legal-holds', { schema: { tags, summary: 'Place a legal hold: from its commit, covered items cannot be edited, deleted or destroyed', body: HoldBody, response: { 201: HoldSchema, ...errors } } }, async (request, reply) => {
    reply.code(201);
    return createHold(request.ctx, request.body);
  });
  app.get('/legal-holds/notices', { schema: { tags, summary: 'The caller’s own custodian notices', response: { 200: MyNoticeList, ...errors } } }, async (request) => ({ items: await myHoldNotices(request.ctx) }));
  app.get('/legal-holds/:id', { schema: { tags, summary: 'One legal hold', params: IdParams, response: { 200: HoldSchema, ...errors } } }, async (request) => getHoldById(request.ctx, request.params.id));
  app.post('/legal-holds/:id/release', { schema: { tags, summary: 'Release a hold, with a reason (compliance officer)', params: IdParams, body: ReleaseBody, response: { 200: HoldSchema, ...errors } } }, async (request) => releaseHold(request.ctx, request.params.id, request.body.reason));
  app.post('/legal-holds/:id/acknowledge', { schema: { tags, summary: 'A custodian acknowledges their notice', params: IdParams, response: { 200: Type.Object({ acknowledgedAt: Type.Number() }), ...errors } } }, async (request) => acknowledgeHold(request.ctx, request.params.id));

  // ── disposition ──
  app.get('/dispositions', { schema: { tags, summary: 'The disposition queue the caller may review', querystring: DispositionsQuery, response: { 200: DispositionList, ...errors } } }, async (request) => ({ items: await findDispositions(request.ctx, request.query) }));
  app.get('/dispositions/:id', { schema: { tags, summary: 'One disposition', params: IdParams, response: { 200: DispositionSchema, ...errors } } }, async (request) => getDispositionById(request.ctx, request.params.id));
  app.post('/dispositions/:id/approve', { schema: { tags, summary: 'Approve as reviewed (bound to snapshotHash; two different people for sensitive items)', params: IdParams, body: ApproveBody, response: { 200: DispositionSchema, ...errors } } }, async (request) => approveDisposition(request.ctx, request.params.id, request.body));
  app.post('/dispositions/:id/extend', { schema: { tags, summary: 'Keep the item longer (out of the queue for some days)', params: IdParams, body: ExtendBody, response: { 200: DispositionSchema, ...errors } } }, async (request) => extendDisposition(request.ctx, request.params.id, request.body));
  app.post('/dispositions/:id/physical-destruction', { schema: { tags, summary: 'Record the witnessed destruction of a physical record (409 RECORD_CHECKED_OUT while it is out)', params: IdParams, body: PhysicalBody, response: { 200: DispositionSchema, ...errors } } }, async (request) =>
    recordPhysicalDestruction(request.ctx, request.params.id, request.body),
  );

  // ── certificates ──
  app.get('/certificates', { schema: { tags, summary: 'Certificates of destruction the caller may see', querystring: Type.Object({ clientId: Type.Optional(ClientIdParams.properties.clientId) }, { additionalProperties: false }), response: { 200: CertificateList, ...errors } } }, async (request) => ({
    items: await findCertificates(request.ctx, request.query),
  }));
  app.get('/certificates/:id', { schema: { tags, summary: 'A certificate as signed (JSON; verify with `confidant retention verify-certificate`)', params: IdParams, response: { 200: SignedCertificateSchema, ...errors } } }, async (request, reply) => {
    void reply.headers(noStore);
    return asJson(await getCertificateById(request.ctx, request.params.id));
  });
  app.get('/certificates/:id/pdf', { schema: { tags, summary: 'A certificate as PDF', params: IdParams, response: { 200: pdf, ...errors } } }, async (request, reply) =>
    reply.type('application/pdf').headers(noStore).header('content-disposition', `attachment; filename="certificate-${request.params.id}.pdf"`).send(await certificatePdfById(request.ctx, request.params.id)),
  );

  // ── client termination ──
  app.post('/clients/:clientId/termination', { schema: { tags, summary: 'End the relationship with a client: close its matters, schedule disposition', params: ClientIdParams, body: TerminationBody, response: { 201: TerminationSchema, ...errors } } }, async (request, reply) => {
    reply.code(201);
    return terminateClient(request.ctx, request.params.clientId, request.body);
  });
  app.get('/clients/:clientId/termination', { schema: { tags, summary: 'Whether the relationship with a client ended (and what is scheduled), and whether the caller may end it', params: ClientIdParams, response: { 200: TerminationStatusSchema, ...errors } } }, async (request) =>
    getTermination(request.ctx, request.params.clientId),
  );
  app.get('/clients/:clientId/termination/letter', { schema: { tags, summary: 'The end-of-engagement letter (PDF)', params: ClientIdParams, response: { 200: pdf, ...errors } } }, async (request, reply) =>
    reply.type('application/pdf').headers(noStore).header('content-disposition', 'attachment; filename="end-of-engagement.pdf"').send(await endOfEngagementLetter(request.ctx, request.params.clientId)),
  );

  // ── the client's own, in the portal ──
  app.get('/portal/certificates', { schema: { tags: ['portal'], summary: 'The client’s certificates of destruction', response: { 200: CertificateList, ...errors } } }, async (request) => ({ items: await portalCertificates(request.ctx) }));
  app.get('/portal/certificates/:id', { schema: { tags: ['portal'], summary: 'One of the client’s certificates, as signed (JSON)', params: IdParams, response: { 200: SignedCertificateSchema, ...errors } } }, async (request, reply) => {
    void reply.headers(noStore);
    return asJson(await getCertificateById(request.ctx, request.params.id));
  });
  app.get('/portal/certificates/:id/pdf', { schema: { tags: ['portal'], summary: 'One of the client’s certificates, as PDF', params: IdParams, response: { 200: pdf, ...errors } } }, async (request, reply) =>
    reply.type('application/pdf').headers(noStore).header('content-disposition', `attachment; filename="certificate-${request.params.id}.pdf"`).send(await certificatePdfById(request.ctx, request.params.id)),
  );
  app.get('/portal/end-of-engagement-letter', { schema: { tags: ['portal'], summary: 'The client’s end-of-engagement letter (PDF; 409 while the relationship continues)', response: { 200: pdf, ...errors } } }, async (request, reply) => {
    const clientId = request.ctx.actor.kind === 'user' && request.ctx.actor.role === 'client' ? request.ctx.actor.clientId : null;
    if (!clientId) throw new AppError('ACCESS_DENIED', 'Not found');
    return reply.type('application/pdf').headers(noStore).header('content-disposition', 'attachment; filename="end-of-engagement.pdf"').send(await endOfEngagementLetter(request.ctx, clientId as ClientId));
  });
}
