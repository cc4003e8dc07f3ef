import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { Database } from '../db/database.js';
import { InProcessQueue } from './in-process-queue.js';
import type { JobQueue } from './job-queue.js';

export function createJobQueue(_config: Config, _database: Database, logger: Logger): JobQueue {
  return new InProcessQueue(logger);
}
