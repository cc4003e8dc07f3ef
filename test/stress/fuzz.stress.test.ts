import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../server/test-support/dialects.js';
import { createTestInstance, type TestInstance } from '../../server/test-support/test-instance.js';
import { fuzzOperations, operationsOf } from '../reliability/support/fuzz.js';
import { buildWorld, type World } from '../reliability/support/world.js';

// ≥ 50,000 requests per dialect: 470 per operation over ~108 operations (FUZZ_RUNS to change).
const RUNS = Number(process.env.FUZZ_RUNS ?? 470);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);

describe.each(DIALECTS)('OpenAPI-driven fuzzer, long run, on %s', (dialect) => {
  let instance: TestInstance;
  let world: World;
  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    world = await buildWorld(instance);
  });
  afterAll(async () => instance?.close());

  it(`${RUNS} requests per operation (seed ${SEED})`, async () => {
    const operations = operationsOf((await instance.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json());
    const actors = { anonymous: {}, alice: world.alice.headers, bob: world.bob.headers, walled: world.walled.headers, admin: world.admin.headers, compliance: world.compliance.headers, 'alice-cookie-no-csrf': { cookie: world.aliceSession.cookie } };
    // The state fingerprint after every request is the slow part; the long run checks it too.
    const { requests, failures, statuses } = await fuzzOperations(instance, world, operations, { runsPerOperation: RUNS, seed: SEED, actors });
    console.info(`fuzz (long) ${dialect}: ${requests} requests, statuses ${JSON.stringify(statuses)}`);
    expect(requests).toBeGreaterThanOrEqual(Math.min(50_000, RUNS * operations.length));
    expect(failures, failures.map((f) => `${f.operation}: ${f.problem}\n    ${f.request}`).join('\n')).toEqual([]);
  });
});
