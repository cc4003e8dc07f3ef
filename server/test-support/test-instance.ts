/**
 * A whole Confidant instance for a test: its own data folder and database (SQLite or PostgreSQL),
 * migrated and initialized like `confidant init`, with the Fastify app ready for `inject`.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.js';
import { testConfig, type Config } from '../config.js';
import { ManualClock, type Clock } from '../platform/clock.js';
import type { AppServices, RequestContext } from '../platform/context.js';
import { systemContext } from '../platform/context.js';
import { migrateToLatest } from '../platform/db/migrate.js';
import { isInitialized, markInitialized } from '../platform/instance.js';
import { createLogger } from '../platform/logging/logger.js';
import { closeServices, createServices } from '../platform/services.js';
import { composeModules, MODULES } from '../modules/registry.js';
import { createTestDatabase, type Dialect, type TestDatabase } from './dialects.js';

export interface TestInstance {
  dialect: Dialect;
  config: Config;
  services: AppServices;
  app: FastifyInstance;
  clock: Clock;
  database: TestDatabase;
  /** A system context for calling services directly. */
  system(name?: string): RequestContext;
  close(): Promise<void>;
}

export interface TestInstanceOptions {
  env?: Record<string, string>;
  clock?: Clock;
  /** Build the HTTP app (default true). */
  http?: boolean;
}

export async function createTestInstance(dialect: Dialect, options: TestInstanceOptions = {}): Promise<TestInstance> {
  const database = await createTestDatabase(dialect);
  const config = testConfig(database.dataDir, { DATABASE_URL: database.url, RATE_LIMIT_PER_MINUTE: '100000', RATE_LIMIT_PER_ACCOUNT_PER_MINUTE: '100000', ...options.env });
  const clock = options.clock ?? new ManualClock(Date.now());
  const services = createServices(config, { clock, logger: createLogger({ logLevel: testLogLevel() }) });
  composeModules(services);
  await migrateToLatest(services.database);
  if (!(await isInitialized(services.database.db))) {
    for (const module of MODULES) await module.init?.(services);
    await markInitialized(services.database.db, clock.now());
  }
  const app = options.http === false ? (null as unknown as FastifyInstance) : await buildApp(services, { webRoot: null, logRequests: false });
  if (app) await app.ready();
  return {
    dialect,
    config,
    services,
    app,
    clock,
    database,
    system: (name = 'test') => systemContext(services, name),
    close: async () => {
      if (app) await app.close();
      await closeServices(services);
      await database.drop();
    },
  };
}

/** `TEST_LOG_LEVEL=error npx vitest run …` shows a test instance's log (silent by default). */
function testLogLevel(): Config['logLevel'] {
  const level = process.env.TEST_LOG_LEVEL;
  return level === 'fatal' || level === 'error' || level === 'warn' || level === 'info' || level === 'debug' || level === 'trace' ? level : 'silent';
}
