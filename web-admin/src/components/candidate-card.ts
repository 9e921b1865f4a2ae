import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Interview } from '../data/interviews.ts';
import { formatDateTime } from '../lib/format.ts';
import { sharedStyles } from '../styles/shared-styles.ts';

/** The candidate's contact details and the invitation's timeline. */
@customElement('candidate-card')
export class CandidateCard extends LitElement {
  static styles = [
    sharedStyles,
    css`
      dl {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 0.3rem 0.9rem;
        margin: 0 0 1rem;
        font-size: 0.95rem;
      }
      dt {
        color: var(--muted);
      }
      dd {
        margin: 0;
        overflow-wrap: anywhere;
      }
      ol {
        list-style: none;
        margin: 0;
        padding: 0;
        font-size: 0.95rem;
      }
      li {
        position: relative;
        padding: 0 0 0.7rem 1.4rem;
      }
      li::before {
        content: '';
        position: absolute;
        left: 0.2rem;
        top: 0.45rem;
        width: 0.6rem;
        height: 0.6rem;
        border-radius: 50%;
        background: #9ca3af;
      }
      li.done::before {
        background: var(--primary);
      }
      li.bad::before {
        background: var(--danger);
      }
      li:not(:last-child)::after {
        content: '';
        position: absolute;
        left: 0.45rem;
        top: 1.1rem;
        bottom: 0;
        width: 2px;
        background: #e5e7eb;
      }
      .when {
        display: block;
        font-size: 0.85rem;
        color: var(--muted);
      }
      h3 {
        font-size: 0.95rem;
        margin: 0 0 0.5rem;
      }
    `,
  ];

  @property({ attribute: false }) interview!: Interview;

  render() {
    const i = this.interview;
    const steps: { label: string; at: number | null; kind: 'done' | 'bad' | 'todo' }[] = [
      { label: 'Invited', at: i.createdAt, kind: 'done' },
      { label: 'Started', at: i.startedAt, kind: i.startedAt ? 'done' : 'todo' },
      { label: 'Completed', at: i.completedAt, kind: i.completedAt ? 'done' : 'todo' },
    ];
    if (i.expiredAt) steps.push({ label: 'Expired', at: i.expiredAt, kind: 'bad' });
    if (i.cancelledAt) steps.push({ label: 'Cancelled', at: i.cancelledAt, kind: 'bad' });
    if (i.decidedAt && i.decision) steps.push({ label: i.decision === 'shortlisted' ? 'Shortlisted' : 'Discarded', at: i.decidedAt, kind: 'done' });
    const open = i.status === 'pending' || i.status === 'in_progress';
    return html`<dl>
        <dt>Email</dt>
        <dd><a href="mailto:${i.candidate.email}">${i.candidate.email}</a></dd>
        ${i.candidate.phone ? html`<dt>Phone</dt><dd><a href="tel:${i.candidate.phone}">${i.candidate.phone}</a></dd>` : nothing}
        ${i.externalId ? html`<dt>ATS id</dt><dd class="mono">${i.externalId}</dd>` : nothing}
        ${i.expiresAt ? html`<dt>Deadline</dt><dd>${formatDateTime(i.expiresAt)}</dd>` : nothing}
      </dl>
      <h3>Timeline</h3>
      <ol>
        ${steps.map(
          (s) => html`<li class=${s.kind}>
            ${s.label}${s.at ? html`<span class="when">${formatDateTime(s.at)}</span>` : html`<span class="when">${open ? 'not yet' : '—'}</span>`}
          </li>`,
        )}
      </ol>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'candidate-card': CandidateCard;
  }
}
