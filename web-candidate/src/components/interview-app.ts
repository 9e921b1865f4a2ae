import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import { tokenFromPath, type InterviewQuestion } from '../data/candidate-api.ts';
import { holdInterviewTab } from '../data/one-tab-lock.ts';
import { InterviewSession, closedReasonForCode, closedReasonForError, closedReasonOf, type ClosedReason, type RecoveredTake } from '../data/interview-session.ts';
import type { UploadState } from '../data/upload-queue.ts';
import { isLive, stopStream } from '../media/media-devices.ts';
import { chooseRecordingType } from '../media/recorder-format.ts';
import { sharedStyles } from '../styles/shared-styles.ts';
import './closed-page.ts';
import './device-check.ts';
import type { DevicesReadyDetail } from './device-check.ts';
import './done-page.ts';
import './question-recorder.ts';
import type { AnswerSubmittedDetail, InterviewClosedDetail } from './question-recorder.ts';
import './upload-status.ts';
import './welcome-page.ts';

type Page =
  | { name: 'loading' }
  | { name: 'load-error'; message: string }
  | { name: 'other-tab' }
  | { name: 'elsewhere' }
  | { name: 'closed'; reason: ClosedReason }
  | { name: 'welcome' }
  | { name: 'devices' }
  | { name: 'question'; question: InterviewQuestion; recovered: RecoveredTake | null; recordingAgain: boolean }
  | { name: 'done' };

/** A page and, for a question, which one: the next question is a new page too. */
function pageKey(page: Page | undefined): string | undefined {
  return page?.name === 'question' ? `question:${page.question.id}` : page?.name;
}

/** The candidate app: loads the interview behind the link and moves the candidate through it. */
@customElement('interview-app')
export class InterviewApp extends LitElement {
  static styles = [
    sharedStyles,
    css`
      :host {
        max-width: 56rem;
        margin: 0 auto;
        padding: 1rem 1rem 3rem;
      }
      header {
        display: flex;
        justify-content: space-between;
        align-items: baseline;
        gap: 1rem;
        padding: 0.25rem 0 1rem;
        color: var(--muted);
        font-size: 0.95rem;
      }
      header strong {
        color: var(--text);
      }
      .loading {
        padding: 3rem 0;
        text-align: center;
      }
      @media (max-width: 480px) {
        :host {
          padding: 0.5rem 0.5rem 2rem;
        }
      }
    `,
  ];

  @state() private page: Page = { name: 'loading' };
  @state() private uploadState: UploadState | null = null;
  @state() private busy = false;
  @state() private waiting = false;
  @state() private error = '';
  /** Something the candidate should know about the last answer, shown on the next page. */
  @state() private notice = '';

  private session?: InterviewSession;
  private stream: MediaStream | null = null;
  private readonly mimeType = chooseRecordingType();
  private answeredHere = 0;
  private recordNext = false;

  connectedCallback(): void {
    super.connectedCallback();
    void this.boot();
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.session?.queue.stop();
    stopStream(this.stream);
  }

  protected updated(changed: PropertyValues): void {
    if (changed.has('page') && pageKey(changed.get('page') as Page | undefined) !== pageKey(this.page)) {
      // A new page (or the next question): move focus to its heading so screen readers start there.
      void this.updateComplete.then(() => {
        const current = this.renderRoot.querySelector('[data-page]') as (HTMLElement & { focusHeading?: () => void; updateComplete?: Promise<unknown> }) | null;
        void Promise.resolve(current?.updateComplete).then(() => current?.focusHeading?.());
      });
    }
  }

  render() {
    const interview = this.session?.interview;
    // Pieces left from an earlier visit upload from the welcome page on, so their state shows there too.
    // Also while the next question waits for the connection: the last answer may still be uploading.
    const showUploads = ['welcome', 'devices', 'question', 'done'].includes(this.page.name) || (this.page.name === 'loading' && !!interview);
    return html`${interview && this.page.name !== 'closed'
        ? html`<header><span><strong>${interview.position.name}</strong></span><span>Video interview</span></header>`
        : nothing}
      ${showUploads ? html`<upload-status .state=${this.uploadState} .answered=${this.answeredHere}></upload-status>` : nothing}
      ${this.notice && showUploads ? html`<p class="notice warning" role="alert">${this.notice}</p>` : nothing}
      ${showUploads && this.session?.deviceStorageFailed
        ? html`<p class="notice warning" role="alert">This device could not keep a copy of your recording (its storage may be full). Your answers upload straight from this page: keep it open until everything is sent.</p>`
        : nothing}
      <main>${this.renderPage()}</main>`;
  }

