// The candidate's interview on this device: what the server says, what IndexedDB holds, and the upload
// queue between them. Components ask it to start, record, submit and recover takes.

import { CandidateApi, CandidateApiError, type CandidateInterview, type InterviewQuestion, type OpenTake, type StartedTake } from './candidate-api.ts';
import { ChunkStore, type StoredTake } from './chunk-store.ts';
import { tabLocksAvailable } from './one-tab-lock.ts';
import { TabTakes } from './tab-takes.ts';
import { withRetries } from './retry.ts';
import { UploadQueue, type SubmittedDetail, type TakeFailedDetail } from './upload-queue.ts';
import type { ChunkSink } from '../media/take-recorder.ts';

export type ClosedReason = 'unknown' | 'expired' | 'cancelled' | 'completed';

/** A take recorded before a reload (or on another visit) that the candidate has not submitted. */
export interface RecoveredTake {
  answerId: string;
  take: number;
  chunkCount: number;
  recordedMs: number;
  /** The recording for playback, when every piece is still on this device. */
  blob: Blob | null;
}

const closedByCode: Record<string, ClosedReason> = {
  link_not_found: 'unknown',
  invitation_expired: 'expired',
  invitation_cancelled: 'cancelled',
  invitation_completed: 'completed',
};

export function closedReasonOf(interview: CandidateInterview): ClosedReason | null {
  if (interview.status === 'expired' || interview.status === 'cancelled' || interview.status === 'completed') return interview.status;
  return null;
}

export function closedReasonForCode(code: string): ClosedReason | null {
  return closedByCode[code] ?? null;
}

export function closedReasonForError(error: unknown): ClosedReason | null {
  return error instanceof CandidateApiError ? (closedReasonForCode(error.code) ?? (error.status === 410 ? 'expired' : null)) : null;
}

export function takesLeft(question: InterviewQuestion): number {
  return Math.max(0, 1 + question.retakes - question.takesUsed);
}

/** How many pieces from the first on are among `seqs` with none missing: the part of a take that can be submitted. */
function unbrokenCount(seqs: Iterable<number>): number {
  const held = new Set(seqs);
  let count = 0;
  while (held.has(count)) count++;
  return count;
}

/** A take that received a piece this recently may still be recording (pieces come every second while it does). */
const RECORDING_ELSEWHERE_SECONDS = 20;

export class InterviewSession extends EventTarget {
  interview!: CandidateInterview;
  /** Questions whose take the candidate submitted here, confirmed by the server or not yet. */
  private readonly submittedHere = new Set<string>();
  /**
   * Takes recorded in this tab, across its reloads (sessionStorage: kept by a reload, not shared with other
   * tabs): never "unused", whatever the last server view said, and never "being recorded elsewhere".
   */
  private readonly recordedHere: TabTakes;
  /**
   * IndexedDB refused a write (storage full, or a browser mode that keeps nothing): pieces then upload from
   * memory only, and closing the page before they are sent would lose them.
   */
  deviceStorageFailed = false;
  /** Takes that recorded a piece in this page, latest last, with their question (see takeWithPiecesHere). */
  private readonly piecesRecorded = new Map<string, string>();

  private constructor(
    readonly api: CandidateApi,
    readonly store: ChunkStore,
    readonly queue: UploadQueue,
  ) {
    super();
    this.recordedHere = new TabTakes(`oneway-recorded-here:${api.token}`);
    queue.addEventListener('submitted', (event) => this.onSubmitted((event as CustomEvent<SubmittedDetail>).detail));
    queue.addEventListener('take-failed', (event) => this.onTakeFailed((event as CustomEvent<TakeFailedDetail>).detail));
  }

  static async open(token: string): Promise<InterviewSession> {
    const api = new CandidateApi(token);
    const store = await ChunkStore.open();
    return new InterviewSession(api, store, new UploadQueue(api, store));
  }

  get token(): string {
    return this.api.token;
  }

