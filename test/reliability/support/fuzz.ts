/**
 * Property-based API fuzzer driven by the OpenAPI document. For every operation it generates
 * valid-looking and malformed requests — wrong types, huge strings, deep JSON, unicode edge
 * cases, path traversal in ids, bad ranges, forged ids, truncated bodies — sends them through
 * `app.inject` as different actors, and checks after each one:
 *   - no 5xx;
 *   - every non-2xx answer has the one error model with a code from common/error-codes.ts whose
 *     status matches the answer's;
 *   - a rejected request changed nothing: the count of 'allowed' audit events and the content of
 *     every business table are the same as before it.
 * Failures are collected across operations (fast-check shrinks each to a small request) so one
 * run reports every broken operation, not just the first.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import { ERROR_CODES } from '../../../common/error-codes.js';
import { PERMISSIONS } from '../../../common/permissions.js';
import type { TestInstance } from '../../../server/test-support/test-instance.js';
import type { World } from './world.js';

type Schema = Record<string, unknown> & {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  format?: string;
};

interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
  schema: Schema;
}

export interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  parameters: Parameter[];
  body: Schema | null;
  /** Raw upload (the documents endpoints take the file as the body). */
  rawBody: boolean;
}

export interface FuzzRequest {
  actor: string;
  method: Operation['method'];
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
}

export interface FuzzFailure {
  operation: string;
  problem: string;
  request: string;
}

/** Operations whose success would end the fuzzing actor's own access; they are fuzzed, but with forged ids only. */
const SELF_DESTRUCTIVE = /\/auth\/sign-out$|\/keys\/(shred|rotate)$|\/keys\/master\/rotate$|\/users\/\{id\}\/(disable|sessions\/revoke-all)$|\/auth\/sessions\/revoke-others$|\/auth\/mfa\/totp$/;

export function operationsOf(document: { paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema: Schema }> } }>> }): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const parameters = operation.parameters ?? [];
      const body = operation.requestBody?.content?.['application/json']?.schema ?? null;
      operations.push({ method: method.toUpperCase() as Operation['method'], path, parameters, body, rawBody: parameters.some((p) => p.in === 'header' && p.name === 'x-document-name') });
    }
  }
  return operations;
}

// Strings an attacker tries: traversal, encodings, injection, unicode edge cases, huge.
const NASTY_STRINGS = [
  '',
  ' ',
  '../../../../etc/passwd',
  '..%2F..%2F..%2Fetc%2Fpasswd',
  '%2e%2e%2f%2e%2e%2f',
  '..\\..\\windows\\win.ini',
  '\u0000',
  'a\u0000b',
  '\uD800',
  '\uFEFF',
  '\u202Eevil',
  'ｆｕｌｌｗｉｄｔｈ',
  'e\u0301\u0301\u0301',
  '😀'.repeat(200),
  "' OR 1=1 --",
  '"; drop table vault_clients; --',
  '<img src=x onerror=alert(1)>',
  '${7*7}{{7*7}}',
  'javascript:alert(1)',
  '//evil.example',
  'https://evil.example/',
  '-1',
  '0',
  '1e309',
  'NaN',
  'null',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'x'.repeat(10_000),
];

const uuidish = fc.uuid();

function idArbitrary(world: World, instanceIds: string[]): fc.Arbitrary<string> {
  const mine = [world.a.clientId, world.a.matterId, world.a.documentId, world.a.noteId, world.a.recordId, world.alice.id, world.wallId];
  const others = [world.b.clientId, world.b.matterId, world.b.documentId, world.b.noteId, world.b.recordId, world.bob.id, world.admin.id];
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...mine, ...others) },
    { weight: 2, arbitrary: instanceIds.length ? fc.constantFrom(...instanceIds) : uuidish },
    { weight: 2, arbitrary: uuidish },
    { weight: 2, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.constantFrom(...mine).map((id) => id.toUpperCase()) },
    { weight: 1, arbitrary: fc.constantFrom(...mine).map((id) => `${id}/../${id}`) },
  );
}

