import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';

/** Where the candidate is: "Question 2 of 5" (or, before it, "Next: question 2 of 5") and a bar of the questions done. */
@customElement('interview-progress')
export class InterviewProgress extends LitElement {
  static styles = css`
    :host {
      display: flex;
      align-items: center;
      gap: 0.75rem;
      margin-bottom: 0.75rem;
      font-weight: 600;
    }
    .track {
      flex: 1;
      height: 8px;
      border-radius: 4px;
      background: #e5e7eb;
      overflow: hidden;
    }
    .fill {
      height: 100%;
      background: var(--primary);
    }
  `;

  /** The question, 1-based. */
  @property({ type: Number }) number = 1;
  @property({ type: Number }) total = 1;
  /** The question comes next (the device check before it), rather than being on screen. */
  @property({ type: Boolean }) upcoming = false;

  render() {
    const label = `${this.upcoming ? 'Next: question' : 'Question'} ${this.number} of ${this.total}`;
    return html`<span>${label}</span>
      <div class="track" aria-hidden="true"><div class="fill" style="width: ${((this.number - 1) / this.total) * 100}%"></div></div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'interview-progress': InterviewProgress;
  }
}