  /**
   * Loads the interview and re-queues whatever this device still holds for it: pieces not yet
   * acknowledged and takes submitted before a reload. Returns why the interview is closed, if it is.
   */
  async load(onWaiting?: (waiting: boolean) => void): Promise<ClosedReason | null> {
    try {
      this.interview = await withRetries(() => this.api.getInterview(), onWaiting);
    } catch (error) {
      const closed = closedReasonForError(error);
      if (closed) return closed;
      throw error;
    }
    const closed = closedReasonOf(this.interview);
    if (closed) return closed;

    const keep: StoredTake[] = [];
    for (const take of await this.store.takesOf(this.token)) {
      const question = this.question(take.questionId);
      const stillOpen = question && !question.answered && question.openTake?.answerId === take.answerId;
      if (question && (take.submitRequested || stillOpen)) keep.push(take);
      else await this.store.deleteTake(take.answerId);
    }
    for (const take of keep) if (take.submitRequested) this.submittedHere.add(take.questionId);
    const held = new Map<string, number[]>();
    for (const question of this.interview.questions) if (question.openTake) held.set(question.openTake.answerId, question.openTake.receivedChunks);
    await this.queue.restore(keep, held);
    this.queue.start();
    return null;
  }

  async start(onWaiting?: (waiting: boolean) => void): Promise<void> {
    this.interview = await withRetries(() => this.api.start(), onWaiting);
  }

  /** Shows the candidate the question: its text, and its think time as the server counts it. */
  async openQuestion(question: InterviewQuestion, onWaiting?: (waiting: boolean) => void): Promise<InterviewQuestion> {
    this.interview = await withRetries(() => this.api.openQuestion(question.id), onWaiting);
    return this.question(question.id) ?? question;
  }

  question(id: string): InterviewQuestion | undefined {
    return this.interview.questions.find((q) => q.id === id);
  }

  isDone(question: InterviewQuestion): boolean {
    return question.answered || this.submittedHere.has(question.id);
  }

  /** The first question neither answered on the server nor submitted here; null when all are. */
  currentQuestion(): InterviewQuestion | null {
    return [...this.interview.questions].sort((a, b) => a.index - b.index).find((q) => !this.isDone(q)) ?? null;
  }

  /** True once this visit has started answering (for "Continue" instead of "Start"). */
  get hasProgress(): boolean {
    return this.interview.questions.some((q) => q.opened || q.takesUsed > 0 || this.isDone(q));
  }

  /**
   * Starts a take of the question on the server and here. Any other unsubmitted take of the question is
   * dropped, as the server discards it too. An open take that never received a piece is reused: it
   * costs no retake (a reload right after starting, or an answer lost on the way).
   */
  async beginTake(question: InterviewQuestion, mimeType: string, onWaiting?: (waiting: boolean) => void): Promise<StartedTake> {
    const unused = await this.unusedOpenTake(question, mimeType);
    let started: StartedTake;
    if (unused) {
      started = unused;
    } else {
      // The take this device recorded pieces of: the server must not hand it back as new while they are still on their way.
      const replaces = await this.takeWithPiecesHere(question.id);
      try {
        started = await withRetries(() => this.api.startTake(question.id, mimeType, replaces), onWaiting);
      } catch (error) {
        // A retried request may have started the take already: the server then holds it as open.
        if (!(error instanceof CandidateApiError && error.code === 'no_retakes_left')) throw error;
        this.interview = await withRetries(() => this.api.getInterview(), onWaiting);
        const fresh = this.question(question.id);
        const adopted = fresh && (await this.unusedOpenTake(fresh, mimeType));
        if (!adopted) throw error;
        started = adopted;
      }
    }
    for (const take of await this.store.takesOf(this.token)) {
      if (take.questionId === question.id && take.answerId !== started.answerId && !take.submitRequested) await this.queue.discard(take.answerId);
    }
    const take: StoredTake = {
      answerId: started.answerId,
      interviewToken: this.token,
      questionId: question.id,
      take: started.take,
      mimeType,
      chunkCount: null,
      recordedMs: null,
      submitRequested: false,
      chunksSoFar: 0,
      recordedSoFarMs: 0,
      createdAt: Date.now(),
    };
    this.recordedHere.add(started.answerId);
    await this.keepOnDevice(() => this.store.putTake(take));
    this.queue.track(take);
    const current = this.question(question.id);
    if (current) {
      current.takesUsed = Math.max(current.takesUsed, started.take);
      current.openTake = { answerId: started.answerId, take: started.take, mimeType, receivedChunks: [], bytesReceived: 0, lastChunkSecondsAgo: null };
    }
    return started;
  }

