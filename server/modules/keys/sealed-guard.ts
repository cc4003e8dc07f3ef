import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppServices } from '../../platform/context.js';
import { sendError } from '../../platform/http/error-handler.js';
import { isSealed } from './keys.service.js';

/** What a sealed instance still answers: liveness/readiness, the API description, and unsealing. */
const OPEN_WHEN_SEALED = new Set(['/api/v1/health', '/api/v1/ready', '/api/v1/openapi.json', '/api/v1/seal-status', '/api/v1/unseal']);

/**
 * While the master key is not loaded (passphrase provider, not yet unsealed) every other API call
 * answers 503 SEALED — before authentication, so even sign-in waits for the operator. Returns true
 * when it answered.
 */
export function replyIfSealed(services: AppServices, request: FastifyRequest, reply: FastifyReply): boolean {
  if (services.config.masterKey.provider !== 'passphrase' || !isSealed(services)) return false;
  if (OPEN_WHEN_SEALED.has(request.routeOptions.url ?? '')) return false;
  sendError(reply, request, 'SEALED', 'The vault is sealed until an operator unseals it at /unseal');
  return true;
}
