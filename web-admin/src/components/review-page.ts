import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { ApiError, errorMessage } from '../data/api-client.ts';
import { cancelInterview, decide, getInterview, isOpen, listAllInterviews, resendInvitation, type Decision, type InterviewDetail } from '../data/interviews.ts';
import { subscribeToInterviewChanges } from '../data/live-updates.ts';
import { getReviews, listAnswers, retryAnswer, saveMyReview, type QuestionAnswer, type Reviews } from '../data/reviews.ts';
import { canManage, type Session } from '../data/session.ts';
import { copyText } from '../lib/clipboard.ts';
import { announce, setPageTitle } from '../lib/events.ts';
import { STATUS_LABELS, formatScore, plural } from '../lib/format.ts';
import { loadPipelineOrder, type PipelineOrder } from '../lib/pipeline-order.ts';
import { urls } from '../lib/router.ts';
import { sharedStyles } from '../styles/shared-styles.ts';
import './answer-player.ts';
import './candidate-card.ts';
import './comment-thread.ts';
import './confirm-dialog.ts';
import type { ConfirmDialog } from './confirm-dialog.ts';
import './invitation-edit-dialog.ts';
import type { InvitationEditDialog } from './invitation-edit-dialog.ts';
import './score-input.ts';
import './status-badge.ts';

/**
 * One interview for the hiring team (/admin/interviews/:id, the API's url.private): the answers, the
 * candidate, my scores and the team's mean, comments, the decision, and the next and previous candidate.
 */
@customElement('review-page')
export class ReviewPage extends LitElement {
  static styles = [
    sharedStyles,
    css`
      .stepper {
        display: flex;
        flex-wrap: wrap;
        justify-content: space-between;
        align-items: center;
        gap: 0.5rem 1rem;
        margin-bottom: 1rem;
        font-size: 0.9rem;
      }
      .stepper .position {
        color: var(--muted);
      }
      .stepper a.button {
        max-width: 18rem;
      }
      .stepper .label {
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .title-row {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem 0.75rem;
      }
      .title-row h1 {
        margin: 0;
      }
      .decide button[aria-pressed='true'].shortlist {
        background: #6b21a8;
        border-color: #6b21a8;
        color: #fff;
      }
      .decide button.shortlist {
        color: #6b21a8;
        border-color: #6b21a8;
      }
      .decide button.shortlist:hover:not(:disabled) {
        background: #faf5ff;
        color: #581c87;
        border-color: #581c87;
      }
      .decide button[aria-pressed='true'].discard {
        background: #374151;
        border-color: #374151;
        color: #fff;
      }
      .decide button.discard {
        color: #374151;
        border-color: #6b7280;
      }
      .decide button.discard:hover:not(:disabled) {
        background: #f3f4f6;
        color: #111827;
      }
      .layout {
        display: grid;
        grid-template-columns: minmax(0, 1fr) 22rem;
        gap: 1.5rem;
        align-items: start;
      }
      .answers {
        display: grid;
        grid-template-columns: minmax(0, 1fr);
        gap: 1rem;
      }
      aside {
        display: grid;
        grid-template-columns: minmax(0, 1fr);
        gap: 1rem;
      }
      aside h2 {
        font-size: 1.05rem;
      }
      .team-score {
        display: flex;
        align-items: baseline;
        gap: 0.5rem;
        margin-bottom: 0.5rem;
      }
      .team-score .big {
        font-size: 2rem;
        font-weight: 800;
        color: var(--primary-dark);
        font-variant-numeric: tabular-nums;
      }
      ul.reviewers {
        list-style: none;
        padding: 0;
        margin: 0 0 1rem;
        font-size: 0.9rem;
      }
      ul.reviewers li {
        display: flex;
        justify-content: space-between;
        border-bottom: 1px solid #f3f4f6;
        padding: 0.2rem 0;
      }
      .save-state {
        font-size: 0.85rem;
        min-height: 1.3em;
        margin-top: 0.35rem;
      }
      .link-row {
        display: flex;
        gap: 0.5rem;
      }
      .link-row input {
        font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
        font-size: 0.8rem;
      }
      @media (max-width: 1000px) {
        .layout {
          grid-template-columns: 1fr;
        }
      }
    `,
  ];