/** A value that satisfies `schema` most of the time (ids drawn from the world so they resolve). */
function valid(schema: Schema, ids: fc.Arbitrary<string>, depth = 0): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const union = schema.anyOf ?? schema.oneOf;
  if (union?.length) return fc.oneof(...union.map((s) => valid(s, ids, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string': {
      if (schema.pattern?.includes('[0-9a-f]{8}')) return ids;
      if (schema.pattern?.includes('A-Za-z0-9_-')) return fc.string({ minLength: 1, maxLength: 40 }).map((s) => Buffer.from(s).toString('base64url') || 'eA');
      if (schema.format === 'email' || /email/i.test(String(schema.description ?? ''))) return fc.emailAddress();
      const max = Math.min(schema.maxLength ?? 60, 60);
      return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.max(max, schema.minLength ?? 0), unit: 'grapheme' });
    }
    case 'integer':
      return fc.integer({ min: typeof schema.minimum === 'number' ? schema.minimum : -10, max: typeof schema.maximum === 'number' ? Math.min(schema.maximum, 2 ** 40) : 2 ** 40 });
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return depth > 4 ? fc.constant([]) : fc.array(valid(schema.items ?? {}, ids, depth + 1), { maxLength: 3 });
    case 'object': {
      if (depth > 4 || !schema.properties) return fc.constant({});
      const required = new Set(schema.required ?? []);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, property] of Object.entries(schema.properties)) record[key] = valid(property, ids, depth + 1);
      return fc.record(record, { requiredKeys: [...required].filter((key) => key in record) });
    }
    case undefined:
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Wrong for `schema`: another type, an out-of-range or huge value, an attack string. */
const malformed: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...NASTY_STRINGS),
  fc.constantFrom(null, true, false, 0, -1, 2 ** 53, -(2 ** 63), 1e308, -0, [], {}, [[[[]]]], { $gt: '' }, { __proto__: { admin: true } }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.integer({ min: 20_000, max: 2_000_000 }).map((n) => 'A'.repeat(n)),
);

/** A body close to valid with one field broken, removed or added. */
function mutated(schema: Schema, ids: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  return fc.tuple(valid(schema, ids), fc.nat(), malformed, fc.constantFrom('replace', 'remove', 'add')).map(([value, pick, bad, how]) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return bad;
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(schema.properties ?? {});
    const key = keys.length ? keys[pick % keys.length]! : 'x';
    if (how === 'replace') copy[key] = bad;
    else if (how === 'remove') delete copy[key];
    else copy[`unexpected${pick % 5}`] = bad;
    return copy;
  });
}

const deepJson = fc.integer({ min: 100, max: 20_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth));

/** Raw body shapes that are not the JSON the schema wants. */
const brokenBody: fc.Arbitrary<{ payload: string | Buffer; contentType: string }> = fc.oneof(
  fc.jsonValue().map((v) => ({ payload: JSON.stringify(v).slice(0, -1) || '{', contentType: 'application/json' })),
  deepJson.map((payload) => ({ payload, contentType: 'application/json' })),
  fc.constant({ payload: '{"a":'.repeat(5000), contentType: 'application/json' }),
  fc.constant({ payload: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), contentType: 'application/json' }),
  fc.constant({ payload: 'x'.repeat(1024 * 1024 + 10), contentType: 'application/json' }),
  fc.constant({ payload: `{"name":"${'x'.repeat(1024 * 1024)}"}`, contentType: 'application/json' }),
  fc.constant({ payload: '--b\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.7 trunc', contentType: 'multipart/form-data; boundary=b' }),
  fc.constant({ payload: 'name=x&kind=person', contentType: 'application/x-www-form-urlencoded' }),
  fc.constant({ payload: '<xml/>', contentType: 'text/xml' }),
  fc.constant({ payload: '{"kind":"person","name":"x"}', contentType: 'text/plain' }),
  fc.constant({ payload: '', contentType: 'application/json' }),
);

const rangeHeader = fc.oneof(
  fc.constantFrom('bytes=0-0', 'bytes=-1', 'bytes=0-', 'bytes=5-1', 'bytes=99999999-', 'bytes=-0', 'bytes=0-1,2-3', 'bytes=abc', 'items=0-1', 'bytes=-99999999999999999999', 'bytes=1-2-3', 'bytes= 0 - 1'),
  fc.tuple(fc.integer({ min: -5, max: 3000 }), fc.integer({ min: -5, max: 3000 })).map(([a, b]) => `bytes=${a}-${b}`),
);

function queryValue(parameter: Parameter, ids: fc.Arbitrary<string>): fc.Arbitrary<string | undefined> {
  const good = valid(parameter.schema, ids).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  return fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 3, arbitrary: good }, { weight: 2, arbitrary: malformed.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))) });
}