  private renderPage() {
    const page = this.page;
    const session = this.session;
    switch (page.name) {
      case 'loading':
        return html`<div class="loading" role="status">${this.waiting ? 'Waiting for the connection…' : 'Loading your interview…'}</div>`;
      case 'load-error':
        return html`<section class="card" data-page>
          <h1 tabindex="-1">Something went wrong</h1>
          <p>${page.message}</p>
          <div class="actions"><button @click=${() => location.reload()}>Reload the page</button></div>
        </section>`;
      case 'other-tab':
        return html`<section class="card" data-page>
          <h1 tabindex="-1">Your interview is open in another tab</h1>
          <p>This interview is already open in another tab or window of this browser. Please continue there, so that your answers are recorded once.</p>
          <p>If you closed it, use the button below.</p>
          <div class="actions"><button @click=${() => location.reload()}>Continue here</button></div>
        </section>`;
      case 'elsewhere':
        return html`<section class="card" data-page>
          <h1 tabindex="-1">This answer is being recorded somewhere else</h1>
          <p>Your answer to this question is being recorded right now on another device or in another browser. Please finish it there.</p>
          <p>If you stopped there, wait half a minute, then check again: what was recorded is kept, and you can submit it or record it again here.</p>
          <div class="actions"><button @click=${() => location.reload()}>Check again</button></div>
        </section>`;
      case 'closed':
        return html`<closed-page data-page .reason=${page.reason}></closed-page>`;
      case 'welcome':
        return html`<welcome-page
          data-page
          .interview=${session!.interview}
          .continuing=${session!.hasProgress}
          .busy=${this.busy}
          .error=${this.error}
          @start-interview=${this.onStart}
        ></welcome-page>`;
      case 'devices':
        return html`<device-check data-page .mimeType=${this.mimeType} .nextQuestion=${this.nextQuestionNumber()} .totalQuestions=${session!.interview.questions.length} @devices-ready=${this.onDevicesReady}></device-check>`;
      case 'question': {
        const questions = session!.interview.questions;
        const number = [...questions].sort((a, b) => a.index - b.index).findIndex((q) => q.id === page.question.id) + 1;
        return keyed(
          page.question.id,
          html`<question-recorder
            data-page
            .session=${session!}
            .question=${page.question}
            .number=${number}
            .total=${questions.length}
            .stream=${this.stream}
            .mimeType=${this.mimeType ?? ''}
            .recovered=${page.recovered}
            .recordingAgain=${page.recordingAgain}
            @answer-submitted=${this.onAnswerSubmitted}
            @interview-closed=${this.onInterviewClosed}
            @devices-lost=${this.onDevicesLost}
            @recording-elsewhere=${this.onRecordingElsewhere}
          ></question-recorder>`,
        );
      }
      case 'done':
        return html`<done-page data-page .firstName=${session!.interview.candidateFirstName} .uploadState=${this.uploadState}></done-page>`;
    }
  }

  private nextQuestionNumber(): number {
    const session = this.session!;
    const current = session.currentQuestion();
    const ordered = [...session.interview.questions].sort((a, b) => a.index - b.index);
    return current ? ordered.indexOf(current) + 1 : 1;
  }

  private async boot(): Promise<void> {
    const token = tokenFromPath(location.pathname);
    if (!token) {
      this.page = { name: 'closed', reason: 'unknown' };
      return;
    }
    if (!(await holdInterviewTab(token))) {
      this.page = { name: 'other-tab' };
      return;
    }
    try {
      this.session = await InterviewSession.open(token);
    } catch {
      this.page = {
        name: 'load-error',
        message: 'This browser does not let the page store your recording while it uploads (private browsing can do that). Please open the link in a normal window.',
      };
      return;
    }
    const session = this.session;
    session.queue.addEventListener('change', (event) => (this.uploadState = (event as CustomEvent<UploadState>).detail));
    session.queue.addEventListener('closed', (event) => {
      const reason = closedReasonForCode((event as CustomEvent<{ code: string }>).detail.code);
      this.close(reason ?? 'expired');
    });
    session.addEventListener('changed', () => this.requestUpdate());
    // An answer that could not be completed is asked again; from the done page (camera off) via the device check.
    session.addEventListener('take-failed', () => {
      if (this.page.name === 'done') this.page = { name: 'devices' };
    });
    try {
      const closed = await session.load((waiting) => (this.waiting = waiting));
      this.uploadState = session.queue.state;
      if (closed) return this.close(closed);
      this.page = session.currentQuestion() ? { name: 'welcome' } : this.allAnsweredPage();
    } catch (error) {
      this.page = { name: 'load-error', message: `Your interview could not be loaded (${(error as Error)?.message ?? error}).` };
    }
  }

