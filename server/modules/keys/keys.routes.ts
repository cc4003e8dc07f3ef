import { PendingApprovalSchema } from '../../access/index.js';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { ClientId } from '../../../common/ids.js';
import { AppError } from '../../platform/errors.js';
import { UUID_PATTERN } from '../../platform/ids.js';
import { ERROR_RESPONSE } from './keys.schemas.js';
import { keyStatus, rotateClientKey, rotateMasterKey, sealStatus, shredClientKeys, unseal } from './keys.service.js';

const ClientParams = Type.Object({ clientId: Type.String({ pattern: UUID_PATTERN }) });

export async function keysRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/seal-status',
    {
      config: { public: true },
      schema: {
        tags: ['keys'],
        summary: 'Whether the vault is sealed (passphrase provider) — shown by the web app as an unseal prompt',
        response: { 200: Type.Object({ sealed: Type.Boolean(), provider: Type.String(), initialized: Type.Boolean() }) },
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
        summary:
          'Unseal a passphrase-protected instance. On a new instance the first passphrase becomes the master passphrase, and only with the one-time `setupToken` the server printed at start (403 SETUP_TOKEN_INVALID otherwise)',
        body: Type.Object(
          {
            passphrase: Type.String({ minLength: 1, maxLength: 1024 }),
            setupToken: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'The one-time setup token (the fragment of the link printed at start); needed only to choose the first passphrase' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ sealed: Type.Boolean() }), 400: ERROR_RESPONSE, 401: ERROR_RESPONSE, 403: ERROR_RESPONSE, 409: ERROR_RESPONSE },
      },
    },
    async (request) => {
      const body = request.body as { passphrase: string; setupToken?: string };
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
          404: ERROR_RESPONSE,
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
        response: { 200: Type.Object({ masterVersion: Type.Integer(), rewrapped: Type.Integer() }), 400: ERROR_RESPONSE, 401: ERROR_RESPONSE, 404: ERROR_RESPONSE, 409: ERROR_RESPONSE },
      },
    },
    async (request) => {
      const body = (request.body ?? {}) as { newPassphrase?: string };
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
        response: { 200: Type.Object({ version: Type.Integer() }), 401: ERROR_RESPONSE, 404: ERROR_RESPONSE, 410: ERROR_RESPONSE },
      },
    },
    async (request) => rotateClientKey(request.ctx, (request.params as { clientId: ClientId }).clientId),
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
        response: { 200: Type.Object({ destroyedVersions: Type.Integer() }), 202: PendingApprovalSchema, 400: ERROR_RESPONSE, 401: ERROR_RESPONSE, 404: ERROR_RESPONSE, 409: ERROR_RESPONSE },
      },
    },
    async (request, reply) => {
      const { clientId } = request.params as { clientId: ClientId };
      if ((request.body as { confirmClientId: string }).confirmClientId !== clientId) {
        throw new AppError('VALIDATION_FAILED', 'Confirmation does not match', [{ path: 'body.confirmClientId', message: 'must repeat the client id' }]);
      }
      const outcome = await shredClientKeys(request.ctx, clientId);
      return 'approval' in outcome ? reply.code(202).send(outcome) : outcome;
    },
  );
}