  @property() interviewId = '';
  @property({ attribute: false }) session!: Session;
  @state() private interview: InterviewDetail | null = null;
  @state() private answers: QuestionAnswer[] | null = null;
  @state() private reviews: Reviews | null = null;
  @state() private myOverall: number | null = null;
  @state() private myQuestions: Record<string, number | null> = {};
  @state() private saveState: { kind: 'idle' | 'saving' | 'saved' | 'error'; message?: string } = { kind: 'idle' };
  @state() private error: ApiError | string | null = null;
  @state() private actionError = '';
  @state() private busy = false;
  /** The answer whose processing is being queued again. */
  @state() private retrying: string | null = null;
  @state() private order: PipelineOrder | null = null;
  @state() private copied = '';
  @query('confirm-dialog') private confirm!: ConfirmDialog;
  @query('invitation-edit-dialog') private editDialog!: InvitationEditDialog;
  private unsubscribe?: () => void;
  private saveChain: Promise<unknown> = Promise.resolve();

  connectedCallback(): void {
    super.connectedCallback();
    this.unsubscribe = subscribeToInterviewChanges((change) => {
      if (change.interviewId === this.interviewId) void this.refresh();
    });
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
  }

  protected willUpdate(changed: PropertyValues): void {
    if (changed.has('interviewId')) void this.load();
  }

  private async load() {
    this.interview = null;
    this.answers = null;
    this.reviews = null;
    this.error = null;
    this.actionError = '';
    this.saveState = { kind: 'idle' };
    this.copied = '';
    const id = this.interviewId;
    try {
      const [interview, answers, reviews] = await Promise.all([getInterview(id), listAnswers(id), getReviews(id)]);
      if (id !== this.interviewId) return;
      this.interview = interview;
      this.answers = answers;
      this.setReviews(reviews, true);
      setPageTitle(this, `${interview.candidate.name}: ${interview.position.name}`);
      void this.loadOrder(interview);
    } catch (error) {
      if (id === this.interviewId) this.error = error instanceof ApiError ? error : errorMessage(error);
    }
  }

  /** Another reviewer scored, or the candidate finished: fresh data without losing my unsaved state. */
  private async refresh() {
    try {
      const [interview, answers, reviews] = await Promise.all([getInterview(this.interviewId), listAnswers(this.interviewId), getReviews(this.interviewId)]);
      this.interview = interview;
      this.answers = keepUnchangedAnswers(this.answers, answers);
      this.setReviews(reviews, false);
    } catch {
      // The next change or a reload shows it; a failed background refresh must not blank the page.
    }
  }

  private setReviews(reviews: Reviews, takeMine: boolean) {
    this.reviews = reviews;
    if (takeMine) {
      this.myOverall = reviews.mine?.overallScore ?? null;
      this.myQuestions = { ...(reviews.mine?.questionScores ?? {}) };
    }
  }

  private async loadOrder(interview: InterviewDetail) {
    const saved = loadPipelineOrder(interview.position.id);
    if (saved?.items.some((i) => i.id === interview.id)) {
      this.order = saved;
      return;
    }
    try {
      const { items } = await listAllInterviews({ positionId: interview.position.id }, 1000);
      this.order = { positionId: interview.position.id, url: urls.pipeline(interview.position.id), items: items.map((i) => ({ id: i.id, name: i.candidate.name })) };
    } catch {
      this.order = null;
    }
  }

