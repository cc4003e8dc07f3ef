/**
 * Generates web/src/api/schema.d.ts from the server's OpenAPI document, so the web app's types
 * cannot drift from the contracts the routes declare. The document is taken from the app built
 * in-process (a throw-away SQLite test instance: nothing listens, nothing outside a temp folder is
 * written). `npm run openapi:types` rewrites the file; `-- --check` exits 1 when it is stale (a
 * test does the same).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';
import { createTestInstance } from '../server/test-support/test-instance.js';

export const OPENAPI_TYPES_FILE = fileURLToPath(new URL('../web/src/api/schema.d.ts', import.meta.url));
export const REGENERATE_COMMAND = 'npm run openapi:types';

/** The OpenAPI document exactly as `GET /api/v1/openapi.json` answers it. */
export async function fetchOpenApiDocument(): Promise<Record<string, unknown>> {
  const instance = await createTestInstance('sqlite');
  try {
    const response = await instance.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    if (response.statusCode !== 200) throw new Error(`GET /api/v1/openapi.json answered ${response.statusCode}`);
    return response.json();
  } finally {
    await instance.close();
  }
}

interface OpenApiDocument {
  paths?: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>;
  components?: { schemas?: Record<string, unknown> };
}

const withoutDescription = (schema: unknown): string => {
  if (typeof schema !== 'object' || schema === null) return JSON.stringify(schema);
  const { description: _description, ...rest } = schema as Record<string, unknown>;
  return JSON.stringify(rest);
};

/**
 * Every operation repeats the one error model inline (with its own description); naming it once
 * as `components.schemas.ErrorResponse` keeps the generated file a tenth of the size and gives
 * the web client the type by name. Only exact copies of the model are replaced.
 */
export function hoistErrorModel(document: OpenApiDocument): OpenApiDocument {
  const copy = structuredClone(document);
  let model: string | null = null;
  for (const operations of Object.values(copy.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const media = response.content?.['application/json'];
        if (!/^[45]\d\d$/.test(status) || !media?.schema) continue;
        const candidate = withoutDescription(media.schema);
        model ??= candidate.includes('"requestId"') ? candidate : null;
        if (candidate === model) media.schema = { $ref: '#/components/schemas/ErrorResponse' };
      }
    }
  }
  if (model) copy.components = { ...copy.components, schemas: { ...copy.components?.schemas, ErrorResponse: JSON.parse(model) as unknown } };
  return copy;
}

export async function renderOpenApiTypes(document?: Record<string, unknown>): Promise<string> {
  const ast = await openapiTS(hoistErrorModel((document ?? (await fetchOpenApiDocument())) as OpenApiDocument) as never);
  const header = `${COMMENT_HEADER.replace(' */', ` * Generated from the server's OpenAPI document by \`${REGENERATE_COMMAND}\`.\n */`)}`;
  return `${header}${astToString(ast)}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const expected = await renderOpenApiTypes();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(OPENAPI_TYPES_FILE, 'utf8');
    } catch {
      // missing counts as stale
    }
    if (current !== expected) {
      process.stderr.write(`web/src/api/schema.d.ts is stale: run ${REGENERATE_COMMAND}\n`);
      process.exit(1);
    }
    process.stdout.write('web/src/api/schema.d.ts is current\n');
  } else {
    writeFileSync(OPENAPI_TYPES_FILE, expected);
    process.stdout.write('web/src/api/schema.d.ts updated\n');
  }
}
