import type { Db, DbExecutor } from '../db/database.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { JobHandler } from '../jobs/job-worker.ts';
import type { Clock } from '../shared/clock.ts';
import type { MediaStorage } from './media-storage.ts';

export const COLLECT_GARBAGE_JOB = 'storage.collect-garbage';

/** A folder's row is its path and a slash: object keys never end in one (assertValidKey). */
const FOLDER_MARK = '/';

/**
 * Objects whose rows are gone are deleted from storage by a durable job, never inline, so a failed delete is retried.
 * A row names one object, or a whole folder (everything under it, including objects a crash left unrecorded).
 */
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

  /** Everything under each folder (`interviews/abc`: every key starting `interviews/abc/`). */
  async addFolders(executor: DbExecutor, folders: string[]): Promise<void> {
    await this.add(executor, folders.map((folder) => `${folder}${FOLDER_MARK}`));
  }

  job(): JobHandler {
    return {
      run: async () => {
        for (;;) {
          const batch = await this.db.selectFrom('storage_garbage').select('storage_key').orderBy('created_at').limit(500).execute();
          if (batch.length === 0) return;
          const entries = batch.map((b) => b.storage_key);
          const folders = entries.filter((entry) => entry.endsWith(FOLDER_MARK));
          await this.storage.delete(entries.filter((entry) => !entry.endsWith(FOLDER_MARK)));
          for (const folder of folders) await this.storage.deleteFolder(folder.slice(0, -FOLDER_MARK.length));
          await this.db.deleteFrom('storage_garbage').where('storage_key', 'in', entries).execute();
        }
      },
    };
  }
}
