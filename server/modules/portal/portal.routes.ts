/**
 * The portal's routes. Under /portal: the signed-in contact's own side (a staff session is refused
 * there like a missing client, 404). Elsewhere: the staff side on clients, matters and documents
 * (a contact's session is refused there by the choke point).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { DOCUMENT_SIZE_CEILING } from '../../config.js';
import type { AppServices } from '../../platform/context.js';
import { ArchiveProtectionBody, protectionOf } from '../../platform/crypto/archive-protection.js';
import { Binary } from '../../platform/http/response-schemas.js';
import { errorResponses, SIGNED_IN_ERRORS } from '../../platform/http/errors-schema.js';
import { ConsentResponse } from '../consent/index.js';
import { acceptStreamingUploads, documentName, requireOctetStream, sendDocumentContent, uploadStream } from '../vault/index.js';
import { decideConsentRequest, disableContact, findContacts, inviteContact, portalHome, updateContactMatters } from './contacts.service.js';
import { closeFileRequest, createFileRequest, findDocumentShares, findMatterFileRequests, findPortalDocuments, findPortalFileRequests, openPortalDocument, revokeShare, shareWithContact, uploadFromPortal } from './files.service.js';
import { approveExport, declineExport, findClientExportRequests, findMyExportRequests, openExportArchive, requestExport } from './exports.service.js';
import { findMatterThreads, findPortalThreads, openThread, postMessage, startThread } from './messages.service.js';
import * as S from './portal.schemas.js';
import { requireContact } from './portal.support.js';
import { activity, portalConsents, portalDisclosures, whoCanAccess, withdrawPortalConsent } from './transparency.service.js';

const errors = errorResponses(400, 404, 409, 410, ...SIGNED_IN_ERRORS);
const uploadErrors = errorResponses(400, 404, 409, 410, 413, 415, 502, ...SIGNED_IN_ERRORS);
const staff = ['portal (staff)'];
const portal = ['portal'];

export async function portalRoutes(fastify: FastifyInstance, services: AppServices): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  acceptStreamingUploads(fastify, services.config.maxDocumentBytes);
  // Under /portal only a client's own contact is served: anyone else is refused (audited, 404)
  // before the handler, whatever the use case would have decided for them.
  fastify.addHook('preHandler', async (request) => {
    if (request.routeOptions.url?.includes('/portal/')) await requireContact(request.ctx, 'portal.read');
  });

  // ── staff: contacts ──
  app.post(
    '/clients/:clientId/portal-invitations',
    { schema: { tags: staff, summary: 'Invite a client contact to the portal (lead attorney); optionally limited to some matters, with consents to ask for at onboarding', params: S.ClientIdParams, body: S.InvitationBody, response: { 201: S.InvitationResponse, ...errors } } },
    async (request, reply) => {
      reply.code(201);
      return inviteContact(request.ctx, request.params.clientId, request.body);
    },
  );
  app.get('/clients/:clientId/portal-contacts', { schema: { tags: staff, summary: "The client's portal contacts", params: S.ClientIdParams, response: { 200: S.ContactListResponse, ...errors } } }, async (request) => ({ items: await findContacts(request.ctx, request.params.clientId) }));
  app.put('/portal-contacts/:contactId/matters', { schema: { tags: staff, summary: 'Change which matters a contact sees (effective on their next request)', params: S.ContactIdParams, body: S.ContactMattersBody, response: { 200: S.ContactResponse, ...errors } } }, async (request) =>
    updateContactMatters(request.ctx, request.params.contactId, request.body),
  );
  app.post('/portal-contacts/:contactId/disable', { schema: { tags: staff, summary: 'Disable a contact: their sessions end at once', params: S.ContactIdParams, response: { 200: S.ContactResponse, ...errors } } }, async (request) => disableContact(request.ctx, request.params.contactId));

  // ── staff: messages, file requests, shares ──
  app.get('/matters/:matterId/threads', { schema: { tags: staff, summary: "The matter's message threads with the client", params: S.MatterIdParams, response: { 200: S.ThreadListResponse, ...errors } } }, async (request) => ({ items: await findMatterThreads(request.ctx, request.params.matterId) }));
  app.post('/matters/:matterId/threads', { schema: { tags: staff, summary: 'Start a thread with the client on a matter', params: S.MatterIdParams, body: S.NewThreadBody, response: { 201: S.ThreadDetailResponse, ...errors } } }, async (request, reply) => {
    reply.code(201);
    return startThread(request.ctx, 'staff', request.params.matterId, request.body);
  });
  app.get('/threads/:threadId', { schema: { tags: staff, summary: 'A thread with its messages (records your read receipts)', params: S.ThreadIdParams, response: { 200: S.ThreadDetailResponse, ...errors } } }, async (request) => openThread(request.ctx, 'staff', request.params.threadId));
  app.post('/threads/:threadId/messages', { schema: { tags: staff, summary: 'Reply on a thread', params: S.ThreadIdParams, body: S.NewMessageBody, response: { 201: S.ThreadDetailResponse, ...errors } } }, async (request, reply) => {
    reply.code(201);
    return postMessage(request.ctx, 'staff', request.params.threadId, request.body);
  });
  app.get('/matters/:matterId/file-requests', { schema: { tags: staff, summary: "The matter's file requests with what the client uploaded", params: S.MatterIdParams, response: { 200: S.FileRequestListResponse, ...errors } } }, async (request) => ({ items: await findMatterFileRequests(request.ctx, request.params.matterId) }));
  app.post('/matters/:matterId/file-requests', { schema: { tags: staff, summary: 'Ask the client for files (the contacts are mailed, without content)', params: S.MatterIdParams, body: S.FileRequestBody, response: { 201: S.FileRequestResponse, ...errors } } }, async (request, reply) => {
    reply.code(201);
    return createFileRequest(request.ctx, request.params.matterId, request.body);
  });
  app.post('/file-requests/:fileRequestId/close', { schema: { tags: staff, summary: 'Close a file request', params: S.FileRequestIdParams, response: { 200: S.FileRequestResponse, ...errors } } }, async (request) => closeFileRequest(request.ctx, request.params.fileRequestId));
  app.get('/documents/:documentId/portal-shares', { schema: { tags: staff, summary: 'Who a document is shared with in the portal', params: S.DocumentIdParams, response: { 200: S.ShareListResponse, ...errors } } }, async (request) => ({ items: await findDocumentShares(request.ctx, request.params.documentId) }));
  app.post('/documents/:documentId/portal-shares', { schema: { tags: staff, summary: "Share a document with one of the client's portal contacts", params: S.DocumentIdParams, body: S.ShareBody, response: { 201: S.ShareResponse, ...errors } } }, async (request, reply) => {
    reply.code(201);
    return shareWithContact(request.ctx, request.params.documentId, request.body.contactId);
  });
  app.post('/documents/:documentId/portal-shares/:shareId/revoke', { schema: { tags: staff, summary: 'End a portal share at once', params: S.ShareParams, response: { 200: S.ShareResponse, ...errors } } }, async (request) => revokeShare(request.ctx, request.params.documentId, request.params.shareId));

  // ── staff: export requests ──
  app.get('/clients/:clientId/export-requests', { schema: { tags: staff, summary: "The client's requests for an export of their data", params: S.ClientIdParams, response: { 200: S.ExportRequestListResponse, ...errors } } }, async (request) => ({ items: await findClientExportRequests(request.ctx, request.params.clientId) }));
  app.post('/export-requests/:exportRequestId/approve', { schema: { tags: staff, summary: 'Approve an export request and make the archive (client.export + step-up): age-encrypted under the protection the client chose, kept a week', params: S.ExportRequestIdParams, response: { 200: S.ExportRequestResponse, ...errorResponses(400, 404, 409, 410, 502, ...SIGNED_IN_ERRORS) } } }, async (request) => approveExport(request.ctx, request.params.exportRequestId));
  app.post('/export-requests/:exportRequestId/decline', { schema: { tags: staff, summary: 'Decline an export request', params: S.ExportRequestIdParams, response: { 200: S.ExportRequestResponse, ...errors } } }, async (request) => declineExport(request.ctx, request.params.exportRequestId));

  // ── the contact's own side ──
  app.get('/portal/home', { schema: { tags: portal, summary: 'The contact: their client, matters, the notice in force, consents asked of them, what waits', response: { 200: S.PortalHomeResponse, ...errors } } }, async (request) => portalHome(request.ctx));
  app.post('/portal/consent-requests/:requestId', { schema: { tags: portal, summary: 'Give or decline a consent asked of you, on the notice you read', params: S.RequestIdParams, body: S.ConsentDecisionBody, response: { 200: S.ConsentDecisionResponse, ...errors } } }, async (request) =>
    decideConsentRequest(request.ctx, request.params.requestId, request.body),
  );
  app.get('/portal/threads', { schema: { tags: portal, summary: 'Your message threads with your lawyers', response: { 200: S.ThreadListResponse, ...errors } } }, async (request) => ({ items: await findPortalThreads(request.ctx) }));
  app.post('/portal/matters/:matterId/threads', { schema: { tags: portal, summary: 'Write to your lawyers about a matter', params: S.MatterIdParams, body: S.NewThreadBody, response: { 201: S.ThreadDetailResponse, ...errors } } }, async (request, reply) => {
    reply.code(201);
    return startThread(request.ctx, 'portal', request.params.matterId, request.body);
  });
  app.get('/portal/threads/:threadId', { schema: { tags: portal, summary: 'A thread with its messages', params: S.ThreadIdParams, response: { 200: S.ThreadDetailResponse, ...errors } } }, async (request) => openThread(request.ctx, 'portal', request.params.threadId));
  app.post('/portal/threads/:threadId/messages', { schema: { tags: portal, summary: 'Reply on a thread', params: S.ThreadIdParams, body: S.NewMessageBody, response: { 201: S.ThreadDetailResponse, ...errors } } }, async (request, reply) => {
    reply.code(201);
    return postMessage(request.ctx, 'portal', request.params.threadId, request.body);
  });
  app.post(
    '/portal/matters/:matterId/uploads',
    {
      bodyLimit: DOCUMENT_SIZE_CEILING,
      schema: {
        tags: portal,
        summary: 'Upload a file to a matter (raw body, streamed and encrypted; name in the x-document-name header as base64url), into a file request when given',
        params: S.MatterIdParams,
        querystring: S.UploadQuery,
        ...({ consumes: ['application/octet-stream'] } as object),
        response: { 201: S.PortalDocumentResponse, ...uploadErrors },
      },
    },
    async (request, reply) => {
      const name = documentName(request);
      requireOctetStream(request);
      const document = await uploadFromPortal(request.ctx, request.params.matterId, { name, ...(request.query.fileRequestId ? { fileRequestId: request.query.fileRequestId } : {}) }, uploadStream(request));
      reply.code(201);
      return document;
    },
  );
  app.get('/portal/documents', { schema: { tags: portal, summary: 'Documents shared with you, your uploads, and attachments on your threads', response: { 200: S.PortalDocumentListResponse, ...errors } } }, async (request) => ({ items: await findPortalDocuments(request.ctx) }));
  app.get(
    '/portal/documents/:documentId/content',
    { schema: { tags: portal, summary: 'Download a document shown to you', params: S.DocumentIdParams, response: { 200: { description: 'The content', content: { 'application/octet-stream': { schema: Binary } } }, 206: { description: 'A byte range', content: { 'application/octet-stream': { schema: Binary } } }, ...errorResponses(400, 404, 409, 410, 416, 502, ...SIGNED_IN_ERRORS) } } },
    async (request, reply) => sendDocumentContent(reply, await openPortalDocument(request.ctx, request.params.documentId, request.headers.range)),
  );
  app.get('/portal/file-requests', { schema: { tags: portal, summary: 'What your lawyers asked you to upload (open first)', response: { 200: S.FileRequestListResponse, ...errors } } }, async (request) => ({ items: await findPortalFileRequests(request.ctx) }));
  app.get('/portal/people', { schema: { tags: portal, summary: 'Who at the firm can open your data today, and how', response: { 200: S.PeopleResponse, ...errors } } }, async (request) => ({ items: await whoCanAccess(request.ctx) }));
  app.get('/portal/activity', { schema: { tags: portal, summary: 'Who at the firm did what with your data, from the audit log (each entry provable)', querystring: S.ActivityQuery, response: { 200: S.ActivityResponse, ...errors } } }, async (request) => activity(request.ctx, request.query.before));
  app.get('/portal/consents', { schema: { tags: portal, summary: 'Your consents', response: { 200: S.PortalConsentListResponse, ...errors } } }, async (request) => ({ items: await portalConsents(request.ctx) }));
  app.post('/portal/consents/:consentId/withdraw', { schema: { tags: portal, summary: 'Withdraw a consent, effective at once', params: S.ConsentIdParams, response: { 200: ConsentResponse, ...errors } } }, async (request) => withdrawPortalConsent(request.ctx, request.params.consentId));
  app.get('/portal/export-requests', { schema: { tags: portal, summary: 'Your requests for an export of your data', response: { 200: S.ExportRequestListResponse, ...errors } } }, async (request) => ({ items: await findMyExportRequests(request.ctx) }));
  app.post('/portal/export-requests', { schema: { tags: portal, summary: 'Ask for an export of your data, protected by a passphrase or your age public keys; your lawyer approves it', body: ArchiveProtectionBody, response: { 201: S.ExportRequestResponse, ...errors } } }, async (request, reply) => {
    reply.code(201);
    return requestExport(request.ctx, protectionOf(request.body));
  });
  app.get(
    '/portal/export-requests/:exportRequestId/archive',
    { schema: { tags: portal, summary: 'Download your export (an age file: `age -d` with your passphrase or key)', params: S.ExportRequestIdParams, response: { 200: { description: 'The age file', content: { 'application/octet-stream': { schema: Binary } } }, ...errors } } },
    async (request, reply) => {
      const archive = await openExportArchive(request.ctx, request.params.exportRequestId);
      return reply
        .header('content-type', 'application/octet-stream')
        .header('content-length', archive.size)
        .header('content-disposition', `attachment; filename="confidant-export-${new Date(archive.createdAt).toISOString().slice(0, 10)}.tar.age"`)
        .header('cache-control', 'private, no-store')
        .send(archive.stream);
    },
  );
  app.get('/portal/disclosures', { schema: { tags: portal, summary: 'What was disclosed of your data, to whom, on what basis', response: { 200: S.PortalDisclosureResponse, ...errors } } }, async (request) => ({ items: await portalDisclosures(request.ctx) }));
}
