// Sends the recorded pieces held in IndexedDB to the server, in order, a few at a time, retrying through
// network failures and server restarts; once every piece of a take the candidate submitted is
// acknowledged, it submits the take.

import { CandidateApiError, isRetryable, type CandidateApi, type CandidateInterview } from './candidate-api.ts';
import type { ChunkStore, StoredTake } from './chunk-store.ts';

export interface UploadState {
  online: boolean;
  /** Pieces recorded but not yet acknowledged by the server (including those being sent). */
  pendingChunks: number;
  pendingBytes: number;
  /** Takes the candidate submitted that the server has not confirmed yet. */
  pendingSubmits: number;
  /** The last attempt failed and a retry is scheduled. */
  retrying: boolean;
  /** Something the candidate should know about: an answer could not be saved. */
  error: string | null;
  /** The server closed the interview (expired, cancelled, unknown link): nothing more is sent. */
  closedCode: string | null;
}

export interface SubmittedDetail {
  answerId: string;
  questionId: string;
  /** The interview as the server sees it after the submit; null when the take was already submitted. */
  interview: CandidateInterview | null;
}

export interface TakeFailedDetail {
  answerId: string;
  questionId: string;
  reason: string;
}

export interface UploadQueueOptions {
  concurrency?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
}

interface Retry {
  attempts: number;
  notBefore: number;
  /**
   * The server asked (Retry-After) not to be sent this again before then: the connection coming back or
   * another request getting through ends a backoff, not that wait.
   */
  askedUntil?: number;
}

interface ChunkJob extends Retry {
  answerId: string;
  seq: number;
  size: number;
  /** Kept for pieces recorded in this session; restored pieces are read from IndexedDB when sent. */
  blob?: Blob;
}

/**
 * How long to wait before the next try after `attempts` failures: exponential backoff with ±20% jitter,
 * and never sooner than the server asked (`askedMs`, its Retry-After as already capped by scheduleRetry).
 */
export function retryDelayMs(attempts: number, askedMs: number | null, limits: { baseMs: number; maxMs: number }, random = Math.random): number {
  const backoff = Math.round(Math.min(limits.maxMs, limits.baseMs * 2 ** Math.min(attempts - 1, 10)) * (0.8 + random() * 0.4));
  return askedMs === null ? backoff : Math.max(backoff, askedMs);
}

/** The take cannot be submitted from this device: the server refused part of it, or its pieces are gone. */
export class TakeLostError extends Error {
  constructor() {
    super('This recording is no longer on this device.');
    this.name = 'TakeLostError';
  }
}

const jobKey = (answerId: string, seq: number) => `${answerId}#${seq}`;

export class UploadQueue extends EventTarget {
  private readonly concurrency: number;
  private readonly baseBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly jobs = new Map<string, ChunkJob>();
  private readonly inFlight = new Set<string>();
  private readonly takes = new Map<string, StoredTake>();
  private readonly submitRetries = new Map<string, Retry>();
  private readonly submitting = new Set<string>();
  private online = typeof navigator === 'undefined' ? true : navigator.onLine;
  private retrying = false;
  private error: string | null = null;
  private closedCode: string | null = null;
  private wakeTimer: ReturnType<typeof setTimeout> | undefined;
  private wakeAt = Infinity;
  private idleWaiters: (() => void)[] = [];
  private started = false;

  constructor(
    private readonly api: CandidateApi,
    private readonly store: ChunkStore,
    options: UploadQueueOptions = {},
  ) {
    super();
    this.concurrency = options.concurrency ?? 3;
    this.baseBackoffMs = options.baseBackoffMs ?? 1000;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
  }

  get state(): UploadState {
    let pendingBytes = 0;
    for (const job of this.jobs.values()) pendingBytes += job.size;
    let pendingSubmits = 0;
    for (const take of this.takes.values()) if (take.submitRequested) pendingSubmits++;
    return {
      online: this.online,
      pendingChunks: this.jobs.size,
      pendingBytes,
      pendingSubmits,
      retrying: this.retrying,
      error: this.error,
      closedCode: this.closedCode,
    };
  }

  get idle(): boolean {
    const { pendingChunks, pendingSubmits } = this.state;
    return pendingChunks === 0 && pendingSubmits === 0;
  }

