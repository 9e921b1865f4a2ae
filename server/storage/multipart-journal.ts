import type { Db } from '../db/database.ts';
import type { JobHandler } from '../jobs/job-worker.ts';
import type { Clock } from '../shared/clock.ts';
import type { MediaStorage } from './media-storage.ts';

/**
 * Multipart uploads started in S3 and not yet completed or aborted. S3 keeps (and bills) the parts of an upload nobody
 * finishes, and S3-compatible servers often cannot list such uploads (no ListMultipartUploads), so the driver writes
 * each one down before its first part and crosses it out once completed or aborted; one a crash cut short is aborted
 * later by the sweep below.
 */
export interface MultipartJournal {
  started(objectKey: string, uploadId: string): Promise<void>;
  ended(uploadId: string): Promise<void>;
  /** Uploads started before `before` (epoch ms), oldest first. */
  startedBefore(before: number, limit: number): Promise<{ objectKey: string; uploadId: string }[]>;
}

export class DbMultipartJournal implements MultipartJournal {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async started(objectKey: string, uploadId: string): Promise<void> {
    await this.db.insertInto('storage_multipart_uploads').values({ upload_id: uploadId, object_key: objectKey, started_at: this.clock.now() }).execute();
  }

  async ended(uploadId: string): Promise<void> {
    await this.db.deleteFrom('storage_multipart_uploads').where('upload_id', '=', uploadId).execute();
  }

  async startedBefore(before: number, limit: number) {
    const rows = await this.db
      .selectFrom('storage_multipart_uploads')
      .select(['object_key', 'upload_id'])
      .where('started_at', '<', before)
      .orderBy('started_at')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ objectKey: r.object_key, uploadId: r.upload_id }));
  }
}

/** Older than any upload still running could be: a day (an answer's upload takes seconds to minutes). */
export const UNFINISHED_UPLOAD_AGE_MS = 24 * 3600_000;

export const ABORT_UNFINISHED_UPLOADS_JOB = 'storage.abort-unfinished-uploads';

/** Hourly: aborts the multipart uploads a crash left unfinished (see MultipartJournal). */
export function abortUnfinishedUploadsJob(storage: MediaStorage, clock: Clock): JobHandler {
  return { everyMs: 3600_000, run: async () => void (await storage.abortUnfinishedUploads(clock.now() - UNFINISHED_UPLOAD_AGE_MS)) };
}