  render() {
    if (this.error) {
      const notFound = this.error instanceof ApiError && this.error.status === 404;
      const workspace = this.session.workspaces.find((w) => w.id === this.session.workspaceId);
      return html`<section class="card">
        <h1 tabindex="-1">${notFound ? 'Interview not found' : 'The interview could not be loaded'}</h1>
        <p>
          ${notFound
            ? html`There is no such interview in ${workspace?.name ?? 'this workspace'}. It may have been deleted${this.session.workspaces.length > 1 ? ', or it belongs to another of your workspaces: switch workspace at the top and open the link again' : ''}.`
            : errorMessage(this.error)}
        </p>
        <p><a href=${urls.templates()}>Go to the interview templates</a></p>
      </section>`;
    }
    const i = this.interview;
    if (!i || !this.answers || !this.reviews) return html`<p class="loading">Loading the interview…</p>`;
    return html`${this.renderStepper(i)}
      <div class="page-header">
        <div>
          <div class="breadcrumbs"><a href=${urls.templates()}>Templates</a> / <a href=${this.order?.url ?? urls.pipeline(i.position.id)}>${i.position.name}</a></div>
          <div class="title-row">
            <h1 tabindex="-1">${i.candidate.name}</h1>
            <status-badge .status=${i.status}></status-badge>
            ${i.decision ? html`<status-badge .decision=${i.decision}></status-badge>` : nothing}
          </div>
        </div>
        ${this.renderDecision(i)}
      </div>
      ${this.actionError ? html`<p class="notice error" role="alert">${this.actionError}</p>` : nothing}
      <div class="layout">
        <section class="answers" aria-label="Answers">
          ${i.status !== 'completed' ? html`<p class="notice info">${this.statusNote(i)}</p>` : nothing}
          ${this.answers.map(
            (a, index) => html`<answer-player .item=${a} .index=${index} .count=${this.answers!.length} .score=${this.myQuestions[a.questionId] ?? null}
              ?canScore=${i.status === 'completed'} ?canRetry=${canManage(this.session)} ?retrying=${this.retrying === a.answer?.id}
              @question-score-change=${this.onQuestionScore} @answer-retry=${this.onRetryAnswer}></answer-player>`,
          )}
        </section>
        <aside>
          ${this.renderScores(i)}
          <section class="card" aria-labelledby="candidate-heading">
            <h2 id="candidate-heading">Candidate</h2>
            <candidate-card .interview=${i}></candidate-card>
          </section>
          <section class="card" aria-labelledby="comments-heading">
            <h2 id="comments-heading">Team comments</h2>
            <comment-thread .interviewId=${i.id} .userId=${this.session.user.id} ?canModerate=${canManage(this.session)}></comment-thread>
          </section>
          ${this.renderLinks(i)}
        </aside>
      </div>
      <confirm-dialog></confirm-dialog>
      <invitation-edit-dialog @invitation-updated=${this.onInvitationUpdated} @invitation-locked=${this.onInvitationLocked}></invitation-edit-dialog>`;
  }

  /** Submitted, with an answer whose processing failed for good and none still being processed: it will not complete by itself. */
  private processingFailed(): boolean {
    const answers = this.answers ?? [];
    return answers.some((a) => a.answer?.status === 'failed') && !answers.some((a) => a.answer?.status === 'submitted');
  }

  private statusNote(i: InterviewDetail): string {
    switch (i.status) {
      case 'pending':
        return 'The candidate has not started yet. Answers appear here once they are recorded.';
      case 'in_progress': {
        const answers = this.answers ?? [];
        if (answers.length === 0 || answers.some((a) => !a.answer)) {
          return 'The candidate is recording. Answers appear here as they come in; scoring opens once the interview is completed.';
        }
        if (answers.some((a) => a.answer?.status === 'failed')) {
          return 'The candidate answered every question, but a recording could not be processed (see below). The interview is completed once every answer is processed.';
        }
        return 'The candidate answered every question. The recordings are being processed; scoring opens once the interview is completed.';
      }
      case 'expired':
        return 'The deadline passed before the candidate finished. Send a new invitation if they still need to complete it.';
      default:
        return `This invitation was ${STATUS_LABELS[i.status].toLowerCase()}.`;
    }
  }

  private renderStepper(i: InterviewDetail) {
    const items = this.order?.items ?? [];
    const at = items.findIndex((x) => x.id === i.id);
    if (at < 0 || items.length < 2) return nothing;
    const prev = items[at - 1];
    const next = items[at + 1];
    return html`<nav class="stepper" aria-label="Candidates in this pipeline">
      ${prev
        ? html`<a class="button secondary small" href=${urls.review(prev.id)} rel="prev"><span aria-hidden="true">←</span><span class="label">Previous<span class="visually-hidden"> candidate</span>: ${prev.name}</span></a>`
        : html`<span></span>`}
      <span class="position">Candidate ${at + 1} of ${items.length}</span>
      ${next
        ? html`<a class="button secondary small" href=${urls.review(next.id)} rel="next"><span class="label">Next<span class="visually-hidden"> candidate</span>: ${next.name}</span><span aria-hidden="true">→</span></a>`
        : html`<span></span>`}
    </nav>`;
  }

