/**
 * The HTTP side of documents every module with files shares (vault's own routes, the portal's
 * uploads and downloads): streaming uploads that never buffer, the name header, and the download
 * headers that keep a document from being rendered in our origin.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.js';
import type { DocumentContent } from './documents.service.js';
import { tooLarge } from './documents.streaming.js';

/**
 * The body stays a stream: the service encrypts it chunk by chunk into the blob store, counting
 * bytes against MAX_DOCUMENT_SIZE (a chunked body has no declared length). A body declared larger
 * than the limit is refused before a byte of it is read.
 */
export function acceptStreamingUploads(app: FastifyInstance, maxBytes: number): void {
  app.addContentTypeParser('application/octet-stream', (request, payload, done) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > maxBytes) {
      done(tooLarge(maxBytes), undefined);
      return;
    }
    done(null, payload);
  });
}

export function requireOctetStream(request: FastifyRequest): void {
  if (!request.headers['content-type']?.startsWith('application/octet-stream')) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the document as application/octet-stream');
}

export function documentName(request: FastifyRequest): string {
  const header = request.headers['x-document-name'];
  const name = typeof header === 'string' ? Buffer.from(header, 'base64url').toString('utf8') : '';
  if (name.trim() === '' || name.length > 500 || /[\u0000-\u001f]/.test(name)) {
    throw new AppError('VALIDATION_FAILED', 'Invalid document name', [{ path: 'headers.x-document-name', message: 'must be base64url of a UTF-8 name (1–500 characters)' }]);
  }
  return name;
}

/** The raw upload: the octet-stream parser above hands the request stream through unread. */
export function uploadStream(request: FastifyRequest): Readable {
  if (!(request.body instanceof Readable)) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the document as application/octet-stream');
  // Declared empty: refused before anything is stored (a streamed empty body is refused by the service).
  if (request.headers['content-length'] === '0') throw new AppError('DOCUMENT_EMPTY', 'The file is empty (0 bytes); choose a file with content', [{ path: 'body', message: 'is empty (0 bytes)' }]);
  return request.body;
}

/** RFC 6266 filename for the download header (the name is client content; headers are not logged). */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}


/** Sends a document's content (whole or one range) with headers that keep browsers from running it. */
export function sendDocumentContent(reply: FastifyReply, content: DocumentContent): FastifyReply {
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
}
