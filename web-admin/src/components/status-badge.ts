import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Decision, InterviewStatus } from '../data/interviews.ts';
import { DECISION_LABELS, STATUS_LABELS } from '../lib/format.ts';
import { sharedStyles } from '../styles/shared-styles.ts';

const statusColor: Record<InterviewStatus, string> = { pending: 'neutral', in_progress: 'blue', completed: 'green', expired: 'amber', cancelled: 'red' };
const decisionColor: Record<Decision, string> = { shortlisted: 'purple', discarded: 'neutral' };

/** An invitation's status or decision as a labelled pill (the word carries the meaning, the colour helps). */
@customElement('status-badge')
export class StatusBadge extends LitElement {
  static styles = [
    sharedStyles,
    css`
      :host {
        display: inline-block;
      }
    `,
  ];

  @property() status: InterviewStatus | null = null;
  @property() decision: Decision | null = null;

  render() {
    if (this.decision) return html`<span class="badge ${decisionColor[this.decision]}">${DECISION_LABELS[this.decision]}</span>`;
    if (this.status) return html`<span class="badge ${statusColor[this.status]}">${STATUS_LABELS[this.status]}</span>`;
    return nothing;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'status-badge': StatusBadge;
  }
}
