import type { Config } from './config.ts';
import type { Db } from './db/database.ts';
import type { JobQueue } from './jobs/job-queue.ts';
import type { Clock } from './shared/clock.ts';
import type { Logger } from './shared/logger.ts';

/** What every service is built from: the edges of the system, nothing else. */
export interface AppContext {
  db: Db;
  config: Config;
  clock: Clock;
  logger: Logger;
  jobs: JobQueue;
}
