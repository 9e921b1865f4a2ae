import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { PositionDraft } from '../data/positions.ts';
import { clock, duration } from '../lib/format.ts';
import { sharedStyles } from '../styles/shared-styles.ts';

/** What a candidate sees for this template: the welcome page and each question screen, as the candidate app shows them. */
@customElement('template-preview')
export class TemplatePreview extends LitElement {
  static styles = [
    sharedStyles,
    css`
      .steps {
        display: flex;
        flex-wrap: wrap;
        gap: 0.35rem;
        margin-bottom: 0.75rem;
      }
      .steps button[aria-pressed='true'] {
        background: var(--primary);
        color: #fff;
      }
      .screen {
        background: #f3f4f6;
        border: 1px solid var(--border);
        border-radius: 12px;
        padding: 1rem;
      }
      .screen .card {
        padding: 1rem 1.1rem;
      }
      .screen h3.t {
        font-size: 1.3rem;
        margin: 0 0 0.5rem;
        line-height: 1.25;
      }
      .screen h4 {
        font-size: 1.05rem;
        margin: 0.75rem 0 0.35rem;
      }
      .intro,
      .description {
        white-space: pre-wrap;
      }
      dl {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 0.25rem 1rem;
        margin: 0.75rem 0;
      }
      dt {
        font-weight: 600;
      }
      dd {
        margin: 0;
      }
      ol {
        padding-left: 1.25rem;
        margin: 0;
      }
      .progress {
        color: var(--muted);
        font-size: 0.9rem;
        margin-bottom: 0.25rem;
      }
      .camera {
        aspect-ratio: 4 / 3;
        background: #111827;
        color: #d1d5db;
        border-radius: 10px;
        display: grid;
        place-items: center;
        margin: 0.75rem 0;
        font-size: 0.9rem;
        max-height: 14rem;
        width: 100%;
      }
      .facts {
        display: flex;
        flex-wrap: wrap;
        gap: 0.35rem;
        margin: 0.5rem 0;
      }
      .fake-button {
        display: inline-block;
        background: #1d4ed8;
        color: #fff;
        font-weight: 600;
        border-radius: 8px;
        padding: 0.5rem 1rem;
      }
    `,
  ];

  @property({ attribute: false }) draft!: PositionDraft;
  @state() private step = 0;

  protected willUpdate(changed: PropertyValues): void {
    if (changed.has('draft') && this.step > this.draft.questions.length) this.step = this.draft.questions.length;
  }

  render() {
    const { draft } = this;
    return html`<div class="steps" role="group" aria-label="Preview screen">
        <button type="button" class="secondary small" aria-pressed=${this.step === 0 ? 'true' : 'false'} @click=${() => (this.step = 0)}>Welcome</button>
        ${draft.questions.map(
          (_, i) =>
            html`<button type="button" class="secondary small" aria-pressed=${this.step === i + 1 ? 'true' : 'false'} title="Question ${i + 1}" @click=${() => (this.step = i + 1)}>Q${i + 1}</button>`,
        )}
      </div>
      <div class="screen">${this.step === 0 ? this.renderWelcome() : this.renderQuestion(this.step - 1)}</div>`;
  }

  private renderWelcome() {
    const { draft } = this;
    const count = draft.questions.length;
    const total = draft.questions.reduce((sum, q) => sum + q.maxAnswerSeconds, 0);
    const anyThink = draft.questions.some((q) => q.thinkTimeSeconds > 0);
    const anyRetakes = draft.questions.some((q) => q.retakes > 0);
    return html`<div class="card">
      <h3 class="t">${draft.name || 'Untitled template'}</h3>
      <p>Hi Ada, welcome!</p>
      ${draft.introMessage ? html`<div class="intro">${draft.introMessage}</div>` : nothing}
      <dl>
        <dt>Questions</dt>
        <dd>${count} ${count === 1 ? 'question' : 'questions'}</dd>
        <dt>Answer time</dt>
        <dd>up to ${duration(total)} in total</dd>
      </dl>
      <h4>How it works</h4>
      <ol>
        <li>First you check your camera and microphone.</li>
        <li>Each question is shown on screen. ${anyThink ? 'You get a little time to think, then recording starts by itself.' : 'Recording starts when you are ready.'}</li>
        <li>${anyRetakes ? 'You can watch each answer, and record it again if that question allows retakes.' : 'You can watch each answer before you submit it.'}</li>
      </ol>
      <p style="margin-top:0.75rem"><span class="fake-button">Start interview</span></p>
    </div>`;
  }

  private renderQuestion(index: number) {
    const q = this.draft.questions[index];
    if (!q) return nothing;
    return html`<div class="card">
      <div class="progress">Question ${index + 1} of ${this.draft.questions.length}</div>
      <h3 class="t">${q.title || 'Untitled question'}</h3>
      ${q.description ? html`<p class="description">${q.description}</p>` : nothing}
      <div class="facts">
        <span class="badge neutral">${q.thinkTimeSeconds ? `${duration(q.thinkTimeSeconds)} to think` : 'Start when ready'}</span>
        <span class="badge neutral">Up to ${clock(q.maxAnswerSeconds)}</span>
        <span class="badge neutral">${q.retakes === 0 ? 'No retakes' : q.retakes === 1 ? '1 retake' : `${q.retakes} retakes`}</span>
      </div>
      <div class="camera" aria-hidden="true">Candidate's camera</div>
      <span class="fake-button">${q.thinkTimeSeconds ? 'Start recording now' : 'Start recording'}</span>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'template-preview': TemplatePreview;
  }
}
