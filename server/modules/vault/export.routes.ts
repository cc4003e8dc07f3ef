import { PassThrough } from 'node:stream';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ArchiveProtectionBody, protectionOf } from '../../platform/crypto/archive-protection.js';
import { Binary } from '../../platform/http/response-schemas.js';
import { errorResponses, SIGNED_IN_ERRORS } from '../../platform/http/errors-schema.js';
import { ClientIdParams } from './vault.schemas.js';
import { reencryptClientDocuments } from './documents.service.js';
import { prepareClientExport } from './export.service.js';

export async function exportRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.post(
    '/clients/:clientId/export',
    {
      schema: {
        tags: ['clients'],
        summary: "Export a client's data as an age-encrypted tar archive (client.export + step-up MFA), protected by a passphrase (`age -d file`) or age public keys (`age -d -i key.txt file`)",
        params: ClientIdParams,
        body: ArchiveProtectionBody,
        response: {
          200: { description: 'The age file', content: { 'application/octet-stream': { schema: Binary } } },
          ...errorResponses(400, 404, 410, ...SIGNED_IN_ERRORS),
        },
      },
    },
    async (request, reply) => {
      const { clientId } = request.params;
      const job = await prepareClientExport(request.ctx, clientId, protectionOf(request.body));
      const output = new PassThrough();
      // Headers are sent by now; a failure mid-way (e.g. INTEGRITY_ERROR) aborts the response, so
      // the recipient gets a truncated file that age refuses rather than a silently short archive.
      job.writeTo(output).catch((error: unknown) => output.destroy(error instanceof Error ? error : new Error('export failed')));
      return reply
        .header('content-type', 'application/octet-stream')
        .header('content-disposition', `attachment; filename="client-${clientId}.tar.age"`)
        .header('cache-control', 'private, no-store')
        .send(output);
    },
  );

  app.post(
    '/clients/:clientId/keys/reencrypt',
    {
      schema: {
        tags: ['keys'],
        summary: "Re-encrypt a client's documents still under older key versions with the current one (key.manage, step-up MFA)",
        params: ClientIdParams,
        response: { 200: Type.Object({ reencrypted: Type.Integer(), keyVersion: Type.Integer() }), ...errorResponses(400, 404, 410, 502, ...SIGNED_IN_ERRORS) },
      },
    },
    async (request) => reencryptClientDocuments(request.ctx, request.params.clientId),
  );
}