  private renderDecision(i: InterviewDetail) {
    const completed = i.status === 'completed';
    const admin = canManage(this.session);
    return html`<div class="actions decide">
      ${completed
        ? html`<button class="secondary shortlist" aria-pressed=${i.decision === 'shortlisted' ? 'true' : 'false'} ?disabled=${this.busy} @click=${() => this.onDecide('shortlisted')}>
              ${i.decision === 'shortlisted' ? '★ Shortlisted' : '☆ Shortlist'}
            </button>
            <button class="secondary discard" aria-pressed=${i.decision === 'discarded' ? 'true' : 'false'} ?disabled=${this.busy} @click=${() => this.onDecide('discarded')}>
              ${i.decision === 'discarded' ? 'Discarded' : 'Discard'}
            </button>`
        : nothing}
      ${admin && isOpen(i) && i.submittedAt === null
        ? html`<button class="secondary" ?disabled=${this.busy} @click=${() => this.editDialog.open(i)}>Edit invitation</button>
            <button class="secondary" ?disabled=${this.busy} @click=${this.onResend}>Email the invitation again</button>`
        : nothing}
      ${admin && isOpen(i) && (i.submittedAt === null || this.processingFailed())
        ? html`<button class="danger secondary" ?disabled=${this.busy} @click=${this.onCancel}>Cancel invitation</button>`
        : nothing}
    </div>`;
  }

  private renderScores(i: InterviewDetail) {
    const reviews = this.reviews!;
    const completed = i.status === 'completed';
    return html`<section class="card" aria-labelledby="score-heading">
      <h2 id="score-heading">Score</h2>
      <div class="team-score">
        <span class="big">${formatScore(reviews.score)}</span>
        <span class="muted">${reviews.score === null ? 'no scores yet' : `team average of ${plural(reviews.reviews.filter((r) => r.overallScore !== null).length, 'reviewer')}, out of 5`}</span>
      </div>
      ${reviews.reviews.length
        ? html`<ul class="reviewers" aria-label="Scores by reviewer">
            ${reviews.reviews.map((r) => html`<li><span>${r.reviewer.name}${r.reviewer.id === this.session.user.id ? ' (you)' : ''}</span><strong>${formatScore(r.overallScore)}</strong></li>`)}
          </ul>`
        : nothing}
      ${completed
        ? html`<score-input .value=${this.myOverall} label="Your overall score" @score-change=${this.onOverallScore}></score-input>
            <div class="save-state ${this.saveState.kind === 'error' ? 'field-error' : 'muted'}" role="status">
              ${this.saveState.kind === 'saving' ? 'Saving…' : this.saveState.kind === 'saved' ? 'Your scores are saved.' : this.saveState.kind === 'error' ? this.saveState.message : ''}
            </div>`
        : html`<p class="muted small">Scoring opens when the candidate completes the interview.</p>`}
    </section>`;
  }

  private renderLinks(i: InterviewDetail) {
    const admin = canManage(this.session);
    return html`<section class="card" aria-labelledby="share-heading">
      <h2 id="share-heading">Share</h2>
      <label for="private-link">Link for your team</label>
      <div class="link-row">
        <input id="private-link" type="text" readonly .value=${i.url.private} aria-describedby="private-hint" @focus=${(e: Event) => (e.target as HTMLInputElement).select()} />
        <button class="secondary small" @click=${() => this.copy(i.url.private, 'private')}>${this.copied === 'private' ? 'Copied' : 'Copy'}<span class="visually-hidden"> link for your team</span></button>
      </div>
      <span class="hint" id="private-hint">Opens this page for members of the workspace after they log in.</span>
      ${admin && isOpen(i) && i.url.public
        ? html`<label for="public-link" style="margin-top:0.75rem">The candidate's link</label>
            <div class="link-row">
              <input id="public-link" type="text" readonly .value=${i.url.public} @focus=${(e: Event) => (e.target as HTMLInputElement).select()} />
              <button class="secondary small" @click=${() => this.copy(i.url.public!, 'public')}>${this.copied === 'public' ? 'Copied' : 'Copy'}<span class="visually-hidden"> the candidate's link</span></button>
            </div>`
        : nothing}
    </section>`;
  }

