import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { DOCUMENT_SIZE_CEILING } from '../../config.js';
import type { AppServices } from '../../platform/context.js';
import { Type } from 'typebox';
import { Binary } from '../../platform/http/response-schemas.js';
import { errorResponses, SIGNED_IN_ERRORS } from '../../platform/http/errors-schema.js';
import { pageOf as pageFromQuery } from './vault.pagination.js';
import { ContentQuery, DocumentIdParams, DocumentListQuery, DocumentPage, DocumentResponse, MatterIdParams, RecentDocumentResponse, RecentDocumentsQuery, UpdateDocumentBody, UploadHeaders, UploadQuery } from './vault.schemas.js';
import { addDocumentVersion, findDocuments, findRecentDocuments, getDocumentById, openDocumentContent, restoreDocument, trashDocument, updateDocument, uploadDocument } from './documents.service.js';
import { acceptStreamingUploads, documentName, requireOctetStream, sendDocumentContent, uploadStream } from './documents.http.js';

const errors = errorResponses(400, 404, 409, 410, 413, 502, ...SIGNED_IN_ERRORS);
/** Uploads also answer 415 (not application/octet-stream); 413 is over MAX_DOCUMENT_SIZE. */
const uploadErrors = errorResponses(400, 404, 409, 410, 413, 415, 502, ...SIGNED_IN_ERRORS);

export async function documentsRoutes(fastify: FastifyInstance, services: AppServices): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const maxBytes = services.config.maxDocumentBytes;
  acceptStreamingUploads(app, maxBytes);

  app.post(
    '/matters/:matterId/documents',
    {
      bodyLimit: DOCUMENT_SIZE_CEILING,
      schema: {
        tags: ['documents'],
        summary: 'Upload a document (raw body, streamed and encrypted; name in the x-document-name header as base64url)',
        params: MatterIdParams,
        querystring: UploadQuery,
        headers: UploadHeaders,
        // OpenAPI only: the raw body is not validated by a JSON schema.
        ...({ consumes: ['application/octet-stream'] } as object),
        response: { 201: DocumentResponse, ...uploadErrors },
      },
    },
    async (request, reply) => {
      const name = documentName(request);
      requireOctetStream(request);
      const document = await uploadDocument(request.ctx, request.params.matterId, { name, ...request.query }, uploadStream(request));
      reply.code(201);
      return document;
    },
  );

  app.get(
    '/matters/:matterId/documents',
    { schema: { tags: ['documents'], summary: "A matter's documents (or, with trashed=true, its trash), paginated", params: MatterIdParams, querystring: DocumentListQuery, response: { 200: DocumentPage, ...errors } } },
    async (request) => findDocuments(request.ctx, request.params.matterId, pageFromQuery(request.query), { trashed: request.query.trashed ?? false }),
  );

  app.get(
    '/documents/recent',
    {
      schema: {
        tags: ['documents'],
        summary: 'The newest documents in the matters you may open, with their matter number and title (audited as one list read)',
        querystring: RecentDocumentsQuery,
        response: { 200: Type.Object({ items: Type.Array(RecentDocumentResponse) }), ...errorResponses(400, ...SIGNED_IN_ERRORS) },
      },
    },
    async (request) => ({ items: await findRecentDocuments(request.ctx, request.query.limit ?? 10) }),
  );

  app.post(
    '/documents/:documentId/trash',
    { schema: { tags: ['documents'], summary: 'Move to the trash (restorable; refused with 409 LEGAL_HOLD while a legal hold applies)', params: DocumentIdParams, response: { 200: DocumentResponse, ...errors } } },
    async (request) => trashDocument(request.ctx, request.params.documentId),
  );

  app.post('/documents/:documentId/restore', { schema: { tags: ['documents'], summary: 'Take out of the trash', params: DocumentIdParams, response: { 200: DocumentResponse, ...errors } } }, async (request) =>
    restoreDocument(request.ctx, request.params.documentId),
  );

  app.get('/documents/:documentId', { schema: { tags: ['documents'], summary: 'A document with its versions', params: DocumentIdParams, response: { 200: DocumentResponse, ...errors } } }, async (request) =>
    getDocumentById(request.ctx, request.params.documentId),
  );

  app.patch('/documents/:documentId', { schema: { tags: ['documents'], summary: 'Rename, reclassify or mark privileged', params: DocumentIdParams, body: UpdateDocumentBody, response: { 200: DocumentResponse, ...errors } } }, async (request) =>
    updateDocument(request.ctx, request.params.documentId, request.body),
  );

  app.post(
    '/documents/:documentId/versions',
    { bodyLimit: DOCUMENT_SIZE_CEILING, schema: { tags: ['documents'], summary: 'Add a version (raw body, streamed and encrypted)', params: DocumentIdParams, ...({ consumes: ['application/octet-stream'] } as object), response: { 201: DocumentResponse, ...uploadErrors } } },
    async (request, reply) => {
      requireOctetStream(request);
      const document = await addDocumentVersion(request.ctx, request.params.documentId, uploadStream(request));
      reply.code(201);
      return document;
    },
  );

  app.get('/documents/:documentId/versions', { schema: { tags: ['documents'], summary: "A document's versions", params: DocumentIdParams, response: { 200: Type.Object({ items: Type.Array(Type.Object({ version: Type.Integer(), size: Type.Integer(), contentType: Type.String(), createdBy: Type.String(), createdAt: Type.Integer() })) }), ...errors } } }, async (request) => {
    const document = await getDocumentById(request.ctx, request.params.documentId);
    return { items: document.versions ?? [] };
  });

  app.get(
    '/documents/:documentId/content',
    {
      schema: {
        tags: ['documents'],
        summary: 'Download (decrypted, streamed; supports a single Range)',
        params: DocumentIdParams,
        querystring: ContentQuery,
        response: { 200: { description: 'The content', content: { 'application/octet-stream': { schema: Binary } } }, 206: { description: 'A byte range', content: { 'application/octet-stream': { schema: Binary } } }, ...errorResponses(400, 404, 409, 410, 413, 416, 502, ...SIGNED_IN_ERRORS) },
      },
    },
    async (request, reply) => {
      const { version } = request.query;
      const content = await openDocumentContent(request.ctx, request.params.documentId, { ...(version ? { version } : {}), ...(request.headers.range ? { rangeHeader: request.headers.range } : {}) });
      return sendDocumentContent(reply, content);
    },
  );
}
