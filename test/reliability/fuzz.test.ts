import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../server/test-support/dialects.js';
import { createTestInstance, type TestInstance } from '../../server/test-support/test-instance.js';
import { fuzzOperations, operationsOf } from './support/fuzz.js';
import { buildWorld, type World } from './support/world.js';

// CI size: 15 requests per operation per dialect (about 1,600 per dialect, 3,200 with PostgreSQL);
// test:stress runs ≥ 50,000 per dialect.
const RUNS = Number(process.env.FUZZ_RUNS ?? 15);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);

describe.each(DIALECTS)('OpenAPI-driven fuzzer on %s', (dialect) => {
  let instance: TestInstance;
  let world: World;
  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    world = await buildWorld(instance);
  });
  afterAll(async () => instance?.close());

  it(`every operation: no 5xx, stable error codes, no state change when rejected (seed ${SEED})`, async () => {
    const document = (await instance.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    const operations = operationsOf(document);
    expect(operations.length).toBeGreaterThan(90);
    const actors = {
      anonymous: {},
      alice: world.alice.headers,
      bob: world.bob.headers,
      walled: world.walled.headers,
      admin: world.admin.headers,
      compliance: world.compliance.headers,
      // A browser session without the CSRF header: every write must be refused.
      'alice-cookie-no-csrf': { cookie: world.aliceSession.cookie },
    };
    const { requests, failures, statuses } = await fuzzOperations(instance, world, operations, { runsPerOperation: RUNS, seed: SEED, actors });
    console.info(`fuzz ${dialect}: ${requests} requests over ${operations.length} operations, statuses ${JSON.stringify(statuses)}`);
    expect(failures, failures.map((f) => `${f.operation}: ${f.problem}\n    ${f.request}`).join('\n')).toEqual([]);
  }, 600_000);
});
