import type { Readable } from 'node:stream';
import type { AppContext } from '../app-context.ts';
import type { CandidateService } from '../candidate/candidate.service.ts';
import type { AnswersTable } from '../db/schema.ts';
import { InterviewRepository, type InterviewRow } from '../interviews/interview.repository.ts';
import type { MediaStorage } from '../storage/media-storage.ts';
import { StorageTooLargeError, StorageUnavailableError } from '../storage/media-storage.ts';
import type { StorageGarbage } from '../storage/storage-garbage.ts';
import { AppError } from '../shared/errors.ts';
import { newId, newRandomHex } from '../shared/ids.ts';
import { finalizeAnswerJob } from './answer-finalizer.ts';
import { AnswerRepository } from './answer.repository.ts';
import { MAX_CHUNK_BYTES, answerChunkFolder, chunkKey, maxTakeBytes } from './recording-limits.ts';

const tooLarge = (what: string) => new AppError('payload_too_large', `${what} is larger than allowed; nothing was stored`);

/** Takes and their chunks, as the candidate's browser sends them: idempotent, in any order, resumable. */
export class RecordingService {
  constructor(
    private readonly ctx: AppContext,
    private readonly candidates: CandidateService,
    private readonly storage: MediaStorage,
    private readonly garbage: StorageGarbage,
  ) {}

  /**
   * A new take of a question; the open one before it (never submitted) is discarded. `replaces`: the take the
   * device recorded and now records again, which is never handed back as if it were new.
   */
  async startTake(token: string, questionId: string, mimeType: string, replaces?: string): Promise<{ answerId: string; take: number; takesLeft: number }> {
    const interview = await this.candidates.openForRecording(token);
    const question = (await new InterviewRepository(this.ctx.db).questionsOf(interview.id)).find((q) => q.id === questionId);
    if (!question) throw new AppError('question_not_found', 'This question is not part of your interview');
    const now = this.ctx.clock.now();
    const answerId = newId();
    const result = await this.ctx.db.transaction().execute(async (trx) => {
      // One take starts at a time per interview: two at once (two tabs, a retried request) would claim the same take number.
      await new InterviewRepository(trx).lock(interview.id);
      const repo = new AnswerRepository(trx);
      const takes = await repo.listForQuestion(questionId);
      if (takes.some((t) => t.status === 'submitted' || t.status === 'ready' || t.status === 'failed')) {
        throw new AppError('answer_submitted', 'This question is already answered');
      }
      const allowed = 1 + question.retakes;
      // A retried request (its answer lost) or a reload before the first slice: the empty open take is reused, not a retake spent.
      // Not the take the device says it recorded: its pieces may still be on their way, and a retake must start afresh.
      const open = takes.at(-1);
      if (open?.status === 'recording' && open.id !== replaces && open.mime_type === mimeType && !(await repo.chunksOf(open.id)).length) {
        return { answerId: open.id, take: open.take, takesLeft: allowed - open.take };
      }
      if (takes.length >= allowed) throw new AppError('no_retakes_left', 'No retakes are left for this question; submit the last take');
      const discarded = takes.filter((t) => t.status === 'recording');
      for (const old of discarded) await repo.transition(old.id, ['recording'], { status: 'discarded' });
      const take = (takes.at(-1)?.take ?? 0) + 1;
      await repo.insert({
        id: answerId,
        interview_id: interview.id,
        interview_question_id: questionId,
        take,
        status: 'recording',
        mime_type: mimeType,
        chunk_count: null,
        bytes_received: 0,
        recorded_ms: null,
        media_key: null,
        media_type: null,
        media_bytes: null,
        thumbnail_key: null,
        duration_seconds: null,
        width: null,
        height: null,
        processing_error: null,
        processing_attempts: 0,
        created_at: now,
        submitted_at: null,
        finalized_at: null,
      });
      await new InterviewRepository(trx).transition(interview.id, ['pending'], { status: 'in_progress', started_at: now, updated_at: now });
      // Recorded without being opened first (another client): it is reached now all the same.
      await new InterviewRepository(trx).markQuestionOpened(questionId, now);
      const discardedKeys = (await Promise.all(discarded.map((d) => repo.chunksOf(d.id)))).flat().map((c) => c.storage_key);
      await this.garbage.add(trx, discardedKeys);
      await this.garbage.addFolders(trx, discarded.map((d) => answerChunkFolder(interview.id, d.id)));
      for (const old of discarded) await repo.deleteChunks(old.id);
      return { answerId, take, takesLeft: allowed - take };
    });
    return result;
  }

