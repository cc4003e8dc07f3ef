import { mkdirSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { openBlobStore } from './blobs/open-blob-store.js';
import { systemClock, type Clock } from './clock.js';
import type { AppServices } from './context.js';
import { openDatabase } from './db/database.js';
import { createJobQueue } from './jobs/create-job-queue.js';
import { createLogger } from './logging/logger.js';
import { createMailer } from './mail/create-mailer.js';

export interface ServiceOverrides {
  clock?: Clock;
  logger?: Logger;
}

/** Opens everything a running instance needs, chosen by configuration. */
export function createServices(config: Config, overrides: ServiceOverrides = {}): AppServices {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const logger = overrides.logger ?? createLogger(config);
  const database = openDatabase(config);
  return {
    config,
    database,
    blobs: openBlobStore(config),
    jobs: createJobQueue(config, database, logger),
    mailer: createMailer(config),
    clock: overrides.clock ?? systemClock,
    logger,
  };
}

export async function closeServices(services: AppServices): Promise<void> {
  await services.jobs.stop();
  await services.blobs.close?.();
  await services.mailer.close?.();
  await services.database.close();
}
