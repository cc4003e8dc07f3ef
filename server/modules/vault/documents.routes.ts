import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DOCUMENT_SIZE_CEILING } from '../../config.js';
import type { AppServices } from '../../platform/context.js';
import type { Readable } from 'node:stream';
import { Type } from 'typebox';
import type { DocumentId, MatterId } from '../../../common/ids.js';
import { AppError } from '../../platform/errors.js';
import { PageQuery, pageOf as pageFromQuery } from './vault.pagination.js';
import { ContentQuery, DocumentIdParams, DocumentResponse, ERROR_RESPONSE, MatterIdParams, pageOf, UpdateDocumentBody, UploadHeaders, UploadQuery } from './vault.schemas.js';
import { addDocumentVersion, findDocuments, getDocumentById, openDocumentContent, tooLarge, updateDocument, uploadDocument } from './documents.service.js';
import type { Classification } from './vault.tables.js';

const errors = { 400: ERROR_RESPONSE, 401: ERROR_RESPONSE, 404: ERROR_RESPONSE, 409: ERROR_RESPONSE, 410: ERROR_RESPONSE, 413: ERROR_RESPONSE, 502: ERROR_RESPONSE, 503: ERROR_RESPONSE };

function documentName(request: FastifyRequest): string {
  const header = request.headers['x-document-name'];
  const name = typeof header === 'string' ? Buffer.from(header, 'base64url').toString('utf8') : '';
  if (name.trim() === '' || name.length > 500 || /[\u0000-\u001f]/.test(name)) {
    throw new AppError('VALIDATION_FAILED', 'Invalid document name', [{ path: 'headers.x-document-name', message: 'must be base64url of a UTF-8 name (1–500 characters)' }]);
  }
  return name;
}

/** RFC 6266 filename for the download header (the name is client content; headers are not logged). */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export async function documentsRoutes(app: FastifyInstance, services: AppServices): Promise<void> {
  const maxBytes = services.config.maxDocumentBytes;
  // The body stays a stream: the service encrypts it chunk by chunk into the blob store, counting
  // bytes against MAX_DOCUMENT_SIZE (a chunked body has no declared length). A body declared larger
  // than the limit is refused before a byte of it is read.
  app.addContentTypeParser('application/octet-stream', (request, payload, done) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > maxBytes) {
      done(tooLarge(maxBytes), undefined);
      return;
    }
    done(null, payload);
  });

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
        response: { 201: DocumentResponse, ...errors },
      },
    },
    async (request, reply) => {
      const name = documentName(request);
      const query = request.query as { classification?: Classification; privileged?: boolean };
      if (!request.headers['content-type']?.startsWith('application/octet-stream')) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the document as application/octet-stream');
      const document = await uploadDocument(request.ctx, (request.params as { matterId: MatterId }).matterId, { name, ...query }, request.body as Readable);
      reply.code(201);
      return document;
    },
  );

  app.get('/matters/:matterId/documents', { schema: { tags: ['documents'], summary: "A matter's documents, paginated", params: MatterIdParams, querystring: PageQuery, response: { 200: pageOf(DocumentResponse), ...errors } } }, async (request) =>
    findDocuments(request.ctx, (request.params as { matterId: MatterId }).matterId, pageFromQuery(request.query as { limit?: number; after?: string })),
  );

  app.get('/documents/:documentId', { schema: { tags: ['documents'], summary: 'A document with its versions', params: DocumentIdParams, response: { 200: DocumentResponse, ...errors } } }, async (request) =>
    getDocumentById(request.ctx, (request.params as { documentId: DocumentId }).documentId),
  );

  app.patch('/documents/:documentId', { schema: { tags: ['documents'], summary: 'Rename, reclassify or mark privileged', params: DocumentIdParams, body: UpdateDocumentBody, response: { 200: DocumentResponse, ...errors } } }, async (request) =>
    updateDocument(request.ctx, (request.params as { documentId: DocumentId }).documentId, request.body as { name?: string; classification?: Classification; privileged?: boolean }),
  );

  app.post(
    '/documents/:documentId/versions',
    { bodyLimit: DOCUMENT_SIZE_CEILING, schema: { tags: ['documents'], summary: 'Add a version (raw body, streamed and encrypted)', params: DocumentIdParams, ...({ consumes: ['application/octet-stream'] } as object), response: { 201: DocumentResponse, ...errors } } },
    async (request, reply) => {
      if (!request.headers['content-type']?.startsWith('application/octet-stream')) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the document as application/octet-stream');
      const document = await addDocumentVersion(request.ctx, (request.params as { documentId: DocumentId }).documentId, request.body as Readable);
      reply.code(201);
      return document;
    },
  );

  app.get('/documents/:documentId/versions', { schema: { tags: ['documents'], summary: "A document's versions", params: DocumentIdParams, response: { 200: Type.Object({ items: Type.Array(Type.Object({ version: Type.Integer(), size: Type.Integer(), contentType: Type.String(), createdBy: Type.String(), createdAt: Type.Integer() })) }), ...errors } } }, async (request) => {
    const document = await getDocumentById(request.ctx, (request.params as { documentId: DocumentId }).documentId);
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
        response: { 200: { description: 'The content', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } }, 206: { description: 'A byte range', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } }, 416: ERROR_RESPONSE, ...errors },
      },
    },
    async (request, reply) => {
      const { version } = request.query as { version?: number };
      const content = await openDocumentContent(request.ctx, (request.params as { documentId: DocumentId }).documentId, { ...(version ? { version } : {}), ...(request.headers.range ? { rangeHeader: request.headers.range } : {}) });
      reply
        .header('content-type', content.contentType)
        .header('content-disposition', contentDisposition(content.name))
        .header('accept-ranges', 'bytes')
        .header('cache-control', 'private, no-store')
        // Never rendered by the browser in our origin, whatever the detected type.
        .header('content-security-policy', "default-src 'none'; sandbox");
      if (content.range) {
        reply.code(206).header('content-range', `bytes ${content.range.start}-${content.range.end}/${content.size}`).header('content-length', content.range.end - content.range.start + 1);
      } else {
        reply.header('content-length', content.size);
      }
      return reply.send(content.stream);
    },
  );
}
