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

interface ValidationIssue {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** The sub-schema a `schemaPath` (`#/properties/kind/anyOf/0/const`) points into, without its last keyword. */
function schemaAt(root: unknown, schemaPath: string): Record<string, unknown> | null {
  let node: unknown = root;
  for (const raw of schemaPath.replace(/^#\/?/, '').split('/').slice(0, -1)) {
    if (node === null || typeof node !== 'object') return null;
    node = (node as Record<string, unknown>)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node !== null && typeof node === 'object' ? (node as Record<string, unknown>) : null;
}

const quoted = (values: unknown[]) => values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');

/**
 * A field's problems in plain words. An `anyOf` (TypeBox unions: literals, nullable types) is one
 * problem naming what is allowed — "must be one of: a, b, c", "must be integer or null" — instead
 * of one line per branch; an enum names its values too.
 */
function describeIssues(issues: ValidationIssue[], schema: unknown): { instancePath: string; params: Record<string, unknown>; message: string }[] {
  const consumed = new Set<ValidationIssue>();
  const allowedBy = new Map<ValidationIssue, { values: unknown[]; types: string[] }>();
  // Innermost unions first, so a union of a union and null (`role: MatterRole | null`) reads as one list.
  const unions = issues.filter((issue) => issue.keyword === 'anyOf').sort((x, y) => y.schemaPath.length - x.schemaPath.length);
  for (const union of unions) {
    const prefix = `${union.schemaPath}/`;
    const branches = issues.filter((other) => other !== union && !consumed.has(other) && other.instancePath === union.instancePath && other.schemaPath.startsWith(prefix));
    if (branches.length === 0 || !branches.every((b) => ['const', 'enum', 'type'].includes(b.keyword) || allowedBy.has(b))) continue;
    const values: unknown[] = [];
    const types: string[] = [];
    for (const branch of branches) {
      const nested = allowedBy.get(branch);
      const branchSchema = schemaAt(schema, branch.schemaPath);
      if (nested) {
        values.push(...nested.values);
        types.push(...nested.types);
      } else if (branchSchema && 'const' in branchSchema) values.push(branchSchema.const);
      else if (Array.isArray(branchSchema?.enum)) values.push(...(branchSchema.enum as unknown[]));
      else if (branch.keyword === 'type' && typeof branch.params.type === 'string') types.push(branch.params.type);
    }
    if (values.length === 0 && types.length === 0) continue;
    for (const branch of branches) consumed.add(branch);
    allowedBy.set(union, { values, types });
  }
  const out: { instancePath: string; params: Record<string, unknown>; message: string }[] = [];
  for (const issue of issues) {
    if (consumed.has(issue)) continue;
    const union = allowedBy.get(issue);
    if (union) {
      const { values, types } = union;
      const listed = values.length === 1 ? `must be ${quoted(values)}` : `must be one of: ${quoted(values)}`;
      out.push({ instancePath: issue.instancePath, params: {}, message: values.length === 0 ? `must be ${types.join(' or ')}` : types.length === 0 ? listed : `${listed}, or ${types.join(' or ')}` });
      continue;
    }
    const allowedValues = issue.keyword === 'enum' && Array.isArray(issue.params.allowedValues) ? (issue.params.allowedValues as unknown[]) : null;
    out.push({ instancePath: issue.instancePath, params: issue.params, message: allowedValues ? `must be one of: ${quoted(allowedValues)}` : (issue.message ?? 'is invalid') });
  }
  return out;
}

function validationFields(error: FastifyError, request: FastifyRequest): FieldProblem[] {
  const part = error.validationContext ?? 'body';
  const schema = (request.routeOptions.schema as Record<string, unknown> | undefined)?.[part];
  return describeIssues((error.validation ?? []) as ValidationIssue[], schema).map((v) => {
    const params = v.params as { missingProperty?: string; additionalProperty?: string };
    const base = `${part}${v.instancePath.replace(/\//g, '.')}`;
    const path = params.missingProperty ? `${base}.${params.missingProperty}` : params.additionalProperty ? `${base}.${params.additionalProperty}` : base;
    return { path, message: v.message };
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
      const fields = validationFields(error, request);
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
