import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { UploadState } from '../data/upload-queue.ts';
import { sharedStyles } from '../styles/shared-styles.ts';
import { hasUnsent } from './upload-status.ts';

/** The end: thanks, and only once everything is uploaded, that the page may be closed. */
@customElement('done-page')
export class DonePage extends LitElement {
  static styles = [
    sharedStyles,
    css`
      .icon {
        width: 2.75rem;
        height: 2.75rem;
        margin-bottom: 0.75rem;
        color: var(--success);
      }
    `,
  ];

  @property() firstName = '';
  @property({ attribute: false }) uploadState: UploadState | null = null;

  focusHeading(): void {
    this.renderRoot.querySelector<HTMLElement>('h1')?.focus();
  }

  render() {
    const unsent = hasUnsent(this.uploadState);
    return html`<section class="card" data-uploaded=${unsent ? 'no' : 'yes'}>
      <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
        <circle cx="12" cy="12" r="10.5" fill="none" stroke="currentColor" stroke-width="2" />
        <path d="M7 12.5l3.2 3.2L17 9" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round" />
      </svg>
      <h1 tabindex="-1">Thank you${this.firstName ? `, ${this.firstName}` : ''}!</h1>
      <p>You have answered every question.</p>
      <div role="status">
        ${unsent
          ? html`<p class="notice warning">
              <strong>Please keep this page open.</strong> Your last answers are still uploading${this.uploadState && !this.uploadState.online ? ' and will continue when your connection returns' : ''}.
            </p>`
          : html`<p class="notice success"><strong>All your answers are uploaded.</strong> It is safe to close this page now.</p>`}
      </div>
      <p class="muted">The recruiter will review your answers and get back to you.</p>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'done-page': DonePage;
  }
}
