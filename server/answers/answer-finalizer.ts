import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { AppContext } from '../app-context.ts';
import type { JobHandler } from '../jobs/job-worker.ts';
import { remuxAnswer } from '../media/answer-remux.ts';
import { extractThumbnail } from '../media/answer-thumbnail.ts';
import type { MediaStorage } from '../storage/media-storage.ts';
import type { StorageGarbage } from '../storage/storage-garbage.ts';
import { AnswerRepository } from './answer.repository.ts';
import type { InterviewCompletion } from './interview-completion.ts';
import { answerMediaKey, answerThumbnailKey } from './recording-limits.ts';

const CHUNK_READS_AHEAD = 8;

/** Near the start, where the candidate is already in frame; fast seek makes it as quick at 10 minutes as at 30 s. */
const THUMBNAIL_AT_SECONDS = 1;

/**
 * Turns a submitted take's chunks into one seekable file with a duration and a thumbnail, stores
 * both, and removes the chunks. Retried on failure; the last error stays on the answer for the admin.
 */
export class AnswerFinalizer {
  constructor(
    private readonly ctx: AppContext,
    private readonly storage: MediaStorage,
    private readonly garbage: StorageGarbage,
    private readonly completion: InterviewCompletion,
  ) {}

  job(): JobHandler {
    return {
      backoffMs: (attempt) => Math.min(5000 * 3 ** (attempt - 1), 15 * 60_000),
      run: async ({ answerId }: { answerId: string }, { attempt, maxAttempts }) => {
        try {
          await this.finalize(answerId);
        } catch (error) {
          const message = (error instanceof Error ? error.message : String(error)).slice(0, 4000);
          await new AnswerRepository(this.ctx.db).update(answerId, {
            processing_error: message,
            processing_attempts: attempt,
            ...(attempt >= maxAttempts ? { status: 'failed' as const } : {}),
          });
          throw error;
        }
      },
    };
  }

  /**
   * MediaRecorder chunks are consecutive byte ranges of one stream: concatenated in order they are the
   * recording. A few reads run ahead (S3 GETs one after another were most of the finalisation time).
   */
  private async concatenateChunks(keys: string[], file: string): Promise<void> {
    const out = createWriteStream(file);
    const written = finished(out);
    const readAll = async (key: string) => {
      const { stream } = await this.storage.read(key);
      const parts: Buffer[] = [];
      for await (const part of stream) parts.push(part as Buffer);
      return Buffer.concat(parts);
    };
    const ahead: Promise<Buffer>[] = [];
    let next = 0;
    try {
      while (next < keys.length || ahead.length) {
        while (ahead.length < CHUNK_READS_AHEAD && next < keys.length) ahead.push(readAll(keys[next++]!));
        const bytes = await ahead.shift()!;
        if (!out.write(bytes)) await once(out, 'drain');
      }
    } catch (error) {
      // Reads already started must not fail unobserved.
      await Promise.allSettled(ahead);
      out.destroy();
      throw error;
    }
    out.end();
    await written;
  }

  async finalize(answerId: string): Promise<void> {
    const repo = new AnswerRepository(this.ctx.db);
    const answer = await repo.find(answerId);
    if (!answer || answer.status === 'ready' || answer.status === 'discarded') return;
    const chunks = await repo.chunksOf(answerId);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'answer-'));
    try {
      const recording = path.join(dir, 'recording.bin');
      await this.concatenateChunks(chunks.map((c) => c.storage_key), recording);
      const remuxed = await remuxAnswer(recording, path.join(dir, 'answer'));
      const thumbnail = path.join(dir, 'thumbnail.jpg');
      await extractThumbnail(remuxed.file, thumbnail, { atSeconds: THUMBNAIL_AT_SECONDS, durationSeconds: remuxed.probe.durationSeconds });
      const mediaKey = answerMediaKey(answer.interview_id, answerId, remuxed.container.extension);
      const thumbnailKey = answerThumbnailKey(answer.interview_id, answerId);
      await Promise.all([this.storage.uploadFile(mediaKey, remuxed.file, remuxed.container.contentType), this.storage.uploadFile(thumbnailKey, thumbnail, 'image/jpeg')]);
      const mediaBytes = (await stat(remuxed.file)).size;
      const now = this.ctx.clock.now();
      await this.ctx.db.transaction().execute(async (trx) => {
        const txRepo = new AnswerRepository(trx);
        await txRepo.update(answerId, {
          status: 'ready',
          media_key: mediaKey,
          media_type: remuxed.container.contentType,
          media_bytes: mediaBytes,
          thumbnail_key: thumbnailKey,
          duration_seconds: remuxed.probe.durationSeconds,
          width: remuxed.probe.width,
          height: remuxed.probe.height,
          processing_error: null,
          finalized_at: now,
        });
        await this.garbage.add(trx, chunks.map((c) => c.storage_key));
        await txRepo.deleteChunks(answerId);
        await this.completion.completeIfFinal(trx, answer.interview_id);
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