  private async copy(text: string, which: string) {
    if (await copyText(text)) {
      this.copied = which;
      announce(this, 'Link copied');
    }
  }

  private onOverallScore(event: CustomEvent<{ value: number | null }>) {
    this.myOverall = event.detail.value;
    this.save();
  }

  private onQuestionScore(event: CustomEvent<{ questionId: string; value: number | null }>) {
    this.myQuestions = { ...this.myQuestions, [event.detail.questionId]: event.detail.value };
    this.save();
  }

  private async onRetryAnswer(event: CustomEvent<{ answerId: string }>) {
    const { answerId } = event.detail;
    this.retrying = answerId;
    this.actionError = '';
    try {
      const answer = await retryAnswer(this.interviewId, answerId);
      this.answers = this.answers?.map((item) => (item.answer?.id === answerId ? { ...item, answer } : item)) ?? null;
      announce(this, 'The answer is being processed again');
    } catch (error) {
      this.actionError = `Could not queue the answer: ${errorMessage(error)}`;
    } finally {
      this.retrying = null;
    }
  }

  /** Saves my whole review; saves run one after another so the last choice wins. */
  private save() {
    const overall = this.myOverall;
    const questions = { ...this.myQuestions };
    this.saveState = { kind: 'saving' };
    this.saveChain = this.saveChain.then(async () => {
      try {
        const reviews = await saveMyReview(this.interviewId, overall, questions);
        this.setReviews(reviews, false);
        if (this.interview) this.interview = { ...this.interview, score: reviews.score };
        this.saveState = { kind: 'saved' };
      } catch (error) {
        this.saveState = { kind: 'error', message: `Not saved: ${errorMessage(error)}` };
      }
    });
  }

  private async onDecide(decision: Decision) {
    const i = this.interview!;
    const next = i.decision === decision ? null : decision;
    this.busy = true;
    this.actionError = '';
    try {
      this.interview = await decide(i.id, next);
      announce(this, next ? `${i.candidate.name} ${next}` : 'Decision cleared');
    } catch (error) {
      this.actionError = errorMessage(error);
    } finally {
      this.busy = false;
    }
  }

  private onInvitationUpdated = (event: CustomEvent<{ interview: InterviewDetail; emailed: boolean }>) => {
    this.interview = event.detail.interview;
    announce(this, event.detail.emailed ? `Invitation saved and emailed to ${event.detail.interview.candidate.email}` : 'Invitation saved');
  };

  private onInvitationLocked = (event: CustomEvent<{ message: string }>) => {
    this.actionError = `Not saved: ${event.detail.message}`;
    void this.refresh();
  };

  private async onResend() {
    const i = this.interview!;
    this.busy = true;
    this.actionError = '';
    try {
      await resendInvitation(i.id);
      announce(this, `Invitation emailed again to ${i.candidate.email}`);
    } catch (error) {
      this.actionError = errorMessage(error);
    } finally {
      this.busy = false;
    }
  }

  private async onCancel() {
    const i = this.interview!;
    const ok = await this.confirm.ask({
      title: `Cancel the invitation of ${i.candidate.name}?`,
      message: 'The candidate can no longer record; their link says the invitation was cancelled.',
      confirmLabel: 'Cancel invitation',
      danger: true,
    });
    if (!ok) return;
    this.busy = true;
    this.actionError = '';
    try {
      this.interview = await cancelInterview(i.id);
      announce(this, 'Invitation cancelled');
    } catch (error) {
      this.actionError = errorMessage(error);
    } finally {
      this.busy = false;
    }
  }
}

/**
 * Each refresh signs new media URLs; an answer that did not change keeps its old entry so its video
 * element is not reloaded under a reviewer who is watching it.
 */
function keepUnchangedAnswers(before: QuestionAnswer[] | null, after: QuestionAnswer[]): QuestionAnswer[] {
  return after.map((item) => {
    const old = before?.find((b) => b.questionId === item.questionId);
    return old && old.answer?.id === item.answer?.id && old.answer?.status === item.answer?.status ? old : item;
  });
}

declare global {
  interface HTMLElementTagNameMap {
    'review-page': ReviewPage;
  }
}