  /**
   * The latest unsubmitted take of the question that recorded a piece on this device (in this page, or kept from before
   * a reload); none when it recorded nothing, so a reload right after pressing Start still reuses that empty take.
   */
  private async takeWithPiecesHere(questionId: string): Promise<string | undefined> {
    const inPage = [...this.piecesRecorded].filter(([, question]) => question === questionId).at(-1)?.[0];
    if (inPage) return inPage;
    const kept = (await this.store.takesOf(this.token).catch(() => []))
      .filter((take) => take.questionId === questionId && !take.submitRequested && take.chunksSoFar > 0)
      .sort((a, b) => a.createdAt - b.createdAt);
    return kept.at(-1)?.answerId;
  }

  private async unusedOpenTake(question: InterviewQuestion, mimeType: string): Promise<StartedTake | null> {
    const open = question.openTake;
    if (!open || this.recordedHere.has(open.answerId) || open.receivedChunks.length > 0 || open.mimeType !== mimeType) return null;
    if ((await this.store.chunkSeqs(open.answerId)).length > 0) return null;
    return { answerId: open.answerId, take: open.take, takesLeft: Math.max(0, 1 + question.retakes - open.take) };
  }

  /** Where the recorder puts each piece: IndexedDB first (when it can), then the upload queue, which holds it in memory too. */
  chunkSink(answerId: string, questionId: string): ChunkSink {
    return async (seq, blob, recordedSoFarMs) => {
      this.piecesRecorded.delete(answerId);
      this.piecesRecorded.set(answerId, questionId);
      await this.keepOnDevice(() => this.store.putChunkWithProgress({ answerId, seq, blob, size: blob.size }, { chunksSoFar: seq + 1, recordedSoFarMs }));
      this.queue.enqueue(answerId, seq, blob);
    };
  }

  /** Recording stopped: remember its length so a reload can offer it as it is. */
  async finishTake(answerId: string, chunkCount: number, recordedMs: number): Promise<void> {
    await this.keepOnDevice(() => this.store.updateTake(answerId, { chunkCount, recordedMs }));
  }

  /** A write to IndexedDB that the recording must not wait on or fail with: a refusal is remembered and shown instead. */
  private async keepOnDevice(write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (error) {
      console.warn('This device could not keep a recording piece', error);
      if (!this.deviceStorageFailed) {
        this.deviceStorageFailed = true;
        this.dispatchEvent(new CustomEvent('changed'));
      }
    }
  }

  /** This take is the answer: the queue submits it once every piece has arrived. */
  async submitTake(questionId: string, answerId: string, chunkCount: number, recordedMs: number): Promise<void> {
    await this.queue.requestSubmit(answerId, chunkCount, recordedMs);
    this.submittedHere.add(questionId);
  }

  /**
   * The question's open take is being recorded somewhere else right now (another device; another tab of this
   * browser is kept out by a lock): it received a piece moments ago and was not recorded here. Offering it as
   * "kept" would let this device submit it while the other one is still recording. Asks the server afresh;
   * offline, nothing says so.
   */
  async recordingElsewhere(question: InterviewQuestion): Promise<boolean> {
    let open;
    try {
      open = await this.freshOpenTake(question);
    } catch {
      return false;
    }
    return !!open && (await this.liveElsewhere(open));
  }

  /** The question's open take as the server sees it now. */
  private async freshOpenTake(question: InterviewQuestion): Promise<OpenTake | null | undefined> {
    return (await this.api.getInterview()).questions.find((q) => q.id === question.id)?.openTake;
  }

