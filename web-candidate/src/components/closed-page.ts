import { LitElement, css, html, svg } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ClosedReason } from '../data/interview-session.ts';
import { sharedStyles } from '../styles/shared-styles.ts';

const messages: Record<ClosedReason, { title: string; body: string }> = {
  unknown: {
    title: 'This link is not valid',
    body: 'We could not find an interview for this link. Check that you opened the whole link from your invitation email; if it still does not work, reply to that email.',
  },
  expired: {
    title: 'This interview has expired',
    body: 'The deadline passed before the interview was completed. If you still want to apply, ask the recruiter for a new invitation.',
  },
  cancelled: {
    title: 'This interview was cancelled',
    body: 'The recruiter cancelled this invitation. Nothing more is needed from you.',
  },
  completed: {
    title: 'This interview is complete',
    body: 'Your answers have been submitted. Thank you! You can close this page.',
  },
};

/** The page for a link that can no longer be used. It says nothing about any other interview. */
@customElement('closed-page')
export class ClosedPage extends LitElement {
  static styles = [
    sharedStyles,
    css`
      .icon {
        width: 2.75rem;
        height: 2.75rem;
        margin-bottom: 0.75rem;
        color: var(--primary);
      }
      .icon.ok {
        color: var(--success);
      }
    `,
  ];

  @property() reason: ClosedReason = 'unknown';

  focusHeading(): void {
    this.renderRoot.querySelector<HTMLElement>('h1')?.focus();
  }

  render() {
    const { title, body } = messages[this.reason] ?? messages.unknown;
    return html`<section class="card" data-reason=${this.reason}>
      <svg class="icon ${this.reason === 'completed' ? 'ok' : ''}" viewBox="0 0 24 24" aria-hidden="true">
        <circle cx="12" cy="12" r="10.5" fill="none" stroke="currentColor" stroke-width="2" />
        ${this.reason === 'completed'
          ? svg`<path d="M7 12.5l3.2 3.2L17 9" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round" />`
          : svg`<path d="M12 10.5v6.5" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" /><circle cx="12" cy="7.2" r="1.4" fill="currentColor" />`}
      </svg>
      <h1 tabindex="-1">${title}</h1>
      <p>${body}</p>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'closed-page': ClosedPage;
  }
}
