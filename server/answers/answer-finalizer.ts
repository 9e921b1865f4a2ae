import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { AppContext } from '../app-context.ts';
import type { JobSpec } from '../jobs/job-queue.ts';
import type { JobHandler } from '../jobs/job-worker.ts';
import { answerContainerForMimeType, remuxAnswer, type RemuxedAnswer } from '../media/answer-remux.ts';
import { MediaProcessingError } from '../media/ffmpeg.ts';
import { probeMedia } from '../media/media-probe.ts';
import { extractThumbnail } from '../media/answer-thumbnail.ts';
import type { MediaStorage } from '../storage/media-storage.ts';
import type { StorageGarbage } from '../storage/storage-garbage.ts';
import { InterviewRepository } from '../interviews/interview.repository.ts';
import { AnswerRepository } from './answer.repository.ts';
import type { InterviewCompletion } from './interview-completion.ts';
import { answerChunkFolder, answerMediaKey, answerThumbnailKey } from './recording-limits.ts';

type AnswerChunk = Awaited<ReturnType<AnswerRepository['chunksOf']>>[number];

const CHUNK_READS_AHEAD = 16;
/** And no more bytes than this read ahead (at least one chunk): chunks may be up to 8 MiB (MP4 recorders ignore the timeslice). */
const BYTES_READ_AHEAD = 16 * 1024 * 1024;
/** Linux takes at most 128 KiB in one command-line argument. */
const MAX_ARGUMENT_CHARS = 100_000;

export const FINALIZE_ANSWER_JOB = 'answer.finalize';

