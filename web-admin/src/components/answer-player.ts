import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { QuestionAnswer } from '../data/reviews.ts';
import { clock, duration } from '../lib/format.ts';
import { sharedStyles } from '../styles/shared-styles.ts';
import './score-input.ts';

/** One question with the candidate's answer: a seekable video with its thumbnail and length, and my score for it. */
@customElement('answer-player')
export class AnswerPlayer extends LitElement {
  static styles = [
    sharedStyles,
    css`
      .card {
        padding: 1.1rem 1.25rem 1.25rem;
      }
      .number {
        font-size: 0.85rem;
        font-weight: 700;
        color: var(--muted);
        text-transform: uppercase;
        letter-spacing: 0.04em;
        margin-bottom: 0.15rem;
      }
      h2 {
        margin-bottom: 0.35rem;
      }
      .description {
        white-space: pre-wrap;
        color: var(--muted);
      }
      video {
        display: block;
        width: 100%;
        max-height: 28rem;
        aspect-ratio: 4 / 3;
        background: #111827;
        border-radius: 10px;
        margin: 0.75rem 0 0.5rem;
        object-fit: contain;
      }
      .meta {
        display: flex;
        flex-wrap: wrap;
        gap: 0.35rem 1rem;
        font-size: 0.875rem;
        color: var(--muted);
        margin-bottom: 0.9rem;
      }
      .placeholder {
        display: grid;
        place-items: center;
        text-align: center;
        aspect-ratio: 16 / 7;
        background: #f3f4f6;
        border: 1px dashed var(--border-strong);
        border-radius: 10px;
        margin: 0.75rem 0 0.9rem;
        color: #374151;
        padding: 1rem;
        /* ffmpeg's errors hold long paths without spaces. */
        overflow-wrap: anywhere;
      }
    `,
  ];

  @property({ attribute: false }) item!: QuestionAnswer;
  @property({ type: Number }) index = 0;
  @property({ type: Number }) count = 1;
  @property({ attribute: false }) score: number | null = null;
  @property({ type: Boolean }) canScore = false;
  /** Owners and admins may have a failed answer processed again. */
  @property({ type: Boolean }) canRetry = false;
  @property({ type: Boolean }) retrying = false;

  render() {
    const { item } = this;
    const n = this.index + 1;
    const headingId = `question-${n}`;
    return html`<article class="card" aria-labelledby=${headingId}>
      <div class="number">Question ${n} of ${this.count}</div>
      <h2 id=${headingId}>${item.title}</h2>
      ${item.description ? html`<p class="description">${item.description}</p>` : nothing}
      ${this.renderAnswer(n)}
      ${this.canScore ? html`<score-input .value=${this.score} label="Your score for question ${n}" @score-change=${this.onScore}></score-input>` : nothing}
    </article>`;
  }

  private renderAnswer(n: number) {
    const answer = this.item.answer;
    if (!answer) return html`<div class="placeholder">No answer was recorded for this question.</div>`;
    if (answer.status === 'failed') {
      return html`<div class="placeholder">
        <div>
          <p>The recording could not be processed${answer.processingError ? `: ${answer.processingError}` : ''}.</p>
          ${this.canRetry
            ? html`<p>The candidate's upload is kept. <button ?disabled=${this.retrying} @click=${this.onRetry}>${this.retrying ? 'Queuing…' : 'Process it again'}<span class="visually-hidden"> (question ${this.index + 1})</span></button></p>`
            : html`<p>An owner or admin can have it processed again.</p>`}
        </div>
      </div>`;
    }
    if (answer.status !== 'ready' || !answer.videoUrl) return html`<div class="placeholder">The recording is being processed. It appears here in a moment; reload the page to check.</div>`;
    return html`<video controls preload="metadata" playsinline src=${answer.videoUrl} poster=${answer.thumbnailUrl ?? nothing} aria-label="Answer to question ${n}"></video>
      <div class="meta">
        ${answer.durationSeconds !== null ? html`<span>Length <strong>${clock(answer.durationSeconds)}</strong> of up to ${duration(this.item.maxAnswerSeconds)}</span>` : nothing}
        <span>Take ${answer.take} (${this.item.retakes === 0 ? 'no retakes allowed' : `${this.item.retakes} ${this.item.retakes === 1 ? 'retake' : 'retakes'} allowed`})</span>
        ${this.item.thinkTimeSeconds ? html`<span>${duration(this.item.thinkTimeSeconds)} think time</span>` : nothing}
      </div>`;
  }

  private onRetry() {
    this.dispatchEvent(new CustomEvent('answer-retry', { detail: { answerId: this.item.answer!.id }, bubbles: true, composed: true }));
  }

  private onScore(event: CustomEvent<{ value: number | null }>) {
    event.stopPropagation();
    this.dispatchEvent(new CustomEvent('question-score-change', { detail: { questionId: this.item.questionId, value: event.detail.value }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'answer-player': AnswerPlayer;
  }
}