export function requestArbitrary(operation: Operation, world: World, actorNames: string[], instanceIds: string[]): fc.Arbitrary<FuzzRequest> {
  const ids = idArbitrary(world, instanceIds);
  const destructive = SELF_DESTRUCTIVE.test(operation.path) || (operation.method === 'DELETE' && operation.path.startsWith('/api/v1/auth/'));
  const pathIds = destructive ? fc.oneof(uuidish, fc.constantFrom(...NASTY_STRINGS)) : ids;
  const pathParameters = operation.parameters.filter((p) => p.in === 'path');
  const queryParameters = operation.parameters.filter((p) => p.in === 'query');
  const headerParameters = operation.parameters.filter((p) => p.in === 'header');

  const path = fc.tuple(...pathParameters.map(() => fc.tuple(pathIds, fc.boolean()))).map((values) => {
    let url = operation.path;
    pathParameters.forEach((parameter, index) => {
      const [value, encode] = values[index]!;
      // Unencoded values carry raw traversal and slashes to the router, as an attacker would.
      url = url.replace(`{${parameter.name}}`, encode ? encodePathValue(value) : value.replace(/[#?\s]/g, encodeURIComponent));
    });
    return url;
  });
  const query = fc
    .tuple(fc.tuple(...queryParameters.map((p) => queryValue(p, ids))), fc.option(fc.tuple(fc.constantFrom('x', '__proto__', 'limit', 'after', 'admin'), fc.string({ maxLength: 10 })), { nil: undefined }))
    .map(([values, extra]) => {
      const search = new URLSearchParams();
      queryParameters.forEach((parameter, index) => {
        const value = values[index];
        if (value !== undefined) search.append(parameter.name, value.slice(0, 5000));
      });
      if (extra) search.append(extra[0], extra[1]);
      const text = search.toString();
      return text ? `?${text}` : '';
    });

  type Body = { payload?: string | Buffer; contentType?: string };
  let body: fc.Arbitrary<Body> = fc.constant({});
  if (operation.rawBody) {
    body = fc.oneof(
      fc.uint8Array({ maxLength: 2048 }).map((bytes) => ({ payload: Buffer.from(bytes), contentType: 'application/octet-stream' })),
      fc.constant({ payload: Buffer.alloc(0), contentType: 'application/octet-stream' }),
      brokenBody,
    );
  } else if (operation.body) {
    const schema = operation.body;
    body = fc.oneof(
      { weight: 3, arbitrary: valid(schema, ids).map((v) => ({ payload: JSON.stringify(v), contentType: 'application/json' })) },
      { weight: 3, arbitrary: mutated(schema, ids).map((v) => ({ payload: JSON.stringify(v) ?? 'null', contentType: 'application/json' })) },
      { weight: 2, arbitrary: brokenBody },
    );
  } else if (operation.method !== 'GET') {
    body = fc.oneof(fc.constant({}), brokenBody);
  }
  const headers = fc.record(
    {
      name: fc.oneof(
        valid(headerParameters.find((p) => p.name === 'x-document-name')?.schema ?? { type: 'string' }, ids).map(String),
        fc.constantFrom('', '====', 'not base64!', Buffer.from('../../etc/passwd').toString('base64url'), Buffer.from('a\u0000b.pdf').toString('base64url'), 'A'.repeat(800)),
      ),
      range: rangeHeader,
    },
    { requiredKeys: [] },
  );
  return fc.record({ actor: fc.constantFrom(...actorNames), path, query, body, headers }).map(({ actor, path: url, query: search, body: b, headers: h }) => {
    const extra: Record<string, string> = {};
    if (h.name !== undefined && operation.rawBody) extra['x-document-name'] = h.name;
    if (h.range !== undefined && operation.method === 'GET') extra.range = h.range;
    if (b.contentType) extra['content-type'] = b.contentType;
    return { actor, method: operation.method, url: url + search, headers: extra, ...(b.payload !== undefined ? { payload: b.payload } : {}) };
  });
}

// Tables a rejected request may legitimately touch: the audit log (denials are recorded), failed
// sign-in throttles, and session/challenge bookkeeping.
const VOLATILE_TABLES = /^(audit_|identity_throttles$|identity_challenges$|identity_sessions$|kysely_)/;
const VOLATILE_COLUMNS = /^last_(used|seen)_at$|^last_used_ip$/;

export interface StateProbe {
  tables: string[];
  fingerprint(): Promise<string>;
  /** Per table (and `allowed-change-events`): a digest of its rows, for naming what changed. */
  digests(): Promise<Record<string, string>>;
}

/** Fingerprint of every business row plus the number of 'allowed' change events in the audit log. */
export async function stateProbe(instance: TestInstance): Promise<StateProbe> {
  const db = instance.services.database.db;
  const tables = (await db.introspection.getTables()).map((t) => t.name).filter((name) => !VOLATILE_TABLES.test(name)).sort();
  const digests = async () => {
    const out: Record<string, string> = {};
    for (const table of tables) {
      const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
      const lines = rows.rows.map((row) => JSON.stringify(Object.entries(row).filter(([k]) => !VOLATILE_COLUMNS.test(k)), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : Buffer.isBuffer(v) ? v.toString('hex') : v))).sort();
      out[table] = `${rows.rows.length}:${createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16)}`;
    }
    // Access decisions (action = a permission name) are recorded before the work is attempted, by
    // design ("allowed to try"); the events that record a change must not appear for a rejection.
    const allowed = await db
      .selectFrom('audit_event')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('outcome', '=', 'allowed')
      .where('action', 'not in', [...PERMISSIONS])
      .executeTakeFirst();
    out['allowed-change-events'] = String(allowed?.n);
    return out;
  };
  return {
    tables,
    digests,
    async fingerprint() {
      return createHash('sha256').update(JSON.stringify(await digests())).digest('hex');
    },
  };
}

/** The entries of `after` that differ from `before` (empty when nothing changed). */
export function changedTables(before: Record<string, string>, after: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(after).filter(([k, v]) => before[k] !== v).map(([k, v]) => [k, `${before[k]} → ${v}`]));
}

/** Checks one response; returns the problem, or null when it is acceptable. */
export function judge(status: number, contentType: string | undefined, body: string): string | null {
  if (status >= 500) return `server error ${status}: ${body.slice(0, 300)}`;
  if (status < 400) return null;
  if (!contentType?.startsWith('application/json')) return `error ${status} without the JSON error model (${contentType})`;
  let parsed: { error?: { code?: string; message?: string; requestId?: string } };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    return `error ${status} with a body that is not JSON`;
  }
  const code = parsed.error?.code;
  if (!code || !(code in ERROR_CODES)) return `error ${status} with unknown code ${String(code)}`;
  if (ERROR_CODES[code as keyof typeof ERROR_CODES] !== status) return `code ${code} answered with ${status}, expected ${ERROR_CODES[code as keyof typeof ERROR_CODES]}`;
  if (typeof parsed.error?.message !== 'string' || typeof parsed.error.requestId !== 'string') return `error ${status} without message/requestId`;
  return null;
}

