import { PassThrough } from 'node:stream';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ArchiveProtectionBody, protectionOf } from '../../platform/crypto/archive-protection.js';
import { Binary } from '../../platform/http/response-schemas.js';
import { errorResponses, SIGNED_IN_ERRORS } from '../../platform/http/errors-schema.js';
import {
  ClientIdParams,
  ConsentIdParams,
  ConsentResponse,
  CreateConsentBody,
  CreateDisclosureBody,
  DisclosureIdParams,
  DisclosureListQuery,
  DisclosureResponse,
  ExecuteDisclosureBody,
  ExecutedDisclosureResponse,
  ExpiringQuery,
  MatterIdParams,
  NoticeBody,
  NoticeIdParams,
  NoticeResponse,
  PrivilegeLogQuery,
  PrivilegeLogResponse,
} from './consent.schemas.js';
import { findConsents, findExpiringConsents, getConsentById, recordConsent, withdrawConsent } from './consents.service.js';
import { approveDisclosure, executeDisclosure, findDisclosures, getDisclosureById, registerCsv, requestDisclosure, revokeDisclosure } from './disclosures.service.js';
import { createNotice, findNotices, getNoticeById, publishNotice, updateNotice } from './notices.service.js';
import { prepareDisclosurePackage } from './packages.service.js';
import { privilegeLog, privilegeLogCsv, privilegeLogPdf } from './privilege-log.service.js';

const errors = errorResponses(400, 404, 409, 410, ...SIGNED_IN_ERRORS);
const items = <T extends Parameters<typeof Type.Array>[0]>(schema: T) => Type.Object({ items: Type.Array(schema) });
const day = () => new Date().toISOString().slice(0, 10);

