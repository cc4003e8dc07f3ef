/**
 * The recipient's routes (public: the recipient has no account). The token travels in the body
 * or the `x-share-token` header, never the URL, so no access or proxy log holds it; the verified
 * session in `x-share-session`. Each route has its own per-address budget besides the codes'
 * own throttle (shares.service.ts).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { errorResponses, PLATFORM_ERRORS, PUBLIC } from '../../platform/http/errors-schema.js';
import { Binary } from '../../platform/http/response-schemas.js';
import { ShareInfoResponse, ShareItemParams, ShareItemsResponse, ShareTokenBody, ShareVerifiedResponse, ShareVerifyBody } from './consent.schemas.js';
import { downloadShareItem, listShareItems, openShare, sendShareCode, verifyShareCode } from './shares.service.js';

const Secret = Type.String({ minLength: 20, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' });
const SessionHeaders = Type.Object({ 'x-share-token': Secret, 'x-share-session': Secret });
const errors = errorResponses(400, 401, 403, 404, 502, ...PLATFORM_ERRORS);
const config = { public: true, rateLimit: { max: 30, timeWindow: 60_000 } };

/** RFC 6266 filename (the name is client content; headers are not logged). */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export async function sharesRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.post('/shares/open', { config, schema: { tags: ['shares'], ...PUBLIC, summary: 'What a share link holds (no names, no content) and where the code will go', body: ShareTokenBody, response: { 200: ShareInfoResponse, ...errors } } }, async (request) =>
    openShare(request.ctx, request.body.token),
  );
  app.post(
    '/shares/code',
    { config, schema: { tags: ['shares'], ...PUBLIC, summary: "E-mail a one-time code to the recipient's address (3 per 15 minutes)", body: ShareTokenBody, response: { 200: Type.Object({ sentTo: Type.String(), expiresAt: Type.Integer() }), ...errors } } },
    async (request) => sendShareCode(request.ctx, request.body.token),
  );
  app.post('/shares/verify', { config, schema: { tags: ['shares'], ...PUBLIC, summary: 'Prove the e-mail address with the code; returns the session for the downloads', body: ShareVerifyBody, response: { 200: ShareVerifiedResponse, ...errors } } }, async (request) =>
    verifyShareCode(request.ctx, request.body.token, request.body.code),
  );
  app.get('/shares/items', { config, schema: { tags: ['shares'], ...PUBLIC, summary: 'The items shared (after verification)', headers: SessionHeaders, response: { 200: ShareItemsResponse, ...errors } } }, async (request) =>
    listShareItems(request.ctx, request.headers['x-share-token'], request.headers['x-share-session']),
  );
  app.get(
    '/shares/items/:itemId/content',
    { config, schema: { tags: ['shares'], ...PUBLIC, summary: 'Download one item (after verification; counts against the limit; audited with the recipient as actor)', params: ShareItemParams, headers: SessionHeaders, response: { 200: { description: 'The content', content: { 'application/octet-stream': { schema: Binary } } }, ...errors } } },
    async (request, reply) => {
      const item = await downloadShareItem(request.ctx, request.headers['x-share-token'], request.headers['x-share-session'], request.params.itemId);
      reply
        .header('content-type', item.contentType)
        .header('content-disposition', contentDisposition(item.name))
        .header('content-length', item.size)
        .header('x-content-sha256', item.sha256)
        .header('cache-control', 'private, no-store')
        .header('content-security-policy', "default-src 'none'; sandbox");
      return reply.send(item.stream);
    },
  );
}
