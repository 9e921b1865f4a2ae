import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { CandidateApiError, msUntilDeadline, type InterviewQuestion } from '../data/candidate-api.ts';
import { closedReasonForError, takesLeft, type InterviewSession, type RecoveredTake } from '../data/interview-session.ts';
import { TakeLostError } from '../data/upload-queue.ts';
import { Countdown } from '../lib/countdown.ts';
import { LeaveWarning } from '../lib/leave-warning.ts';
import { clock, countdownAnnouncement, spokenDuration, timeOfDay } from '../lib/time-format.ts';
import { TakeRecorder } from '../media/take-recorder.ts';
import { isLive } from '../media/media-devices.ts';
import { sharedStyles } from '../styles/shared-styles.ts';
import './interview-progress.ts';

/** partialSeconds: only the start of the take reached the server, and that was submitted. */
export interface AnswerSubmittedDetail {
  partialSeconds?: number;
}

const DEADLINE_WARNING_MS = 60 * 60_000;

/** A think time resumed after a reload leaves at least this long to settle in before recording starts by itself. */
const minResumedThinkSeconds = 5;

type Phase = 'think' | 'ready' | 'starting' | 'recording' | 'saving' | 'recorded' | 'submitting' | 'failed';

interface Recorded {
  answerId: string;
  chunkCount: number;
  recordedMs: number;
  blob: Blob | null;
}

export interface InterviewClosedDetail {
  reason: ReturnType<typeof closedReasonForError>;
}

/** One question: think time, recording with a countdown, playback, submit or record again. */
@customElement('question-recorder')
export class QuestionRecorder extends LitElement {
  static styles = [
    sharedStyles,
    css`
      .description {
        white-space: pre-wrap;
      }
      .workspace {
        display: grid;
        grid-template-columns: minmax(0, 3fr) minmax(14rem, 2fr);
        gap: 1.25rem;
        align-items: start;
        margin-top: 1rem;
      }
      @media (max-width: 720px) {
        .workspace {
          grid-template-columns: 1fr;
        }
      }
      .media {
        position: relative;
      }
      .panel .actions {
        margin-top: 0.75rem;
      }
      .badge {
        position: absolute;
        top: 0.6rem;
        left: 0.6rem;
        padding: 0.2rem 0.6rem;
        border-radius: 999px;
        background: rgba(17, 24, 39, 0.85);
        color: #fff;
        font-weight: 600;
        font-size: 0.95rem;
      }
      .badge.rec::before {
        content: '';
        display: inline-block;
        width: 0.7em;
        height: 0.7em;
        border-radius: 50%;
        background: #ef4444;
        margin-right: 0.4em;
        animation: blink 1s steps(2, start) infinite;
      }
      @keyframes blink {
        to {
          visibility: hidden;
        }
      }
      .timer {
        font-size: 2rem;
        font-variant-numeric: tabular-nums;
        font-weight: 700;
        margin: 0.25rem 0 0.5rem;
      }
      .timer.low {
        color: var(--danger);
      }
      .meta {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 1.25rem;
        color: var(--muted);
        margin-bottom: 0.5rem;
      }
      .no-playback {
        display: grid;
        place-items: center;
        text-align: center;
        aspect-ratio: 4 / 3;
        background: #f3f4f6;
        border: 1px dashed #9ca3af;
        border-radius: 10px;
        padding: 1rem;
      }
    `,
  ];

  @property({ attribute: false }) session!: InterviewSession;
  @property({ attribute: false }) question!: InterviewQuestion;
  /** 1-based position and count, for "Question 2 of 5". */
  @property({ type: Number }) number = 1;
  @property({ type: Number }) total = 1;
  @property({ attribute: false }) stream: MediaStream | null = null;
  @property({ attribute: false }) mimeType = '';
  @property({ attribute: false }) recovered: RecoveredTake | null = null;
  /** Recorded again after the camera was set up anew (it stopped, or after a reload): the whole think time, not what is left of the first. */
  @property({ attribute: false }) recordingAgain = false;

