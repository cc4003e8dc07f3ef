import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES, type ErrorBody, type ErrorCode } from '../../../common/error-codes.js';
import { isDependencyUnavailable } from '../db/unavailable.js';
import { AppError, runAfterRollback, type FieldProblem } from '../errors.js';

/** The one error model: `{ error: { code, message, requestId } }`, with 5xx details hidden. */
export function sendError(reply: FastifyReply, request: FastifyRequest, code: ErrorCode, message: string, fields?: FieldProblem[]): FastifyReply {
  const status = ERROR_CODES[code];
  const body: ErrorBody = {
    error: { code, message: status >= 500 && code !== 'AUDIT_UNAVAILABLE' && code !== 'SEALED' && code !== 'SERVICE_UNAVAILABLE' ? 'Internal error' : message, requestId: request.id, ...(fields ? { fields } : {}) },
  };
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

function validationFields(error: FastifyError): FieldProblem[] {
  return (error.validation ?? []).map((v) => {
    const params = v.params as { missingProperty?: string; additionalProperty?: string };
    const base = `${error.validationContext ?? 'body'}${v.instancePath.replace(/\//g, '.')}`;
    const path = params.missingProperty ? `${base}.${params.missingProperty}` : params.additionalProperty ? `${base}.${params.additionalProperty}` : base;
    return { path, message: v.message ?? 'is invalid' };
  });
}

/** The `at …` lines of a stack, without the header that repeats the message. */
export function stackFrames(stack: string | undefined): string {
  return (stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .join('\n');
}

/** How much of an unread request body is drained before an error answer (beyond it: answer, then close). */
const DRAIN_BYTES = 8 * 1024 * 1024;
const DRAIN_MS = 5_000;

/**
 * A request answered with an error while its client is still sending the body (an upload refused
 * part-way, or before it was read) must not have its connection torn down under the answer: the
 * client would see a reset instead of the error. Reads and discards what is left, up to a bound;
 * past the bound (a huge or slow body) the answer goes out with `Connection: close`.
 */
async function drainBody(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const raw = request.raw as FastifyRequest['raw'] & { complete?: boolean };
  if (raw.complete === true || raw.readableEnded || raw.destroyed) {
    raw.resume();
    return;
  }
  // Declared larger than the bound (a refused huge upload): answer at once, then close.
  if (Number(request.headers['content-length'] ?? 0) > DRAIN_BYTES) {
    reply.header('connection', 'close');
    return;
  }
  let bytes = 0;
  const finished = await new Promise<boolean>((resolve) => {
    const done = (ended: boolean) => {
      clearTimeout(timer);
      raw.off('data', count).off('end', onEnd).off('close', onClose).off('error', onClose);
      resolve(ended);
    };
    const count = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > DRAIN_BYTES) done(false);
    };
    const onEnd = () => done(true);
    const onClose = () => done(raw.readableEnded);
    const timer = setTimeout(() => done(false), DRAIN_MS);
    raw.on('data', count).once('end', onEnd).once('close', onClose).once('error', onClose);
    raw.resume();
  });
  if (!finished && !raw.destroyed) reply.header('connection', 'close');
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    await drainBody(request, reply);
    if (error instanceof AppError) {
      // Fallback for a transaction opened without `inTransaction`: by now it has rolled back.
      await runAfterRollback(error).catch(() => request.log.error({ code: error.code }, 'after-rollback work failed'));
      if (error.status >= 500) request.log.error({ code: error.code, err: { message: error.message } }, 'request failed');
      return sendError(reply, request, error.code, error.message, error.fields);
    }
    if (error.validation) {
      const fields = validationFields(error);
      return sendError(reply, request, 'VALIDATION_FAILED', `Invalid ${error.validationContext ?? 'request'}: ${fields.map((f) => `${f.path} ${f.message}`).join('; ')}`, fields);
    }
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendError(reply, request, 'PAYLOAD_TOO_LARGE', 'Request body is too large');
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return sendError(reply, request, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported content type');
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return sendError(reply, request, 'BAD_REQUEST', 'Malformed request body');
      case 'FST_ERR_BAD_URL':
      case 'FST_ERR_ASYNC_CONSTRAINT':
        return sendError(reply, request, 'BAD_REQUEST', 'Malformed request');
      default:
        break;
    }
    if (error.statusCode === 429) return sendError(reply, request, 'RATE_LIMITED', 'Too many requests, slow down');
    if (error.statusCode === 408) return sendError(reply, request, 'REQUEST_TIMEOUT', 'Request timed out');
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      if (error.statusCode === 413) return sendError(reply, request, 'PAYLOAD_TOO_LARGE', 'Request body is too large');
      if (error.statusCode === 415) return sendError(reply, request, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported content type');
      return sendError(reply, request, 'BAD_REQUEST', 'Malformed request');
    }
    if (isDependencyUnavailable(error)) {
      request.log.error({ err: { type: error.name, code: (error as { code?: unknown }).code } }, 'dependency unavailable');
      return sendError(reply, request, 'SERVICE_UNAVAILABLE', 'A storage service is unreachable; try again shortly');
    }
    // Only the error's class and stack frames: its message (also the stack's first line) could echo input.
    request.log.error({ err: { type: error.name, stack: stackFrames(error.stack) } }, 'unhandled error');
    return sendError(reply, request, 'INTERNAL_ERROR', 'Internal error');
  });
}