  /** Stores chunk `seq` of a take, streaming; the same chunk twice is stored once. */
  async storeChunk(token: string, answerId: string, seq: number, body: Readable, contentLength: number | undefined): Promise<{ seq: number; size: number; duplicate: boolean }> {
    // The hot path of recording: one query answers every check below.
    const target = await new AnswerRepository(this.ctx.db).findChunkTarget(token, answerId, seq);
    await this.candidates.assertRecording(token, target && { status: target.interview_status, submitted_at: target.submitted_at, expires_at: target.expires_at });
    const { interview_id: interviewId, answer_status: status, held_size: heldSize } = target!;
    if (!status) throw new AppError('answer_not_found', 'This answer is not part of your interview');
    if (status === 'discarded') throw new AppError('take_replaced', 'This take was replaced by a newer one');
    if (status !== 'recording') throw new AppError('answer_submitted', 'This take was already submitted');
    if (contentLength !== undefined && contentLength > MAX_CHUNK_BYTES) throw tooLarge(`A chunk of ${contentLength} bytes`);
    if (heldSize !== null) {
      if (contentLength !== undefined && contentLength !== heldSize) {
        throw new AppError('chunk_conflict', `Chunk ${seq} is already stored with ${heldSize} bytes, not ${contentLength}`);
      }
      return { seq, size: heldSize, duplicate: true };
    }
    const maxBytes = maxTakeBytes(target!.max_answer_seconds!);
    const room = maxBytes - target!.bytes_received!;
    if (room <= 0 || (contentLength !== undefined && contentLength > room)) throw tooLarge('This answer');
    // This upload's own object: another upload of the same chunk at once never touches it (see chunkKey).
    const key = chunkKey(interviewId, answerId, seq, newRandomHex(6));
    let size: number;
    try {
      ({ size } = await this.storage.put(key, body, { contentType: 'application/octet-stream', contentLength, maxBytes: Math.min(MAX_CHUNK_BYTES, room), spool: true }));
    } catch (error) {
      if (error instanceof StorageTooLargeError) throw tooLarge('The chunk');
      // Nothing was recorded: the candidate's app keeps the chunk and sends it again.
      if (error instanceof StorageUnavailableError) throw new AppError('unavailable', 'The chunk could not be stored just now; send it again', { retryAfterSeconds: 1 });
      throw error;
    }
    const now = this.ctx.clock.now();
    const recorded = await this.ctx.db
      .transaction()
      .execute((trx) => new AnswerRepository(trx).recordChunk({ answer_id: answerId, seq, size, storage_key: key, created_at: now }, maxBytes));
    if (recorded.outcome === 'stored') return { seq, size, duplicate: false };
    // Not recorded: this upload's object is part of no answer.
    await this.garbage.add(this.ctx.db, [key]);
    switch (recorded.outcome) {
      case 'duplicate':
        if (recorded.heldSize !== size) throw new AppError('chunk_conflict', `Chunk ${seq} is already stored with ${recorded.heldSize} bytes, not ${size}`);
        return { seq, size, duplicate: true };
      case 'too_large':
        // Other chunks of the take were counted while this one streamed in.
        throw tooLarge('This answer');
      case 'closed':
        throw new AppError('answer_submitted', 'This take is no longer recording; the chunk was not kept');
    }
  }

