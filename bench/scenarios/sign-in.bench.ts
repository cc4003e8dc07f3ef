/**
 * Password sign-ins per second (and per core) through the whole stack — HTTP, throttle check,
 * argon2id verify, session insert, audited in the same transaction — against the argon2id verify
 * alone at the same concurrency, in the same run: the hash is the limit by design, so the ratio
 * says how much the rest costs. Keycloak's published sizing: 15 password logins/s per vCPU.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pino from 'pino';
import { buildApp } from '../../server/app.js';
import { testConfig } from '../../server/config.js';
import { systemContext } from '../../server/platform/context.js';
import { migrateToLatest } from '../../server/platform/db/migrate.js';
import { isInitialized, markInitialized } from '../../server/platform/instance.js';
import { createLogger } from '../../server/platform/logging/logger.js';
import { closeServices, createServices } from '../../server/platform/services.js';
import { MODULES } from '../../server/modules/registry.js';
import { createUser } from '../../server/modules/identity/index.js';
import { hashPassword, verifyPassword, ARGON2_OPTIONS } from '../../server/modules/identity/passwords.js';
import type { BenchRow, BenchScenario } from '../harness.js';

const PASSWORD = 'benchmark passphrase that is long 77';
// Enough requests in flight to keep libuv's hashing threads busy, as many clients would.
const CONCURRENCY = 4;

async function hashOnly(seconds: number): Promise<number> {
  const stored = await hashPassword(PASSWORD);
  const deadline = Date.now() + seconds * 1000;
  let done = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < deadline) {
        if (!(await verifyPassword(stored, PASSWORD))) throw new Error('verify failed');
        done++;
      }
    }),
  );
  return done / ((Date.now() - started) / 1000);
}

const scenario: BenchScenario = {
  name: 'sign-in',
  description: 'password sign-ins/s through POST /api/v1/auth/sign-in vs argon2id verify alone (same concurrency)',
  async run({ quick }) {
    const seconds = quick ? 3 : 10;
    const cores = availableParallelism();
    const dataDir = mkdtempSync(join(tmpdir(), 'confidant-bench-'));
    const config = testConfig(dataDir, { RATE_LIMIT_PER_MINUTE: '1000000', LOG_LEVEL: 'info' });
    const services = createServices(config, { logger: createLogger(config, pino.destination({ dest: '/dev/null', sync: false })) });
    await migrateToLatest(services.database);
    if (!(await isInitialized(services.database.db))) {
      for (const module of MODULES) await module.init?.(services);
      await markInitialized(services.database.db, services.clock.now());
    }
    await createUser(systemContext(services, 'bench'), { email: 'bench@firm.example', name: 'Bench User', role: 'attorney', password: PASSWORD });
    const app = await buildApp(services, { webRoot: null });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      await hashOnly(1);
      const baseline = await hashOnly(seconds);
      const result = await autocannon({
        url: `${url}/api/v1/auth/sign-in`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'bench@firm.example', password: PASSWORD }),
        connections: CONCURRENCY,
        duration: seconds,
        workers: 0,
      });
      const errors = result.errors + result.timeouts + result.non2xx;
      if (errors > 0) throw new Error(`${errors} sign-ins failed`);
      const rps = result.requests.total / seconds;
      const rows: BenchRow[] = [
        {
          metric: `password sign-ins, ${CONCURRENCY} concurrent (argon2id m=${ARGON2_OPTIONS.memoryCost} KiB t=${ARGON2_OPTIONS.timeCost} p=${ARGON2_OPTIONS.parallelism})`,
          value: rps,
          unit: 'sign-ins/s',
          baseline: { name: 'argon2id verify alone', value: baseline },
          ratio: rps / baseline,
          target: '≥ 0.75×',
          note: `${(rps / cores).toFixed(1)}/s per core on ${cores} cores (Keycloak sizing: 15/s per vCPU); p99 ${result.latency.p99} ms`,
        },
      ];
      return rows;
    } finally {
      await app.close();
      await closeServices(services);
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};

export default scenario;