  /** Resolves once nothing is left to send or submit. */
  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    this.pump();
  }

  stop(): void {
    this.started = false;
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    clearTimeout(this.wakeTimer);
    this.wakeAt = Infinity;
  }

  /**
   * Re-queues what IndexedDB still holds for these takes (after a reload or a reopened link). Pieces the
   * server already holds (`held`, from its receivedChunks) are not sent again; they stay in IndexedDB,
   * for playback, until the take is submitted or replaced.
   */
  async restore(takes: StoredTake[], held: Map<string, number[]>): Promise<void> {
    for (const take of takes) {
      this.takes.set(take.answerId, take);
      const serverHas = new Set(held.get(take.answerId) ?? []);
      for (const chunk of await this.store.chunksOf(take.answerId)) {
        if (serverHas.has(chunk.seq)) continue;
        this.jobs.set(jobKey(take.answerId, chunk.seq), { answerId: take.answerId, seq: chunk.seq, size: chunk.size, attempts: 0, notBefore: 0 });
      }
    }
    this.changed();
    this.pump();
  }

  /** A take being recorded now; its pieces follow through enqueue(). */
  track(take: StoredTake): void {
    this.takes.set(take.answerId, take);
    this.changed();
  }

  /** A piece already written to IndexedDB. */
  enqueue(answerId: string, seq: number, blob: Blob): void {
    if (!this.takes.has(answerId)) return;
    this.jobs.set(jobKey(answerId, seq), { answerId, seq, size: blob.size, blob, attempts: 0, notBefore: 0 });
    this.changed();
    this.pump();
  }

  /** The candidate chose this take: submit it as soon as every piece is acknowledged. */
  async requestSubmit(answerId: string, chunkCount: number, recordedMs: number): Promise<void> {
    const patch = { chunkCount, recordedMs, submitRequested: true };
    // The device's copy of the take may be refused (storage full): the one in memory is enough to submit now.
    const stored = await this.store.updateTake(answerId, patch).catch(() => undefined);
    const take = this.takes.get(answerId) ?? stored;
    if (!take) throw new TakeLostError();
    this.takes.set(answerId, { ...take, ...patch });
    this.changed();
    this.pump();
  }

  /** Forgets a take the server replaced (a retake): its pieces are neither sent nor kept. */
  async discard(answerId: string): Promise<void> {
    this.forget(answerId);
    await this.store.deleteTake(answerId);
    this.changed();
  }

  /** The problem shown was dealt with another way (the take's held part was submitted). */
  clearError(): void {
    this.error = null;
    this.changed();
  }

  hasTake(answerId: string): boolean {
    return this.takes.has(answerId);
  }

  private forget(answerId: string): void {
    this.takes.delete(answerId);
    this.submitRetries.delete(answerId);
    for (const [key, job] of this.jobs) if (job.answerId === answerId) this.jobs.delete(key);
  }

  private readonly onOnline = () => {
    this.online = true;
    // The connection is back: everything waiting on a backoff goes now.
    for (const job of this.jobs.values()) this.retrySoon(job);
    for (const retry of this.submitRetries.values()) this.retrySoon(retry);
    this.changed();
    this.pump();
  };

  private readonly onOffline = () => {
    this.online = false;
    this.changed();
  };

  private order(answerId: string): number {
    return this.takes.get(answerId)?.createdAt ?? 0;
  }

  private pump(): void {
    if (!this.started || this.closedCode || !this.online) return;
    const now = Date.now();
    let nextWake = Infinity;
    const waiting = [...this.jobs.values()]
      .filter((job) => !this.inFlight.has(jobKey(job.answerId, job.seq)))
      .sort((a, b) => this.order(a.answerId) - this.order(b.answerId) || a.seq - b.seq);
    for (const job of waiting) {
      if (this.inFlight.size >= this.concurrency) break;
      if (job.notBefore > now) {
        nextWake = Math.min(nextWake, job.notBefore);
        continue;
      }
      void this.upload(job);
    }
    for (const take of this.takes.values()) {
      const retry = this.submitRetries.get(take.answerId);
      if (retry && retry.notBefore > now) nextWake = Math.min(nextWake, retry.notBefore);
      else void this.maybeSubmit(take.answerId);
    }
    this.wakeUpAt(nextWake);
  }

  private wakeUpAt(at: number): void {
    if (at === Infinity || at >= this.wakeAt) return;
    clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = setTimeout(() => {
      this.wakeAt = Infinity;
      this.pump();
    }, Math.max(0, at - Date.now()));
  }

  /** Counts a failed try and sets when the next may go. */
  private scheduleRetry(retry: Retry, error: unknown): void {
    const now = Date.now();
    const retryAfterMs = error instanceof CandidateApiError ? error.retryAfterMs : null;
    // Retry-After (on a 503 or 429) is honoured up to the longest backoff: a misconfigured proxy should
    // not park a candidate watching their answer upload for minutes.
    const askedMs = retryAfterMs === null ? null : Math.min(retryAfterMs, this.maxBackoffMs);
    retry.attempts++;
    retry.notBefore = now + retryDelayMs(retry.attempts, askedMs, { baseMs: this.baseBackoffMs, maxMs: this.maxBackoffMs });
    retry.askedUntil = askedMs === null ? undefined : now + askedMs;
  }

  /** Ends a backoff early, but not a wait the server asked for. */
  private retrySoon(retry: Retry): void {
    retry.notBefore = retry.askedUntil ?? 0;
  }

  private async upload(job: ChunkJob): Promise<void> {
    const key = jobKey(job.answerId, job.seq);
    this.inFlight.add(key);
    try {
      const blob = job.blob ?? (await this.store.getChunk(job.answerId, job.seq))?.blob;
      if (!blob) {
        // Gone from IndexedDB (the take was discarded meanwhile): nothing left to send.
        this.jobs.delete(key);
        return;
      }
      await this.api.putChunk(job.answerId, job.seq, blob);
      await this.acknowledge(job);
      this.serverAnswered();
    } catch (error) {
      await this.uploadFailed(job, error);
    } finally {
      this.inFlight.delete(key);
      this.changed();
      this.pump();
    }
  }

  private async acknowledge(job: ChunkJob): Promise<void> {
    this.jobs.delete(jobKey(job.answerId, job.seq));
    await this.store.deleteChunk(job.answerId, job.seq).catch(() => undefined);
  }

  /** A request went through: whatever waits on a backoff because of an outage may go again. */
  private serverAnswered(): void {
    if (!this.retrying) return;
    this.retrying = false;
    for (const job of this.jobs.values()) this.retrySoon(job);
    for (const retry of this.submitRetries.values()) this.retrySoon(retry);
  }

  private async uploadFailed(job: ChunkJob, error: unknown): Promise<void> {
    if (isRetryable(error)) {
      this.scheduleRetry(job, error);
      this.retrying = true;
      return;
    }
    if (!(error instanceof CandidateApiError)) {
      this.error = `A piece of your answer could not be saved on this device (${String((error as Error)?.message ?? error)}).`;
      this.scheduleRetry(job, error);
      return;
    }
    if (error.closesInterview) return this.close(error);
    switch (error.code) {
      case 'answer_submitted':
        // The server already has this take as the answer: nothing more to send for it.
        return this.takeAlreadySubmitted(job.answerId);
      case 'take_replaced':
        return this.takeReplaced(job.answerId);
      case 'answer_not_found':
        return this.takeGone(job.answerId, 'This recording was replaced or removed on the server.');
      case 'chunk_conflict':
        // The server holds another body for this piece; sending ours again cannot change that.
        this.error = 'A piece of your answer did not match what the server already had.';
        return this.acknowledge(job);
      default:
        this.error =
          error.code === 'payload_too_large'
            ? 'Part of your answer was too large to upload. Please record that answer again.'
            : `Part of your answer was refused by the server (${error.message}).`;
        return this.takeGone(job.answerId, this.error);
    }
  }

  private async maybeSubmit(answerId: string): Promise<void> {
    const take = this.takes.get(answerId);
    if (!take?.submitRequested || take.chunkCount === null || this.submitting.has(answerId)) return;
    for (const job of this.jobs.values()) if (job.answerId === answerId) return;
    this.submitting.add(answerId);
    try {
      const interview = await this.api.submit(answerId, take.chunkCount, take.recordedMs ?? take.recordedSoFarMs);
      this.serverAnswered();
      await this.submitted(take, interview);
    } catch (error) {
      if (isRetryable(error)) {
        const retry = this.submitRetries.get(answerId) ?? { attempts: 0, notBefore: 0 };
        this.scheduleRetry(retry, error);
        this.submitRetries.set(answerId, retry);
        this.retrying = true;
      } else if (error instanceof CandidateApiError && error.closesInterview) {
        this.close(error);
      } else if (error instanceof CandidateApiError && error.code === 'answer_submitted') {
        await this.takeAlreadySubmitted(answerId);
      } else if (error instanceof CandidateApiError && error.code === 'take_replaced') {
        await this.takeReplaced(answerId);
      } else if (error instanceof CandidateApiError && error.code === 'missing_chunks') {
        await this.requeueMissing(take, error.missing);
      } else {
        await this.takeGone(answerId, `Your answer could not be submitted (${(error as Error)?.message ?? error}). Please record it again.`);
      }
    } finally {
      this.submitting.delete(answerId);
      this.changed();
      this.pump();
    }
  }

  /** The server lacks pieces: send them if this device still has them, else the take cannot be completed. */
  private async requeueMissing(take: StoredTake, missing: number[]): Promise<void> {
    const local = new Set(await this.store.chunkSeqs(take.answerId));
    const missingHere = missing.filter((seq) => !local.has(seq));
    if (missing.length > 0 && missingHere.length === 0) {
      for (const seq of missing) this.jobs.set(jobKey(take.answerId, seq), { answerId: take.answerId, seq, size: 0, attempts: 0, notBefore: 0 });
      return;
    }
    await this.takeGone(take.answerId, 'Some of your recording never reached the server. Please record that answer again.');
  }

  private async submitted(take: StoredTake, interview: CandidateInterview | null): Promise<void> {
    this.forget(take.answerId);
    await this.store.deleteTake(take.answerId).catch(() => undefined);
    this.dispatchEvent(new CustomEvent<SubmittedDetail>('submitted', { detail: { answerId: take.answerId, questionId: take.questionId, interview } }));
  }

  /**
   * The server says the take no longer records. That is success when it was submitted (by an earlier
   * request whose answer got lost), and a loss when a newer take replaced it.
   */
  private async takeAlreadySubmitted(answerId: string): Promise<void> {
    const take = this.takes.get(answerId);
    if (!take) return;
    let status: string | null = null;
    try {
      status = (await this.api.heldChunks(answerId)).status;
    } catch {
      // Unknown: trust the 409, which names a submitted take.
    }
    if (status !== 'discarded') return this.submitted(take, null);
    return this.takeReplaced(answerId);
  }

  /** A newer take replaced this one on the server. */
  private async takeReplaced(answerId: string): Promise<void> {
    const take = this.takes.get(answerId);
    if (!take) return;
    if (take.submitRequested) return this.takeGone(answerId, 'This answer was replaced by a newer recording that was not submitted. Please record it again.');
    // A take replaced by a retake, whose last pieces were still on their way: nothing lost.
    this.forget(answerId);
    await this.store.deleteTake(answerId).catch(() => undefined);
  }

  /** The take cannot be completed: forget it and say so, so its question can be recorded again. */
  private async takeGone(answerId: string, reason: string): Promise<void> {
    const take = this.takes.get(answerId);
    // Not tracked any more: a take replaced by a retake, whose last pieces were still on their way.
    if (!take) return;
    this.forget(answerId);
    await this.store.deleteTake(answerId).catch(() => undefined);
    this.error = reason;
    this.dispatchEvent(new CustomEvent<TakeFailedDetail>('take-failed', { detail: { answerId, questionId: take.questionId, reason } }));
  }

  private close(error: CandidateApiError): void {
    this.closedCode = error.code;
    clearTimeout(this.wakeTimer);
    this.wakeAt = Infinity;
    this.dispatchEvent(new CustomEvent('closed', { detail: { code: error.code } }));
  }

  private changed(): void {
    this.dispatchEvent(new CustomEvent<UploadState>('change', { detail: this.state }));
    if (this.idle && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}
