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

  /**
   * Keys first, then folders one by one: a folder that cannot be listed (an S3 policy without s3:ListBucket) keeps
   * its row for the next run and holds up nothing else; the run then fails, so the job is tried again later.
   */
  job(): JobHandler {
    return {
      run: async () => {
        const failed: { folder: string; error: unknown }[] = [];
        const entryOf = (where: 'keys' | 'folders', skip = 0) =>
          this.db
            .selectFrom('storage_garbage')
            .select('storage_key')
            .where('storage_key', where === 'folders' ? 'like' : 'not like', `%${FOLDER_MARK}`)
            .orderBy('created_at')
            .orderBy('storage_key')
            .limit(500)
            .offset(skip)
            .execute()
            .then((rows) => rows.map((r) => r.storage_key));
        for (let keys = await entryOf('keys'); keys.length; keys = await entryOf('keys')) {
          await this.storage.delete(keys);
          await this.db.deleteFrom('storage_garbage').where('storage_key', 'in', keys).execute();
        }
        // The folders that failed stay first in the order: the next batch starts after them.
        for (let folders = await entryOf('folders'); folders.length; folders = await entryOf('folders', failed.length)) {
          for (const entry of folders) {
            try {
              await this.storage.deleteFolder(entry.slice(0, -FOLDER_MARK.length));
              await this.db.deleteFrom('storage_garbage').where('storage_key', '=', entry).execute();
            } catch (error) {
              failed.push({ folder: entry, error });
            }
          }
        }
        if (failed.length) {
          throw new Error(`${failed.length} storage folder(s) could not be deleted, e.g. ${failed[0]!.folder}: ${(failed[0]!.error as Error).message ?? failed[0]!.error}`);
        }
      },
    };
  }
}