  private allAnsweredPage(): Page {
    // Everything answered: thanks while uploads finish, else the interview is simply complete.
    return this.session!.queue.idle && this.session!.interview.submitted ? { name: 'closed', reason: 'completed' } : { name: 'done' };
  }

  private close(reason: ClosedReason): void {
    this.releaseCamera();
    this.session?.queue.stop();
    this.page = { name: 'closed', reason };
  }

  private async onStart(): Promise<void> {
    const session = this.session!;
    this.busy = true;
    this.error = '';
    try {
      await session.start();
      const closed = closedReasonOf(session.interview);
      if (closed) return this.close(closed);
      // Straight to a take kept from before a reload (it can be submitted without the camera), else the device check.
      await this.showCurrentQuestion();
    } catch (error) {
      const closed = closedReasonForError(error);
      if (closed) return this.close(closed);
      this.error = `The interview could not be started (${(error as Error)?.message ?? error}). Please try again.`;
    } finally {
      this.busy = false;
    }
  }

  private async onDevicesReady(event: CustomEvent<DevicesReadyDetail>): Promise<void> {
    this.stream = event.detail.stream;
    await this.showCurrentQuestion();
  }

  private async onAnswerSubmitted(event: CustomEvent<AnswerSubmittedDetail | null>): Promise<void> {
    this.answeredHere++;
    const partial = event.detail?.partialSeconds;
    this.notice = partial
      ? `Part of your last answer could not be uploaded, and no attempt was left to record it again. The first ${partial} ${partial === 1 ? 'second' : 'seconds'}, which did reach us, were submitted as your answer.`
      : '';
    await this.showCurrentQuestion();
  }

  /** The camera is needed and gone (it ended, or was never set up after a reload): the device check, then a new recording. */
  private onDevicesLost(): void {
    this.releaseCamera();
    this.recordNext = true;
    this.page = { name: 'devices' };
  }

  /** Lets the camera and microphone go (their light goes off); the device check asks for them again. */
  private releaseCamera(): void {
    stopStream(this.stream);
    this.stream = null;
  }

  private onRecordingElsewhere(): void {
    this.releaseCamera();
    this.page = { name: 'elsewhere' };
  }

  private onInterviewClosed(event: CustomEvent<InterviewClosedDetail>): void {
    this.close(event.detail.reason ?? 'expired');
  }

  private async showCurrentQuestion(): Promise<void> {
    const session = this.session!;
    const question = session.currentQuestion();
    if (!question) {
      this.releaseCamera();
      this.page = { name: 'done' };
      return;
    }
    if (!this.recordNext && (await session.recordingElsewhere(question))) {
      this.releaseCamera();
      this.page = { name: 'elsewhere' };
      return;
    }
    // Asked to record (again) when the camera was gone: not the kept take a second time.
    const recordingAgain = this.recordNext;
    const recovered = recordingAgain ? null : await session.recoverTake(question);
    this.recordNext = false;
    if (!recovered && !isLive(this.stream)) {
      this.page = { name: 'devices' };
      return;
    }
    let shown = question;
    try {
      // Its text comes, and its think time starts, now (a kept take's question was opened long ago).
      if (!recovered) {
        shown = await session.openQuestion(question, (waiting) => {
          this.waiting = waiting;
          // Offline: say so while the next question cannot be fetched, instead of leaving the last one on screen.
          if (waiting) this.page = { name: 'loading' };
        });
      }
    } catch (error) {
      const closed = closedReasonForError(error);
      if (closed) return this.close(closed);
      this.page = { name: 'load-error', message: `The next question could not be loaded (${(error as Error)?.message ?? error}). Please reload the page.` };
      return;
    }
    this.page = { name: 'question', question: shown, recovered, recordingAgain };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'interview-app': InterviewApp;
  }
}