  @state() private phase: Phase = 'ready';
  @state() private remaining = 0;
  @state() private announcement = '';
  @state() private takesLeft = 0;
  @state() private recorded: Recorded | null = null;
  @state() private playbackUrl = '';
  @state() private error = '';
  @state() private waitingForNetwork = false;

  private recorder?: TakeRecorder;
  /** Closing or reloading mid-answer cuts it short, even with every piece so far uploaded. */
  private readonly leaveWarning = new LeaveWarning();
  private countdownFrom = 0;
  private answerId = '';
  private readonly thinkCountdown = new Countdown(
    (left) => this.tick(left, 'to think'),
    () => void this.startRecording(),
  );
  private readonly answerCountdown = new Countdown(
    (left) => this.tick(left, 'left'),
    () => void this.stopRecording(),
  );

  connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('pagehide', this.onPageHide);
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('pagehide', this.onPageHide);
    this.leaveWarning.set(false);
    this.thinkCountdown.stop();
    this.answerCountdown.stop();
    this.recorder?.abandon();
    if (this.playbackUrl) URL.revokeObjectURL(this.playbackUrl);
  }

  protected firstUpdated(): void {
    this.takesLeft = takesLeft(this.question);
    if (this.recovered) {
      this.showRecorded({ ...this.recovered });
      this.announcement = 'Your earlier recording of this question was kept. Watch it if you like, then submit it or record again.';
    } else {
      this.beginQuestion({ firstShowing: !this.recordingAgain });
    }
  }

  protected updated(changed: PropertyValues): void {
    if (changed.has('phase')) {
      this.leaveWarning.set(this.phase === 'starting' || this.phase === 'recording' || this.phase === 'saving');
      // The button pressed (or the countdown) is gone: keyboard users land on the control that matters next.
      const target = { recording: '#stop', recorded: '#submit' }[this.phase as string];
      if (target) this.renderRoot.querySelector<HTMLElement>(target)?.focus();
    }
  }

  focusHeading(): void {
    this.renderRoot.querySelector<HTMLElement>('h1')?.focus();
  }

  render() {
    const q = this.question;
    return html`<section class="card">
      <interview-progress .number=${this.number} .total=${this.total}></interview-progress>
      <h1 tabindex="-1">${q.title}</h1>
      ${q.description ? html`<p class="description">${q.description}</p>` : nothing}
      <div class="meta">
        ${q.thinkTimeSeconds > 0 ? html`<span>Think time: ${spokenDuration(q.thinkTimeSeconds)}</span>` : nothing}
        <span>Answer time: up to ${spokenDuration(q.maxAnswerSeconds)}</span>
        <span>${q.retakes === 0 ? 'No retakes' : `Retakes allowed: ${q.retakes}`}</span>
      </div>
      ${this.renderDeadline()}
      <p class="visually-hidden" aria-live="polite" aria-atomic="true">${this.announcement}</p>
      <div class="workspace">
        <div class="media">${this.renderMedia()}</div>
        <div class="panel">
          ${this.renderStatus()} ${this.error ? html`<p class="notice error" id="error" role="alert" tabindex="-1">${this.error}</p>` : nothing}
          ${this.waitingForNetwork ? html`<p class="notice warning" role="status">Waiting for the connection to start recording…</p>` : nothing}
          <div class="actions">${this.renderActions()}</div>
        </div>
      </div>
    </section>`;
  }

  /** Within the last hour before the invitation's deadline: after it, the server keeps nothing more. */
  private renderDeadline() {
    const left = msUntilDeadline(this.session.interview);
    if (left === null || left > DEADLINE_WARNING_MS) return nothing;
    const minutes = Math.ceil(left / 60_000);
    const when = minutes <= 1 ? 'in less than a minute' : `in ${minutes} minutes`;
    // The time of day as this device shows it, whatever its clock's error.
    return html`<p class="notice warning deadline">Your invitation expires at ${timeOfDay(Date.now() + left)}, ${when}. Please submit your answers before then: recordings sent later cannot be kept.</p>`;
  }

  private get reviewing(): boolean {
    return this.phase === 'recorded' || this.phase === 'submitting';
  }

  private renderMedia() {
    if (this.reviewing) {
      return this.playbackUrl
        ? html`<video src=${this.playbackUrl} controls playsinline aria-label="Your recorded answer"></video>`
        : html`<div class="no-playback">
            <p>Your recording is safe, but it cannot be played back here because it has already been uploaded from this device.</p>
          </div>`;
    }
    const recording = this.phase === 'recording' || this.phase === 'saving';
    return html`<video class="mirrored" .srcObject=${this.stream} autoplay muted playsinline aria-label="Your camera"></video>
      ${recording ? html`<span class="badge rec">Recording</span>` : this.phase === 'think' ? html`<span class="badge">Get ready</span>` : nothing}`;
  }

  private renderStatus() {
    if (this.reviewing) {
      const seconds = (this.recorded?.recordedMs ?? 0) / 1000;
      return html`<h2>Your answer</h2>
        ${this.recovered && this.recorded?.answerId === this.recovered.answerId
          ? html`<p class="notice warning">We kept the answer you were recording when you left or reloaded the page.</p>`
          : nothing}
        <p>Recorded: ${spokenDuration(seconds)}. ${this.playbackUrl ? 'Play it to check it, then' : 'You can'} submit it${this.takesLeft > 0 ? ' or record it again' : ''}.</p>`;
    }
    const recording = this.phase === 'recording' || this.phase === 'saving';
    const timerLabel = this.phase === 'think' ? 'Recording starts in' : recording ? 'Time left' : 'Answer time';
    const timerValue = this.phase === 'think' || recording ? this.remaining : this.question.maxAnswerSeconds;
    return html`<div role="timer" aria-label=${timerLabel}>
      <span class="muted">${timerLabel}</span>
      <div class="timer ${recording && this.remaining <= 10 ? 'low' : ''}">${clock(timerValue)}</div>
    </div>`;
  }

  private renderActions() {
    switch (this.phase) {
      case 'think':
        return html`<button id="start" @click=${this.startRecording}>Start recording now</button>`;
      case 'ready':
        return html`<button id="start" @click=${this.startRecording}>Start recording</button>`;
      case 'starting':
        return html`<button disabled>Starting…</button>`;
      case 'recording':
        return html`<button id="stop" class="danger" @click=${this.stopRecording}>Stop recording</button>`;
      case 'saving':
        return html`<button disabled>Saving…</button>`;
      case 'recorded':
      case 'submitting':
        return html`<button id="submit" @click=${this.submit} ?disabled=${this.phase === 'submitting'}>Submit answer</button>
          ${this.takesLeft > 0
            ? html`<button class="secondary" id="retake" @click=${this.recordAgain} ?disabled=${this.phase === 'submitting'}>Record again (${this.takesLeft} left)</button>`
            : nothing}`;
      case 'failed':
        return this.takesLeft > 0 || this.canRetryWithoutRetake() ? html`<button id="try-again" @click=${() => this.beginQuestion()}>Try again</button>` : nothing;
    }
  }

  private canRetryWithoutRetake(): boolean {
    return !this.answerId;
  }

  private tick(left: number, what: string): void {
    this.remaining = left;
    // The full time was just said in words; the countdown speaks from the next mark on.
    if (left === this.countdownFrom) return;
    const spoken = countdownAnnouncement(left, what);
    if (spoken) this.announcement = spoken;
  }

  /**
   * On the question's first showing, the think time the server counts from when it was first opened (a reload
   * resumes it, with a few seconds at least to settle in); for a retake, the whole of it again.
   */
  private thinkTime(firstShowing: boolean): number {
    const full = this.question.thinkTimeSeconds;
    const left = this.question.thinkTimeLeftSeconds;
    if (!firstShowing || left === null || left >= full) return full;
    return Math.max(left, Math.min(full, minResumedThinkSeconds));
  }

  private beginQuestion({ firstShowing = false } = {}): void {
    // A kept take was shown without the camera (after a reload), or the camera stopped: set it up first.
    if (!isLive(this.stream)) {
      this.devicesLost();
      return;
    }
    this.error = '';
    this.answerId = '';
    const think = this.thinkTime(firstShowing);
    if (think > 0) {
      this.phase = 'think';
      this.announcement = think < this.question.thinkTimeSeconds
        ? `You have ${spokenDuration(think)} left to think. Recording starts by itself.`
        : `You have ${spokenDuration(think)} to think. Recording starts by itself.`;
      this.countdownFrom = think;
      this.thinkCountdown.start(think);
    } else {
      this.phase = 'ready';
      this.announcement = 'Press Start recording when you are ready.';
    }
  }

  private async startRecording(): Promise<void> {
    if (this.phase !== 'think' && this.phase !== 'ready') return;
    this.thinkCountdown.stop();
    if (!isLive(this.stream)) {
      // The camera or microphone went away (unplugged, permission withdrawn): set them up again first.
      this.devicesLost();
      return;
    }
    this.phase = 'starting';
    this.error = '';
    try {
      const started = await this.session.beginTake(this.question, this.mimeType, (waiting) => (this.waitingForNetwork = waiting));
      this.answerId = started.answerId;
      this.takesLeft = started.takesLeft;
      const limits = this.session.interview.limits;
      this.recorder = new TakeRecorder(this.stream, this.mimeType, this.session.chunkSink(started.answerId, this.question.id), {
        timesliceMs: 1000,
        maxPieceBytes: Math.min(limits?.maxChunkBytes ?? 1024 * 1024, 1024 * 1024),
        bytesPerSecondLimit: limits?.bytesPerSecond,
        onInterrupted: () => void this.stopRecording(),
      });
      await this.recorder.start();
      this.phase = 'recording';
      this.announcement = `Recording. You have ${spokenDuration(this.question.maxAnswerSeconds)}.`;
      this.countdownFrom = this.question.maxAnswerSeconds;
      this.answerCountdown.start(this.question.maxAnswerSeconds);
    } catch (error) {
      this.recorder = undefined;
      this.waitingForNetwork = false;
      if (this.closedBy(error)) return;
      if (error instanceof CandidateApiError && error.code === 'no_retakes_left') {
        this.takesLeft = 0;
        if (await this.submitHeldPart()) return;
        this.fail('You have used every attempt for this question.');
      } else if (error instanceof CandidateApiError && error.code === 'answer_submitted') {
        this.dispatchEvent(new CustomEvent('answer-submitted', { bubbles: true, composed: true }));
      } else {
        this.fail(`Recording could not start: ${(error as Error)?.message ?? error}`);
      }
    }
  }

  private async stopRecording(): Promise<void> {
    if (this.phase !== 'recording' || !this.recorder) return;
    this.answerCountdown.stop();
    this.phase = 'saving';
    const recorder = this.recorder;
    this.recorder = undefined;
    try {
      const result = await recorder.stop();
      if (result.chunkCount === 0) throw new Error('nothing was recorded');
      await this.session.finishTake(this.answerId, result.chunkCount, result.recordedMs);
      this.showRecorded({ answerId: this.answerId, chunkCount: result.chunkCount, recordedMs: result.recordedMs, blob: result.blob });
      if (result.interrupted) {
        this.error = `Your camera or microphone stopped, so the recording stopped after ${spokenDuration(result.recordedMs / 1000)}. What was recorded until then is kept: watch it and submit it${this.takesLeft > 0 ? ', or record again once your camera works' : ''}.`;
        this.announcement = '';
      } else {
        this.announcement = `Recording stopped: ${spokenDuration(result.recordedMs / 1000)}. Watch your answer, then submit it${this.takesLeft > 0 ? ' or record again' : ''}.`;
      }
    } catch (error) {
      this.fail(`Your recording could not be saved on this device (${(error as Error)?.message ?? error}).`);
    }
  }

  private showRecorded(recorded: Recorded): void {
    if (this.playbackUrl) URL.revokeObjectURL(this.playbackUrl);
    this.recorded = recorded;
    this.answerId = recorded.answerId;
    this.playbackUrl = recorded.blob ? URL.createObjectURL(recorded.blob) : '';
    this.phase = 'recorded';
  }

  private async submit(): Promise<void> {
    const recorded = this.recorded;
    if (!recorded || this.phase !== 'recorded') return;
    this.phase = 'submitting';
    try {
      await this.session.submitTake(this.question.id, recorded.answerId, recorded.chunkCount, recorded.recordedMs);
      this.dispatchEvent(new CustomEvent('answer-submitted', { bubbles: true, composed: true }));
    } catch (error) {
      if (error instanceof TakeLostError && this.takesLeft === 0 && (await this.submitHeldPart())) return;
      this.phase = 'recorded';
      this.error = `Your answer could not be submitted (${(error as Error)?.message ?? error}).`;
    }
  }

  /** No attempt left and this take cannot be completed here: the part the server holds becomes the answer (see InterviewSession). */
  private async submitHeldPart(): Promise<boolean> {
    try {
      const pieces = await this.session.submitHeldPart(this.question);
      if (pieces === 'elsewhere') {
        this.dispatchEvent(new CustomEvent('recording-elsewhere', { bubbles: true, composed: true }));
        return true;
      }
      if (!pieces) return false;
      this.dispatchEvent(new CustomEvent<AnswerSubmittedDetail>('answer-submitted', { detail: { partialSeconds: pieces }, bubbles: true, composed: true }));
      return true;
    } catch (error) {
      if (this.closedBy(error)) return true;
      return false;
    }
  }

  private recordAgain(): void {
    if (this.takesLeft <= 0) return;
    this.error = '';
    if (this.playbackUrl) URL.revokeObjectURL(this.playbackUrl);
    this.playbackUrl = '';
    this.recorded = null;
    this.beginQuestion();
    // The button pressed is gone: keyboard users land on the one that starts the new take.
    this.focusAfterUpdate('#start');
  }

  /** Moves keyboard focus once the next render is on screen (the control that had it may be gone). */
  private focusAfterUpdate(...selectors: string[]): void {
    void this.updateComplete.then(() => {
      for (const selector of selectors) {
        const target = this.renderRoot.querySelector<HTMLElement>(selector);
        if (target) return target.focus();
      }
    });
  }

  /** The camera or microphone is gone: the app sets them up again before anything is recorded. */
  private devicesLost(): void {
    this.dispatchEvent(new CustomEvent('devices-lost', { bubbles: true, composed: true }));
  }

  private fail(message: string): void {
    this.phase = 'failed';
    this.error = message;
    // The way on first; the message itself (read out as an alert) only when there is none.
    this.focusAfterUpdate('#try-again', '#error');
  }

  private closedBy(error: unknown): boolean {
    const reason = closedReasonForError(error);
    if (!reason) return false;
    this.dispatchEvent(new CustomEvent<InterviewClosedDetail>('interview-closed', { detail: { reason }, bubbles: true, composed: true }));
    return true;
  }

  /** Leaving mid-answer: the recorder's last second cannot be saved, but everything before it is. */
  private readonly onPageHide = () => {
    this.recorder?.abandon();
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'question-recorder': QuestionRecorder;
  }
}
