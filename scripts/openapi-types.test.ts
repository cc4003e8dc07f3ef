import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { OPENAPI_TYPES_FILE, REGENERATE_COMMAND, renderOpenApiTypes } from './openapi-types.js';

/** The first line that differs, so a stale file names what changed without a 12,000-line diff. */
function firstDifference(committed: string, expected: string): string {
  const a = committed.split('\n');
  const b = expected.split('\n');
  const line = a.findIndex((text, i) => text !== b[i]);
  const at = line === -1 ? a.length : line;
  return `line ${at + 1}: committed ${JSON.stringify(a[at] ?? '(end of file)')}, generated ${JSON.stringify(b[at] ?? '(end of file)')}`;
}

describe('web/src/api/schema.d.ts', () => {
  let expected: string;
  beforeAll(async () => {
    expected = await renderOpenApiTypes();
  });

  it(`is current with the routes' OpenAPI document (run \`${REGENERATE_COMMAND}\` after changing a route schema)`, () => {
    const committed = readFileSync(OPENAPI_TYPES_FILE, 'utf8');
    const stale = committed !== expected;
    expect(stale, stale ? `web/src/api/schema.d.ts is stale: run \`${REGENERATE_COMMAND}\` and commit the result (${firstDifference(committed, expected)})` : '').toBe(false);
  });

  it('describes the routes the web app calls, and the one error model by name', () => {
    expect(expected).toContain('"/api/v1/auth/session": {');
    expect(expected).toContain('"/api/v1/matters/{matterId}/team": {');
    expect(expected).toContain('"application/json": components["schemas"]["ErrorResponse"];');
    expect(expected).toMatch(/ErrorResponse: \{\s+error: \{\s+code: string;\s+message: string;\s+requestId: string;/);
  });
});
