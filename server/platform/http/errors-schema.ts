/**
 * The one error model in the OpenAPI document, and the helper every route uses to declare the
 * error answers it can give: `response: { 200: X, ...errorResponses(400, 401, 404) }`.
 * Each status is described by the error codes that answer with it (from common/error-codes.ts),
 * so the document names them without anyone restating the list.
 */
import { Type, type TObject } from 'typebox';
import { ERROR_CODES, type ErrorCode } from '../../../common/error-codes.js';

const errorProperties = {
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    requestId: Type.String(),
    fields: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
  }),
};

/** `{ error: { code, message, requestId, fields? } }`: what every failing API call returns. */
export const ErrorResponse = Type.Object(errorProperties, { description: 'The one error model' });
export type ErrorResponseSchema = TObject<typeof errorProperties>;

/** An HTTP status some error code answers with. */
export type ErrorStatus = (typeof ERROR_CODES)[ErrorCode];

const MEANING: Record<ErrorStatus, string> = {
  400: 'Invalid input (the fields say which) or a malformed request',
  401: 'Not signed in, or a second factor (or a fresh one) is needed',
  403: 'Refused: missing CSRF header, a gate or role rule, or separation of duties',
  404: 'Not found, or not yours to see (the two look the same)',
  405: 'Method not allowed',
  408: 'The request took too long',
  409: 'Conflicts with the current state',
  410: "The client's key was destroyed (crypto-shredded)",
  413: 'The body is too large',
  414: 'A path parameter is too long',
  415: 'Unsupported content type',
  416: 'The range cannot be satisfied',
  429: 'Too many requests, or too many failed attempts',
  500: 'Internal error (details are logged, never returned)',
  502: 'Stored data failed its integrity check',
  503: 'Sealed, or a storage or audit service is unavailable',
};

function codesAnswering(status: ErrorStatus): ErrorCode[] {
  return (Object.keys(ERROR_CODES) as ErrorCode[]).filter((code) => ERROR_CODES[code] === status);
}

const byStatus = new Map<ErrorStatus, ErrorResponseSchema>();
function errorResponseFor(status: ErrorStatus): ErrorResponseSchema {
  let schema = byStatus.get(status);
  if (!schema) {
    schema = Type.Object(errorProperties, { description: `${MEANING[status]} (${codesAnswering(status).join(', ')})` });
    byStatus.set(status, schema);
  }
  return schema;
}

/** `{ [status]: ErrorResponse }` for each status given, each with its own description. */
export function errorResponses<const S extends readonly ErrorStatus[]>(...statuses: S): { [K in S[number]]: ErrorResponseSchema } {
  return Object.fromEntries(statuses.map((status) => [status, errorResponseFor(status)])) as { [K in S[number]]: ErrorResponseSchema };
}

/**
 * What the platform itself can answer on any route under /api, before the handler: 429 (rate
 * limit) and 503 (sealed, or a storage service unreachable). The health routes, open when sealed
 * and touching nothing, list their own.
 */
export const PLATFORM_ERRORS = [429, 503] as const;
/**
 * What a route that needs a signed-in actor can answer besides: 401 (not signed in, MFA missing
 * or not fresh) and 403 (CSRF header missing on a write, API token without the scope, role).
 */
export const SIGNED_IN_ERRORS = [401, 403, ...PLATFORM_ERRORS] as const;

/**
 * Spread into the schema of every route marked `config: { public: true }`: the OpenAPI document
 * then says it needs no credentials (`security: []`), and every other operation is taken to need
 * them and must declare 401 (checked by openapi.routes.test.ts against what the server answers).
 */
export const PUBLIC = { security: [] as Array<Record<string, string[]>> };
