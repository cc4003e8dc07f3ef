import { PendingApprovalSchema } from '../../access/index.js';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { AppError } from '../../platform/errors.js';
import { errorResponses, PLATFORM_ERRORS, PUBLIC, SIGNED_IN_ERRORS } from '../../platform/http/errors-schema.js';
import { UUID_PATTERN } from '../../platform/ids.js';
import { ClientParams } from './keys.schemas.js';
import { keyStatus, rotateClientKey, rotateMasterKey, sealStatus, shredClientKeys, unseal } from './keys.service.js';


export async function keysRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/seal-status',
    {
      config: { public: true },
      schema: {
        tags: ['keys'],
        ...PUBLIC,
        summary: 'Whether the vault is sealed (passphrase provider) — shown by the web app as an unseal prompt',
        response: { 200: Type.Object({ sealed: Type.Boolean(), provider: Type.String(), initialized: Type.Boolean() }), ...errorResponses(...PLATFORM_ERRORS) },
      },
    },
    async (request) => sealStatus(request.ctx),
  );

  app.post(
    '/unseal',
    {
      config: { public: true, rateLimit: { max: 10, timeWindow: 60_000 } },
      schema: {
        tags: ['keys'],
        ...PUBLIC,
        summary:
          'Unseal a passphrase-protected instance. On a new instance the first passphrase becomes the master passphrase, and only with the one-time `setupToken` the server printed at start (403 SETUP_TOKEN_INVALID otherwise)',
        body: Type.Object(
          {
            passphrase: Type.String({ minLength: 1, maxLength: 1024 }),
            setupToken: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'The one-time setup token (the fragment of the link printed at start); needed only to choose the first passphrase' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ sealed: Type.Boolean() }), ...errorResponses(400, 401, 403, 409, ...PLATFORM_ERRORS) },
      },
    },
    async (request) => {
      const body = request.body;
      await unseal(request.ctx, body.passphrase, body.setupToken === undefined ? {} : { setupToken: body.setupToken });
      return { sealed: false };
    },
  );

  app.get(
    '/keys/status',
    {
      schema: {
        tags: ['keys'],
        summary: 'Key hierarchy status (administrators with key.manage)',
        response: {
          200: Type.Object({ provider: Type.String(), sealed: Type.Boolean(), masterVersion: Type.Integer(), clientKeys: Type.Integer(), destroyedClientKeys: Type.Integer() }),
          ...errorResponses(404, ...SIGNED_IN_ERRORS),
        },
      },
    },
    async (request) => keyStatus(request.ctx),
  );

  app.post(
    '/keys/master/rotate',
    {
      schema: {
        tags: ['keys'],
        summary: 'Rotate the master key: re-wraps every client key, rewrites no content (step-up MFA required)',
        body: Type.Object({ newPassphrase: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ masterVersion: Type.Integer(), rewrapped: Type.Integer() }), ...errorResponses(400, 404, 409, ...SIGNED_IN_ERRORS) },
      },
    },
    async (request) => {
      const body = request.body ?? {};
      const result = await rotateMasterKey(request.ctx, body.newPassphrase ? { newPassphrase: body.newPassphrase } : {});
      return { masterVersion: result.version, rewrapped: result.rewrapped };
    },
  );

  app.post(
    '/clients/:clientId/keys/rotate',
    {
      schema: {
        tags: ['keys'],
        summary: "Rotate a client's data key: new writes use the new version, old data stays readable (step-up MFA required)",
        params: ClientParams,
        response: { 200: Type.Object({ version: Type.Integer() }), ...errorResponses(400, 404, 410, ...SIGNED_IN_ERRORS) },
      },
    },
    async (request) => rotateClientKey(request.ctx, request.params.clientId),
  );

  app.post(
    '/clients/:clientId/keys/shred',
    {
      schema: {
        tags: ['keys'],
        summary: "Crypto-shred every version of a client's key — irreversible (step-up MFA; repeat the client id to confirm)",
        params: ClientParams,
        body: Type.Object({ confirmClientId: Type.String({ pattern: UUID_PATTERN }) }, { additionalProperties: false }),
        description: 'Signed-in requests answer 202 with the pending approval: a second person (another administrator or a compliance officer) approves it under /approvals, which shreds the keys. 409 CONFLICT while any of the client\'s data is under legal hold; 409 SECOND_APPROVER_REQUIRED when nobody else could approve.',
        response: { 200: Type.Object({ destroyedVersions: Type.Integer() }), 202: PendingApprovalSchema, ...errorResponses(400, 404, 409, ...SIGNED_IN_ERRORS) },
      },
    },
    async (request, reply) => {
      const { clientId } = request.params;
      if (request.body.confirmClientId !== clientId) {
        throw new AppError('VALIDATION_FAILED', 'Confirmation does not match', [{ path: 'body.confirmClientId', message: 'must repeat the client id' }]);
      }
      const outcome = await shredClientKeys(request.ctx, clientId);
      return 'approval' in outcome ? reply.code(202).send(outcome) : outcome;
    },
  );
}
