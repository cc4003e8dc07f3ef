/**
 * What the OpenAPI document says beyond the route schemas, derived once here so no route has to
 * restate it: a readable, unique `operationId` per operation (from method and path, unless the
 * route sets its own) and the request body of raw uploads (`consumes: ['application/octet-stream']`
 * without a JSON body schema).
 */
import type { SwaggerTransform } from '@fastify/swagger';
import type { FastifySchema } from 'fastify';

/** Path parameters (`:matterId`, `{matterId}`) and the API prefix are not part of a name. */
const PARAMETER = /^(?::|\{).*$/;

/** Last path segments that name an action rather than a resource (`POST /walls/{id}/lift` → `liftWall`). */
const ACTIONS = new Set([
  'accept',
  'acknowledge',
  'cancel',
  'check',
  'confirm',
  'decide',
  'disable',
  'enable',
  'export',
  'lift',
  'reencrypt',
  'review',
  'revoke',
  'rotate',
  'search',
  'setup',
  'shred',
  'sign',
  'unseal',
  'verify',
]);

/** Plural words that name one thing, not a collection to add to (`…/registration/options`). */
const NOT_COLLECTIONS = new Set(['options']);
/** Namespace words left out when they are all an action would name (`POST /auth/sign-in` → `signIn`). */
const NAMESPACES = new Set(['auth']);

const VERB_FOR_METHOD: Record<string, string> = { DELETE: 'delete', PATCH: 'update', PUT: 'set' };

const words = (segment: string): string[] => segment.split(/[-_.]/).filter(Boolean);
const pascal = (parts: string[]): string => parts.map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()).join('');
const camel = (parts: string[]): string => {
  const name = pascal(parts);
  return name.charAt(0).toLowerCase() + name.slice(1);
};
const isPlural = (word: string): boolean => word.length > 2 && word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us') && !NOT_COLLECTIONS.has(word);
function singular(word: string): string {
  if (!isPlural(word)) return word;
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.endsWith('sses')) return word.slice(0, -2);
  return word.slice(0, -1);
}

/**
 * `GET /api/v1/matters` → `listMatters`, `GET /api/v1/matters/{matterId}` → `getMatter`,
 * `POST /api/v1/matters/{matterId}/notes` → `createMatterNote`, `PATCH …/notes/{noteId}` →
 * `updateNote`, `PUT /matters/{matterId}/team/{userId}` → `setMatterTeamUser`,
 * `POST /walls/{id}/lift` → `liftWall`, `POST /records/{recordId}/check-out` → `checkOutRecord`.
 */
export function operationIdFor(method: string, url: string): string {
  const segments = url
    .replace(/^\/api\/v\d+/, '')
    .split('/')
    .filter(Boolean);
  const upper = method.toUpperCase();
  // Each resource word, singular when an id follows it (`matters/{matterId}` → Matter).
  const name: string[] = [];
  segments.forEach((segment, index) => {
    if (PARAMETER.test(segment)) return;
    const parts = words(segment);
    const followedById = index + 1 < segments.length && PARAMETER.test(segments[index + 1]!);
    if (followedById && parts.length > 0) parts[parts.length - 1] = singular(parts[parts.length - 1]!);
    name.push(...parts);
  });
  const last = segments.at(-1) ?? '';
  const endsWithId = PARAMETER.test(last);
  // An id that names something other than the segment before it (`team/{userId}`) is part of the name.
  if (endsWithId && segments.length > 1) {
    const idName = words(last.replace(/^[:{]|\}$/g, '').replace(/Id$/, ''))[0] ?? '';
    const before = name.at(-1) ?? '';
    if (idName && idName !== 'id' && idName.toLowerCase() !== before.toLowerCase()) name.push(idName);
  }
  if (name.length === 0) return camel([upper.toLowerCase(), 'root']);
  const lastWords = words(last);
  if (upper === 'POST' && !endsWithId && ACTIONS.has(lastWords[0] ?? '')) {
    // The action first, then what it acts on: `walls/{id}/lift` → liftWall, `clients/search` → searchClients.
    const acted = name.slice(0, name.length - lastWords.length);
    return camel([...lastWords, ...(acted.every((word) => NAMESPACES.has(word)) ? [] : acted)]);
  }
  if (upper === 'GET' || upper === 'HEAD') {
    const collection = !endsWithId && isPlural(name.at(-1) ?? '');
    return camel([collection ? 'list' : 'get', ...name]);
  }
  if (upper === 'POST') {
    // Posting to a collection creates one of it (`matters/{matterId}/notes` → createMatterNote).
    if (!endsWithId && name.length > 0) name[name.length - 1] = singular(name.at(-1)!);
    return camel(['create', ...name]);
  }
  return camel([VERB_FOR_METHOD[upper] ?? upper.toLowerCase(), ...name]);
}

/** The swagger `transform`: operation ids and raw upload bodies, without changing validation. */
export const describeOperation: SwaggerTransform = ({ schema, url, route }) => {
  const routeSchema = schema as (FastifySchema & { hide?: boolean; operationId?: string; consumes?: string[] }) | undefined;
  if (!routeSchema || routeSchema.hide === true) return { schema, url };
  const method = Array.isArray(route.method) ? (route.method[0] ?? 'GET') : route.method;
  const described = { ...routeSchema, operationId: routeSchema.operationId ?? operationIdFor(method, url) };
  // A streamed upload has no JSON body schema (Fastify must not parse it): describe the bytes.
  if (described.body === undefined && described.consumes?.includes('application/octet-stream')) {
    return { schema: { ...described, body: { type: 'string', format: 'binary', description: 'The file, as raw bytes (Content-Type: application/octet-stream)' } }, url };
  }
  return { schema: described, url };
};
