import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { UploadState } from '../data/upload-queue.ts';
import { LeaveWarning } from '../lib/leave-warning.ts';
import { sharedStyles } from '../styles/shared-styles.ts';

type Kind = 'idle' | 'uploading' | 'offline' | 'error';

export function hasUnsent(state: UploadState | null): boolean {
  return !!state && !state.closedCode && (state.pendingChunks > 0 || state.pendingSubmits > 0);
}

function megabytes(bytes: number): string {
  return bytes >= 100 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** What has reached the server and what has not; asks the browser to warn before closing with anything unsent. */
@customElement('upload-status')
export class UploadStatus extends LitElement {
  static styles = [
    sharedStyles,
    css`
      .bar {
        margin-bottom: 1rem;
        display: flex;
        gap: 0.6rem;
        align-items: flex-start;
        border-radius: 10px;
        padding: 0.7rem 1rem;
        border: 1px solid var(--border);
        background: #fff;
      }
      .bar.uploading {
        border-color: #bfdbfe;
        background: #eff6ff;
        color: #1e3a8a;
      }
      .bar.offline {
        border-color: #fde68a;
        background: var(--warning-bg);
        color: var(--warning);
      }
      .bar.idle {
        border-color: #bbf7d0;
        background: var(--success-bg);
        color: var(--success);
      }
      .bar.error {
        border-color: #fecaca;
        background: var(--danger-bg);
        color: var(--danger);
      }
      .icon {
        font-weight: 700;
        line-height: 1.5;
      }
      p {
        margin: 0;
      }
      .keep-open {
        font-weight: 600;
      }
    `,
  ];

  @property({ attribute: false }) state: UploadState | null = null;
  /** Answers submitted so far; before the first, "all uploaded" would say nothing useful. */
  @property({ type: Number }) answered = 0;
  @state() private spoken = '';

  private readonly leaveWarning = new LeaveWarning();

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.leaveWarning.set(false);
  }

  protected willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('state')) {
      this.leaveWarning.set(hasUnsent(this.state));
      // Only changes of kind are read out, not every piece counted down.
      const kind = this.kind;
      if (kind === 'offline') this.spoken = 'You are offline. Recording continues; your answers will upload when the connection returns.';
      else if (kind === 'error') this.spoken = this.state?.error ?? '';
      else if (kind === 'idle' && this.answered > 0) this.spoken = 'All answers uploaded.';
      else this.spoken = '';
    }
  }

  private get kind(): Kind {
    const s = this.state;
    if (!s) return 'idle';
    if (!s.online) return 'offline';
    if (s.error) return 'error';
    if (hasUnsent(s)) return 'uploading';
    return 'idle';
  }

  render() {
    const s = this.state;
    if (!s || s.closedCode) return nothing;
    // Before the first answer there is nothing to report unless something is wrong or on its way.
    if (this.kind === 'idle' && this.answered === 0) return html`<p class="visually-hidden" role="status">${this.spoken}</p>`;
    const pieces = s.pendingChunks;
    const piecesText = `${pieces} ${pieces === 1 ? 'piece' : 'pieces'}`;
    let body;
    switch (this.kind) {
      case 'offline':
        body = html`<span class="icon" aria-hidden="true">⚠</span>
          <div>
            <p><strong>You are offline:</strong> recording continues${pieces > 0 ? html`, ${piecesText} will upload when the connection returns` : nothing}.</p>
            ${hasUnsent(s) ? html`<p class="keep-open">Do not close this page.</p>` : nothing}
          </div>`;
        break;
      case 'uploading':
        body = html`<span class="icon" aria-hidden="true">↑</span>
          <div>
            <p>${pieces > 0 ? html`Uploading ${piecesText} (${megabytes(s.pendingBytes)})…` : 'Finishing your answer…'}${s.retrying ? ' The connection is unstable; retrying.' : ''}</p>
            <p class="keep-open">Please keep this page open until everything is uploaded.</p>
          </div>`;
        break;
      case 'error':
        body = html`<span class="icon" aria-hidden="true">!</span>
          <div>
            <p>${s.error}</p>
            ${hasUnsent(s) ? html`<p class="keep-open">Uploading ${piecesText}… Please keep this page open.</p>` : nothing}
          </div>`;
        break;
      default:
        body = html`<span class="icon" aria-hidden="true">✓</span>
          <p>All answers uploaded</p>`;
    }
    return html`<div class="bar ${this.kind}" data-kind=${this.kind} data-pending=${pieces}>${body}</div>
      <p class="visually-hidden" role="status">${this.spoken}</p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'upload-status': UploadStatus;
  }
}
