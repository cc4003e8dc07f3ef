/**
 * The OpenAPI document tells the truth about errors: every operation declares the error answers
 * it can give with the one error model, every operation with input declares 400, and every
 * operation that needs credentials declares 401 — and the server agrees about which those are.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';
import { DIALECTS } from '../../test-support/dialects.js';
import { ErrorResponse } from './errors-schema.js';

interface Operation {
  operationId?: string;
  security?: unknown[];
  parameters?: unknown[];
  requestBody?: unknown;
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

const withoutDescription = (schema: unknown): unknown => {
  const { description: _description, ...rest } = JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
  return rest;
};
const ERROR_MODEL = withoutDescription(ErrorResponse);

/** The statuses an operation declares with the shared error model. */
function errorStatuses(operation: Operation): string[] {
  return Object.entries(operation.responses ?? {})
    .filter(([status, response]) => /^[45]\d\d$/.test(status) && JSON.stringify(withoutDescription(response.content?.['application/json']?.schema ?? {})) === JSON.stringify(ERROR_MODEL))
    .map(([status]) => status);
}

describe.each(DIALECTS)('OpenAPI error responses on %s', (dialect) => {
  let instance: TestInstance;
  let operations: { method: string; path: string; operation: Operation }[];
  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    const doc = (await instance.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as { paths: Record<string, Record<string, Operation>> };
    operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, operation]) => ({ method, path, operation })));
  });
  afterAll(async () => instance?.close());

  it('every operation declares its errors with the one error model, and 400 when it takes input', () => {
    expect(operations.length).toBeGreaterThan(90);
    const problems: string[] = [];
    for (const { method, path, operation } of operations) {
      const statuses = errorStatuses(operation);
      if (statuses.length === 0) problems.push(`${method} ${path}: no error response with the error model`);
      const takesInput = (operation.parameters?.length ?? 0) > 0 || operation.requestBody !== undefined;
      if (takesInput && !statuses.includes('400')) problems.push(`${method} ${path}: takes input but does not declare 400`);
      if (operation.security === undefined && !statuses.includes('401')) problems.push(`${method} ${path}: needs credentials but does not declare 401`);
    }
    expect(problems).toEqual([]);
  });

  it('every operation has a readable operationId, unique across the document', () => {
    const missing = operations.filter(({ operation }) => typeof operation.operationId !== 'string' || !/^[a-z][A-Za-z0-9]+$/.test(operation.operationId)).map(({ method, path }) => `${method} ${path}`);
    expect(missing).toEqual([]);
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([]);
    const idOf = (method: string, path: string) => operations.find((o) => o.method === method && o.path === path)?.operation.operationId;
    expect(idOf('get', '/api/v1/matters')).toBe('listMatters');
    expect(idOf('get', '/api/v1/matters/{matterId}')).toBe('getMatter');
    expect(idOf('post', '/api/v1/matters/{matterId}/notes')).toBe('createMatterNote');
    expect(idOf('post', '/api/v1/walls/{id}/lift')).toBe('liftWall');
  });

  it('describes the raw body of every octet-stream upload', () => {
    const uploads = operations.filter(({ operation }) => JSON.stringify(operation.requestBody ?? {}).includes('application/octet-stream'));
    expect(uploads.map(({ method, path }) => `${method} ${path}`)).toEqual(expect.arrayContaining(['post /api/v1/matters/{matterId}/documents', 'post /api/v1/documents/{documentId}/versions']));
    for (const { operation } of uploads) {
      expect(operation.requestBody).toMatchObject({ required: true, content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } });
    }
  });

  it('the operations the document calls public are exactly those the server answers without credentials', async () => {
    const anyId = '00000000-0000-4000-8000-000000000000';
    const problems: string[] = [];
    for (const { method, path, operation } of operations) {
      // No body and no credentials: a public route refuses the missing input (400) or answers;
      // every other route is stopped by the authentication hook before it reads anything.
      const url = path.replace(/\{[^}]+\}/g, anyId);
      const response = await instance.app.inject({ method: method.toUpperCase() as 'GET', url });
      const refusedAsAnonymous = response.statusCode === 401 && (response.json() as { error: { code: string } }).error.code === 'UNAUTHENTICATED';
      const documentedPublic = Array.isArray(operation.security) && operation.security.length === 0;
      if (documentedPublic && refusedAsAnonymous) problems.push(`${method} ${path}: documented as public (security: []) but needs credentials`);
      if (!documentedPublic && !refusedAsAnonymous) problems.push(`${method} ${path}: answered ${response.statusCode} without credentials but is not documented as public`);
    }
    expect(problems).toEqual([]);
  });
});
