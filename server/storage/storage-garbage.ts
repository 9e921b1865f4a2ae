import type { Db, DbExecutor } from '../db/database.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { JobHandler } from '../jobs/job-worker.ts';
import type { Clock } from '../shared/clock.ts';
import type { MediaStorage } from './media-storage.ts';

export const COLLECT_GARBAGE_JOB = 'storage.collect-garbage';

/** Objects whose rows are gone are deleted from storage by a durable job, never inline, so a failed delete is retried. */
export class StorageGarbage {
  constructor(
    private readonly db: Db,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
    private readonly storage: MediaStorage,
  ) {}

  async add(executor: DbExecutor, keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    const now = this.clock.now();
    for (let i = 0; i < keys.length; i += 500) {
      await executor
        .insertInto('storage_garbage')
        .values(keys.slice(i, i + 500).map((storage_key) => ({ storage_key, created_at: now })))
        .onConflict((oc) => oc.column('storage_key').doNothing())
        .execute();
    }
    await this.jobs.enqueue({ name: COLLECT_GARBAGE_JOB, uniqueKey: 'storage-garbage' }, executor);
  }

  job(): JobHandler {
    return {
      run: async () => {
        for (;;) {
          const batch = await this.db.selectFrom('storage_garbage').select('storage_key').orderBy('created_at').limit(500).execute();
          if (batch.length === 0) return;
          const keys = batch.map((b) => b.storage_key);
          await this.storage.delete(keys);
          await this.db.deleteFrom('storage_garbage').where('storage_key', 'in', keys).execute();
        }
      },
    };
  }
}