export function describeRequest(request: FuzzRequest): string {
  const payload = request.payload === undefined ? '' : ` body=${(Buffer.isBuffer(request.payload) ? `<${request.payload.length} bytes>` : request.payload.length > 200 ? `${request.payload.slice(0, 200)}…(${request.payload.length})` : request.payload)}`;
  return `${request.actor} ${request.method} ${request.url.slice(0, 300)} ${JSON.stringify(request.headers).slice(0, 200)}${payload}`;
}

export interface FuzzOptions {
  runsPerOperation: number;
  seed: number;
  /** Actor name → headers to add (anonymous: {}). */
  actors: Record<string, Record<string, string>>;
  /** Check the state fingerprint after rejected requests (the slow part). */
  checkState?: boolean;
}

export async function fuzzOperations(instance: TestInstance, world: World, operations: Operation[], options: FuzzOptions): Promise<{ requests: number; failures: FuzzFailure[]; statuses: Record<string, number> }> {
  const probe = await stateProbe(instance);
  const statuses: Record<string, number> = {};
  const failures: FuzzFailure[] = [];
  let requests = 0;
  const db = instance.services.database.db;
  const instanceIds = (await sql<{ id: string }>`select id from audit_alert union select id from identity_api_tokens union select id from identity_sessions`.execute(db).catch(() => ({ rows: [] as { id: string }[] }))).rows.map((r) => r.id);
  let before = options.checkState === false ? '' : await probe.fingerprint();
  for (const operation of operations) {
    const name = `${operation.method} ${operation.path}`;
    const result = await fc.check(
      fc.asyncProperty(requestArbitrary(operation, world, Object.keys(options.actors), instanceIds), async (request) => {
        requests += 1;
        const response = await instance.app.inject({ method: request.method, url: request.url, headers: { ...options.actors[request.actor], ...request.headers }, ...(request.payload !== undefined ? { payload: request.payload } : {}) });
        const key = `${response.statusCode}`;
        statuses[key] = (statuses[key] ?? 0) + 1;
        const problem = judge(response.statusCode, response.headers['content-type'] as string | undefined, response.body);
        if (problem) throw new Error(problem);
        if (options.checkState !== false) {
          const after = await probe.fingerprint();
          const changed = after !== before;
          before = after;
          if (changed && response.statusCode >= 400) throw new Error(`rejected with ${response.statusCode} ${response.body.slice(0, 200)} but state changed`);
        }
      }),
      { numRuns: options.runsPerOperation, seed: options.seed, endOnFailure: false, maxSkipsPerRun: 10 },
    );
    if (result.failed) {
      const counterexample = result.counterexample?.[0] as FuzzRequest | undefined;
      failures.push({ operation: name, problem: result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance), request: counterexample ? describeRequest(counterexample) : '?' });
      // Shrinking may have left the state moved on: re-baseline.
      if (options.checkState !== false) before = await probe.fingerprint();
    }
  }
  return { requests, failures, statuses };
}

/**
 * encodeURIComponent, but a lone surrogate (which it refuses with "URI malformed") goes out as
 * U+FFFD — what a browser or `fetch` would send — so such values still reach the server.
 */
function encodePathValue(value: string): string {
  return encodeURIComponent(value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'));
}