/** The durable job that finalises a submitted answer: one per answer at a time, retried with backoff. */
export const finalizeAnswerJob = (answerId: string): JobSpec => ({ name: FINALIZE_ANSWER_JOB, payload: { answerId }, uniqueKey: `finalize:${answerId}`, maxAttempts: 5 });

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
          // Only while it is still being processed: a run whose lease ran out must not mark a ready answer failed.
          await new AnswerRepository(this.ctx.db).transition(answerId, ['submitted', 'failed'], {
            processing_error: message,
            processing_attempts: attempt,
            ...(attempt >= maxAttempts ? { status: 'failed' as const } : {}),
          });
          throw error;
        }
      },
      // The worker of the last try died (ffmpeg took the process down, say): the answer fails so an admin can retry it.
      givenUp: async ({ answerId }: { answerId: string }, { maxAttempts }, error) => {
        await new AnswerRepository(this.ctx.db).transition(answerId, ['submitted', 'failed'], { status: 'failed', processing_error: error, processing_attempts: maxAttempts });
      },
    };
  }

  /**
   * MediaRecorder chunks are consecutive byte ranges of one stream: read in order they are the recording,
   * streamed straight into ffmpeg (no joined copy on disk). A few reads run ahead, for S3's latency, within a byte bound.
   */
  private recordingOf(chunks: Pick<AnswerChunk, 'storage_key' | 'size'>[]): Readable {
    const storage = this.storage;
    const readAll = async (key: string) => {
      const { stream } = await storage.read(key);
      const parts: Buffer[] = [];
      for await (const part of stream) parts.push(part as Buffer);
      return Buffer.concat(parts);
    };
    return Readable.from((async function* () {
      const ahead: { read: Promise<Buffer>; size: number }[] = [];
      let aheadBytes = 0;
      let next = 0;
      try {
        while (next < chunks.length || ahead.length) {
          while (next < chunks.length && (ahead.length === 0 || (ahead.length < CHUNK_READS_AHEAD && aheadBytes + chunks[next]!.size <= BYTES_READ_AHEAD))) {
            const { storage_key, size } = chunks[next++]!;
            const read = readAll(storage_key);
            // Its failure is met when its turn comes (or in `finally`); until then it must not count as unhandled,
            // which would end the process.
            read.catch(() => {});
            ahead.push({ read, size });
            aheadBytes += size;
          }
          const first = ahead.shift()!;
          aheadBytes -= first.size;
          yield await first.read;
        }
      } finally {
        // Reads already started (ffmpeg stopped early, or one failed) must not fail unobserved.
        await Promise.allSettled(ahead.map((a) => a.read));
      }
    })(), { objectMode: false });
  }

  /** In the container the browser's declared type implies; when that type is unknown or wrong, as ffprobe says. */
  private async remux(chunks: AnswerChunk[], outputBase: string, mimeType: string): Promise<RemuxedAnswer> {
    const streams: Readable[] = [];
    // When every chunk has a file on this machine (local storage, or S3's spooled copies), they go to ffmpeg by
    // name (its concat protocol reads them as one stream); else all are streamed in from storage.
    const files = await Promise.all(chunks.map((c) => this.storage.localFileOf(c.storage_key, c.size)));
    const byName = `concat:${files.join('|')}`;
    const readable = files.every((file) => file !== null && !file.includes('|')) && byName.length <= MAX_ARGUMENT_CHARS;
    const recording = readable ? byName : () => {
      const stream = this.recordingOf(chunks);
      streams.push(stream);
      return stream;
    };
    try {
      const declared = answerContainerForMimeType(mimeType);
      if (declared) {
        try {
          return await remuxAnswer(recording, outputBase, { container: declared });
        } catch (error) {
          if (!(error instanceof MediaProcessingError) || error.timedOut) throw error;
        }
      }
      return await remuxAnswer(recording, outputBase);
    } finally {
      for (const stream of streams) stream.destroy();
    }
  }

  async finalize(answerId: string): Promise<void> {
    const repo = new AnswerRepository(this.ctx.db);
    const answer = await repo.find(answerId);
    if (!answer || answer.status === 'ready' || answer.status === 'discarded') return;
    const chunks = await repo.chunksOf(answerId);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'answer-'));
    try {
      const remuxed = await this.remux(chunks, path.join(dir, 'answer'), answer.mime_type);
      const thumbnail = path.join(dir, 'thumbnail.jpg');
      const mediaKey = answerMediaKey(answer.interview_id, answerId, remuxed.container.extension);
      const thumbnailKey = answerThumbnailKey(answer.interview_id, answerId);
      // The answer is stored while its thumbnail is taken and stored, and ffprobe reads its duration and picture size.
      // All three finish before anything fails the run: the temp dir they read goes in `finally`.
      const [stored, media] = await allDone([
        this.storage.uploadFile(mediaKey, remuxed.file, remuxed.container.contentType),
        probeMedia(remuxed.file),
        extractThumbnail(remuxed.file, thumbnail, { atSeconds: THUMBNAIL_AT_SECONDS }).then(() => this.storage.uploadFile(thumbnailKey, thumbnail, 'image/jpeg')),
      ]);
      if (media.durationSeconds === null) {
        throw new MediaProcessingError({ operation: 'remux answer', tool: 'ffmpeg', reason: 'wrote a file without a duration' });
      }
      const mediaBytes = stored.size;
      const now = this.ctx.clock.now();
      const kept = await this.ctx.db.transaction().execute(async (trx) => {
        // The interview first: when its last two answers are finalised at once, the second sees the first ready and completes it.
        await new InterviewRepository(trx).lock(answer.interview_id);
        const txRepo = new AnswerRepository(trx);
        const moved = await txRepo.transition(answerId, ['submitted', 'failed'], {
          status: 'ready',
          media_key: mediaKey,
          media_type: remuxed.container.contentType,
          media_bytes: mediaBytes,
          thumbnail_key: thumbnailKey,
          duration_seconds: media.durationSeconds,
          width: media.width,
          height: media.height,
          processing_error: null,
          finalized_at: now,
        });
        if (!moved) {
          // Another run finished first (a lease that ran out): it stored the same keys, which stay. Gone or
          // replaced: what this run stored belongs to nothing.
          const current = await txRepo.find(answerId);
          return current?.status === 'ready';
        }
        // The recorded chunks by key (deleted even where S3 refuses listing), and their folder for any a crash left unrecorded.
        await this.garbage.add(trx, chunks.map((c) => c.storage_key));
        await this.garbage.addFolders(trx, [answerChunkFolder(answer.interview_id, answerId)]);
        await txRepo.deleteChunks(answerId);
        await this.completion.completeIfFinal(trx, answer.interview_id);
        return true;
      });
      // The answer went while it was processed (its interview deleted): what was just stored belongs to nothing.
      if (!kept) await this.garbage.add(this.ctx.db, [mediaKey, thumbnailKey]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

/** Promise.all that settles only once every promise has: the first rejection is thrown after the others are done. */
async function allDone<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
