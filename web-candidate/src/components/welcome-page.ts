import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { CandidateInterview } from '../data/candidate-api.ts';
import { deadline, spokenDuration } from '../lib/time-format.ts';
import { sharedStyles } from '../styles/shared-styles.ts';

/** What the interview is about and how it works, before the camera is touched. */
@customElement('welcome-page')
export class WelcomePage extends LitElement {
  static styles = [
    sharedStyles,
    css`
      .intro {
        white-space: pre-wrap;
        margin-bottom: 1rem;
      }
      dl {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 0.35rem 1rem;
        margin: 1rem 0;
      }
      dt {
        font-weight: 600;
      }
      dd {
        margin: 0;
      }
      ol {
        padding-left: 1.25rem;
        margin: 0 0 1rem;
      }
      li {
        margin-bottom: 0.35rem;
      }
      @media (max-width: 420px) {
        dl {
          grid-template-columns: 1fr;
        }
        dd {
          margin-bottom: 0.5rem;
        }
      }
    `,
  ];

  @property({ attribute: false }) interview!: CandidateInterview;
  @property({ type: Boolean }) continuing = false;
  @property({ type: Boolean }) busy = false;
  @property() error = '';

  focusHeading(): void {
    this.renderRoot.querySelector<HTMLElement>('h1')?.focus();
  }

  render() {
    const { interview } = this;
    const count = interview.questions.length;
    const totalAnswerSeconds = interview.questions.reduce((sum, q) => sum + q.maxAnswerSeconds, 0);
    const anyRetakes = interview.questions.some((q) => q.retakes > 0);
    const anyThinkTime = interview.questions.some((q) => q.thinkTimeSeconds > 0);
    return html`<section class="card">
      <h1 tabindex="-1">${interview.position.name}</h1>
      <p>Hi ${interview.candidateFirstName}, welcome!</p>
      ${interview.position.introMessage ? html`<div class="intro">${interview.position.introMessage}</div>` : nothing}
      <dl>
        <dt>Questions</dt>
        <dd>${count} ${count === 1 ? 'question' : 'questions'}</dd>
        <dt>Answer time</dt>
        <dd>up to ${spokenDuration(totalAnswerSeconds)} in total</dd>
        ${interview.expiresAt
          ? html`<dt>Deadline</dt>
              <dd>${deadline(interview.expiresAt)}</dd>`
          : nothing}
      </dl>
      <h2>How it works</h2>
      <ol>
        <li>First you check your camera and microphone. You can record a practice answer that stays on your device.</li>
        <li>
          Each question is shown on screen.
          ${anyThinkTime ? 'You get a little time to think, then recording starts by itself.' : 'Recording starts when you are ready.'}
        </li>
        <li>${anyRetakes ? 'You can watch each answer, and record it again if that question allows retakes.' : 'You can watch each answer before you submit it.'}</li>
        <li>Your answers upload while you record. Keep this page open until the end.</li>
      </ol>
      <p class="muted">Find a quiet, well-lit place. You need a camera, a microphone and a working internet connection.</p>
      ${this.error ? html`<p class="notice error" role="alert">${this.error}</p>` : nothing}
      <div class="actions">
        <button @click=${this.onStart} ?disabled=${this.busy}>${this.busy ? 'One moment…' : this.continuing ? 'Continue interview' : 'Start interview'}</button>
      </div>
    </section>`;
  }

  private onStart() {
    this.dispatchEvent(new CustomEvent('start-interview', { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'welcome-page': WelcomePage;
  }
}
