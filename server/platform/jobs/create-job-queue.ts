import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { Database } from '../db/database.js';
import { InProcessQueue } from './in-process-queue.js';
import type { JobQueue } from './job-queue.js';
import { PgBossQueue } from './pg-boss-queue.js';

/** In-process on the embedded default (SQLite); pg-boss in the same database on PostgreSQL. */
export function createJobQueue(config: Config, database: Database, logger: Logger): JobQueue {
  if (database.kind === 'postgres') return new PgBossQueue(config.database.url, logger);
  return new InProcessQueue(logger);
}