  async receivedChunks(token: string, answerId: string): Promise<{ receivedChunks: number[]; bytesReceived: number; status: AnswersTable['status'] }> {
    const interview = await this.candidates.open(token);
    const answer = await new AnswerRepository(this.ctx.db).findInInterview(interview.id, answerId);
    if (!answer) throw new AppError('answer_not_found', 'This answer is not part of your interview');
    const chunks = await new AnswerRepository(this.ctx.db).chunksOf(answerId);
    return { receivedChunks: chunks.map((c) => c.seq), bytesReceived: answer.bytes_received, status: answer.status };
  }

  /** Makes the take the question's answer and queues its finalisation; the last answer submits the interview. */
  async submit(token: string, answerId: string, input: { chunkCount: number; recordedMs?: number }): Promise<void> {
    const interview = await this.candidates.open(token);
    const repo = new AnswerRepository(this.ctx.db);
    const answer = await repo.findInInterview(interview.id, answerId);
    if (!answer) throw new AppError('answer_not_found', 'This answer is not part of your interview');
    if (answer.status === 'submitted' || answer.status === 'ready' || answer.status === 'failed') {
      if (answer.chunk_count === input.chunkCount) return;
      throw new AppError('answer_submitted', 'This take was already submitted');
    }
    if (answer.status === 'discarded') throw new AppError('take_replaced', 'This take was replaced by a newer one');
    this.assertLive(interview);
    const held = new Set((await repo.chunksOf(answerId)).map((c) => c.seq));
    const missing = Array.from({ length: input.chunkCount }, (_, i) => i).filter((seq) => !held.has(seq));
    if (input.chunkCount < 1) throw new AppError('missing_chunks', 'An answer needs at least one chunk', { missing: [0] });
    if (missing.length) throw new AppError('missing_chunks', `${missing.length} chunk(s) not received yet`, { missing: missing.slice(0, 1000) });
    const now = this.ctx.clock.now();
    await this.ctx.db.transaction().execute(async (trx) => {
      // Submits of one interview's answers go one at a time, so the last of two at once sees the other and submits the interview.
      const interviews = new InterviewRepository(trx);
      // Expired by the sweep, cancelled or deleted by a recruiter since it was read: nothing is submitted.
      this.candidates.assertOpen(await interviews.lock(interview.id));
      const txRepo = new AnswerRepository(trx);
      const moved = await txRepo.transition(answerId, ['recording'], { status: 'submitted', chunk_count: input.chunkCount, recorded_ms: input.recordedMs ?? null, submitted_at: now });
      if (!moved) {
        // Changed since it was read: the same submit that got there first is done; a retake that replaced it is not.
        const current = await txRepo.find(answerId);
        if (current?.status === 'discarded') throw new AppError('take_replaced', 'This take was replaced by a newer one');
        if (current?.chunk_count !== input.chunkCount) throw new AppError('answer_submitted', 'This take was already submitted');
        return;
      }
      // Chunks past the count are not part of the answer.
      const extra = (await txRepo.chunksOf(answerId)).filter((c) => c.seq >= input.chunkCount);
      if (extra.length) {
        await this.garbage.add(trx, extra.map((c) => c.storage_key));
        await txRepo.deleteChunks(answerId, input.chunkCount);
      }
      await this.ctx.jobs.enqueue(finalizeAnswerJob(answerId), trx);
      const questions = await interviews.questionsOf(interview.id);
      const answered = new Set((await txRepo.listForInterview(interview.id)).filter((a) => ['submitted', 'ready', 'failed'].includes(a.status)).map((a) => a.interview_question_id));
      if (questions.every((q) => answered.has(q.id))) {
        await interviews.update(interview.id, { submitted_at: now, updated_at: now });
      }
    });
  }

  private assertLive(interview: InterviewRow): void {
    if (interview.submitted_at) throw new AppError('invitation_completed', 'This interview was already submitted');
    this.candidates.assertOpen(interview);
  }
}