  /** It received a piece moments ago and was recorded neither in this tab nor by an earlier page of this browser. */
  private async liveElsewhere(open: OpenTake): Promise<boolean> {
    if (open.lastChunkSecondsAgo === null || open.lastChunkSecondsAgo >= RECORDING_ELSEWHERE_SECONDS || this.recordedHere.has(open.answerId)) return false;
    // Kept on this device: recorded by an earlier page of this browser, which the tab lock says is gone (its
    // pieces may be what this page re-sent just now). Without the lock, another open tab shares this storage,
    // so only this tab's own takes are known.
    return !(tabLocksAvailable() && (await this.store.getTake(open.answerId).catch(() => undefined)));
  }

  /**
   * A take that cannot be completed from this device (the server refused a piece, or pieces were lost on both
   * sides) when the question has no attempt left: what reached the server from its start is submitted, so the
   * candidate can go on instead of being asked for a recording the server would refuse. Returns the seconds
   * submitted, or 0 when the server holds nothing to submit.
   */
  async submitHeldPart(question: InterviewQuestion): Promise<number | 'elsewhere'> {
    const open = await this.freshOpenTake(question);
    if (!open) return 0;
    // Not a take another device is still recording: that one is finished there, not cut short here.
    if (await this.liveElsewhere(open)) return 'elsewhere';
    const count = unbrokenCount(open.receivedChunks);
    if (count === 0) return 0;
    // Pieces are about a second each (the recorder's timeslice); ffmpeg measures the real length.
    const interview = await this.api.submit(open.answerId, count, count * 1000);
    this.submittedHere.add(question.id);
    this.queue.clearError();
    this.onSubmitted({ answerId: open.answerId, questionId: question.id, interview });
    return count;
  }

  /**
   * The question's open take, if its pieces are all held between the server and this device: a reload
   * mid-answer keeps what was recorded up to the reload.
   */
  async recoverTake(question: InterviewQuestion): Promise<RecoveredTake | null> {
    const open = question.openTake;
    if (!open || this.submittedHere.has(question.id)) return null;
    const local = await this.store.getTake(open.answerId);
    const localSeqs = await this.store.chunkSeqs(open.answerId);
    let chunkCount = unbrokenCount([...open.receivedChunks, ...localSeqs]);
    if (local?.chunkCount !== null && local?.chunkCount !== undefined && local.chunkCount <= chunkCount) chunkCount = local.chunkCount;
    if (chunkCount === 0) return null;

    const recordedMs =
      local?.chunkCount === chunkCount && local.recordedMs !== null
        ? local.recordedMs
        : local && local.chunksSoFar === chunkCount && local.recordedSoFarMs > 0
          ? local.recordedSoFarMs
          : chunkCount * 1000;
    const take: StoredTake = local
      ? { ...local, chunkCount, recordedMs }
      : {
          answerId: open.answerId,
          interviewToken: this.token,
          questionId: question.id,
          take: open.take,
          mimeType: open.mimeType,
          chunkCount,
          recordedMs,
          submitRequested: false,
          chunksSoFar: chunkCount,
          recordedSoFarMs: recordedMs,
          createdAt: Date.now(),
        };
    await this.keepOnDevice(() => this.store.putTake(take));
    if (!this.queue.hasTake(take.answerId)) this.queue.track(take);

    let blob: Blob | null = null;
    if (localSeqs.length >= chunkCount && localSeqs.slice(0, chunkCount).every((seq, i) => seq === i)) {
      const chunks = (await this.store.chunksOf(open.answerId)).slice(0, chunkCount);
      blob = new Blob(
        chunks.map((c) => c.blob),
        { type: open.mimeType },
      );
    }
    return { answerId: open.answerId, take: open.take, chunkCount, recordedMs, blob };
  }

  private onSubmitted(detail: SubmittedDetail): void {
    if (detail.interview) {
      // Keep what this device knows that the server's answer may not say yet.
      this.interview = detail.interview;
    } else {
      const question = this.question(detail.questionId);
      if (question) question.answered = true;
    }
    this.dispatchEvent(new CustomEvent('changed'));
  }

  private onTakeFailed(detail: TakeFailedDetail): void {
    this.submittedHere.delete(detail.questionId);
    const question = this.question(detail.questionId);
    if (question?.openTake?.answerId === detail.answerId) question.openTake = null;
    this.dispatchEvent(new CustomEvent('take-failed', { detail }));
  }
}