export async function consentRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  // ── notices ──
  app.get('/notices', { schema: { tags: ['consent'], summary: 'Data-handling notices, every version (newest first)', response: { 200: items(NoticeResponse), ...errors } } }, async (request) => ({ items: await findNotices(request.ctx) }));
  app.post('/notices', { schema: { tags: ['consent'], summary: 'Write a new notice version as a draft (compliance officer)', body: NoticeBody, response: { 201: NoticeResponse, ...errors } } }, async (request, reply) => {
    reply.code(201);
    return createNotice(request.ctx, request.body);
  });
  app.get('/notices/:noticeId', { schema: { tags: ['consent'], summary: 'One notice version', params: NoticeIdParams, response: { 200: NoticeResponse, ...errors } } }, async (request) => getNoticeById(request.ctx, request.params.noticeId));
  app.patch('/notices/:noticeId', { schema: { tags: ['consent'], summary: 'Edit a draft notice (409 NOTICE_PUBLISHED once published)', params: NoticeIdParams, body: NoticeBody, response: { 200: NoticeResponse, ...errors } } }, async (request) =>
    updateNotice(request.ctx, request.params.noticeId, request.body),
  );
  app.post('/notices/:noticeId/publish', { schema: { tags: ['consent'], summary: 'Publish a draft: frozen from now on, named by the SHA-256 of its canonical content', params: NoticeIdParams, response: { 200: NoticeResponse, ...errors } } }, async (request) =>
    publishNotice(request.ctx, request.params.noticeId),
  );

  // ── consents ──
  app.post(
    '/clients/:clientId/consents',
    { schema: { tags: ['consent'], summary: "Record a client's consent with its evidence (the published notice shown, the signed form)", params: ClientIdParams, body: CreateConsentBody, response: { 201: ConsentResponse, ...errors } } },
    async (request, reply) => {
      reply.code(201);
      return recordConsent(request.ctx, request.params.clientId, request.body);
    },
  );
  app.get('/clients/:clientId/consents', { schema: { tags: ['consent'], summary: "A client's consents (newest first)", params: ClientIdParams, response: { 200: items(ConsentResponse), ...errors } } }, async (request) => ({ items: await findConsents(request.ctx, request.params.clientId) }));
  app.get('/consents/expiring', { schema: { tags: ['consent'], summary: 'Active consents ending within N days, of the clients you may read', querystring: ExpiringQuery, response: { 200: items(ConsentResponse), ...errors } } }, async (request) => ({
    items: await findExpiringConsents(request.ctx, request.query.days ?? 30),
  }));
  app.get('/consents/:consentId', { schema: { tags: ['consent'], summary: 'One consent', params: ConsentIdParams, response: { 200: ConsentResponse, ...errors } } }, async (request) => getConsentById(request.ctx, request.params.consentId));
  app.post(
    '/consents/:consentId/withdraw',
    { schema: { tags: ['consent'], summary: 'Withdraw a consent, at once: pending disclosures under it stop, its shares refuse their next use', params: ConsentIdParams, response: { 200: ConsentResponse, ...errors } } },
    async (request) => withdrawConsent(request.ctx, request.params.consentId),
  );

  // ── disclosures ──
  app.post(
    '/disclosures',
    {
      schema: {
        tags: ['disclosures'],
        summary: 'Request a disclosure: under a live consent covering every item, recipient, purpose and channel (ready at once), or a legal exception (waits for a second person). Items outside the basis are refused by name (403 DISCLOSURE_OUTSIDE_CONSENT)',
        body: CreateDisclosureBody,
        response: { 201: DisclosureResponse, ...errors },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return requestDisclosure(request.ctx, request.body);
    },
  );
  app.get(
    '/disclosures',
    {
      schema: {
        tags: ['disclosures'],
        summary: 'The disclosure register (the matters you may read; the compliance officer: all), JSON or CSV (format=csv)',
        querystring: DisclosureListQuery,
        response: { 200: { description: 'The register', content: { 'application/json': { schema: items(DisclosureResponse) }, 'text/csv': { schema: Type.String() } } }, ...errors },
      },
    },
    async (request, reply) => {
      const { format, ...filter } = request.query;
      const views = await findDisclosures(request.ctx, filter);
      if (format === 'csv') return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="disclosure-register-${day()}.csv"`).header('cache-control', 'private, no-store').send(registerCsv(views));
      return { items: views };
    },
  );
  app.get('/disclosures/:disclosureId', { schema: { tags: ['disclosures'], summary: 'One disclosure', params: DisclosureIdParams, response: { 200: DisclosureResponse, ...errors } } }, async (request) => getDisclosureById(request.ctx, request.params.disclosureId));
  app.post(
    '/disclosures/:disclosureId/approve',
    { schema: { tags: ['disclosures'], summary: 'Approve a legal-exception disclosure (compliance officer or lead attorney; never the requester: 403 SEPARATION_OF_DUTIES)', params: DisclosureIdParams, response: { 200: DisclosureResponse, ...errors } } },
    async (request) => approveDisclosure(request.ctx, request.params.disclosureId),
  );
  app.post(
    '/disclosures/:disclosureId/execute',
    {
      schema: {
        tags: ['disclosures'],
        summary: 'Execute a ready disclosure: pins each item, records the SHA-256 of the released bytes, and for the secure link creates the share (link returned once and e-mailed to the recipient)',
        params: DisclosureIdParams,
        body: Type.Optional(ExecuteDisclosureBody),
        response: { 200: ExecutedDisclosureResponse, ...errors },
      },
    },
    async (request) => executeDisclosure(request.ctx, request.params.disclosureId, request.body ?? {}),
  );
  app.post(
    '/disclosures/:disclosureId/package',
    {
      schema: {
        tags: ['disclosures'],
        summary:
          'The age package of an executed age-package disclosure (disclosure.request + step-up MFA): a tar of exactly what was released, each item checked against its recorded SHA-256, protected by a passphrase (`age -d file`) or the recipient\'s age public key (`age -d -i key.txt file`)',
        params: DisclosureIdParams,
        body: ArchiveProtectionBody,
        response: {
          200: { description: 'The age file', content: { 'application/octet-stream': { schema: Binary } } },
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const pack = await prepareDisclosurePackage(request.ctx, request.params.disclosureId, protectionOf(request.body));
      const output = new PassThrough();
      // Headers are sent by now: a failure mid-way (INTEGRITY_ERROR) aborts the response, and age refuses the truncated file.
      pack.writeTo(output).catch((error: unknown) => output.destroy(error instanceof Error ? error : new Error('package failed')));
      return reply.header('content-type', 'application/octet-stream').header('content-disposition', `attachment; filename="${pack.fileName}"`).header('cache-control', 'private, no-store').send(output);
    },
  );
  app.post('/disclosures/:disclosureId/revoke', { schema: { tags: ['disclosures'], summary: 'Revoke a disclosure: its share refuses its next use', params: DisclosureIdParams, response: { 200: DisclosureResponse, ...errors } } }, async (request) =>
    revokeDisclosure(request.ctx, request.params.disclosureId),
  );

  // ── privilege log ──
  app.get(
    '/matters/:matterId/privilege-log',
    {
      schema: {
        tags: ['disclosures'],
        summary: "A matter's privilege log (date, author, recipients, type, privilege asserted, description): JSON, CSV (format=csv) or PDF (format=pdf)",
        params: MatterIdParams,
        querystring: PrivilegeLogQuery,
        response: {
          200: { description: 'The log', content: { 'application/json': { schema: PrivilegeLogResponse }, 'text/csv': { schema: Type.String() }, 'application/pdf': { schema: Binary } } },
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const log = await privilegeLog(request.ctx, request.params.matterId);
      const name = `privilege-log-${log.matter.number ?? 'matter'}-${day()}`.replace(/[^A-Za-z0-9._-]/g, '_');
      if (request.query.format === 'csv') return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).header('cache-control', 'private, no-store').send(privilegeLogCsv(log));
      if (request.query.format === 'pdf') return reply.type('application/pdf').header('content-disposition', `attachment; filename="${name}.pdf"`).header('cache-control', 'private, no-store').send(await privilegeLogPdf(log));
      return log;
    },
  );
}
