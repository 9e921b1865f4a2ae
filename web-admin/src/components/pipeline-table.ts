import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Interview } from '../data/interviews.ts';
import { formatDate, formatScore } from '../lib/format.ts';
import { urls } from '../lib/router.ts';
import { sharedStyles } from '../styles/shared-styles.ts';
import './status-badge.ts';

export type SortKey = 'name' | 'status' | 'invited' | 'completed' | 'score' | 'decision';
export type SortDirection = 'asc' | 'desc';

const columns: { key: SortKey; label: string; className?: string }[] = [
  { key: 'name', label: 'Candidate' },
  { key: 'status', label: 'Status' },
  { key: 'invited', label: 'Invited', className: 'col-invited' },
  { key: 'completed', label: 'Completed' },
  { key: 'score', label: 'Score' },
  { key: 'decision', label: 'Decision' },
];

/**
 * One page of a pipeline's invitations with sortable columns and row selection.
 * Sends `sort-change` ({key, direction}) and `selection-change` ({ids, selected}).
 */
@customElement('pipeline-table')
export class PipelineTable extends LitElement {
  static styles = [
    sharedStyles,
    css`
      th button.sort {
        all: unset;
        cursor: pointer;
        display: inline-flex;
        align-items: center;
        gap: 0.3rem;
        font-weight: 700;
        border-radius: 4px;
        padding: 0.1rem 0.2rem;
        margin: -0.1rem -0.2rem;
      }
      th button.sort:focus-visible {
        outline: 3px solid var(--focus);
        outline-offset: 2px;
      }
      th button.sort:hover {
        color: var(--primary-dark);
        text-decoration: underline;
      }
      .arrow {
        font-size: 0.75rem;
        color: var(--muted);
        width: 0.8rem;
      }
      th.select,
      td.select {
        width: 2.75rem;
        padding-right: 0;
      }
      td.select label {
        display: flex;
        margin: 0;
        padding: 0.4rem;
        margin: -0.4rem;
        cursor: pointer;
      }
      .candidate a {
        font-weight: 700;
      }
      .email {
        font-size: 0.85rem;
        color: var(--muted);
        overflow-wrap: anywhere;
      }
      .when {
        font-size: 0.9rem;
        white-space: nowrap;
      }
      .sub {
        display: block;
        font-size: 0.8rem;
        color: var(--muted);
      }
      .score {
        font-weight: 700;
        font-variant-numeric: tabular-nums;
      }
      tr.selected {
        background: var(--primary-soft);
      }
      tr.flash {
        animation: flash 2.5s ease-out;
      }
      @keyframes flash {
        from {
          background: #fef3c7;
        }
        to {
          background: transparent;
        }
      }
      @media (max-width: 820px) {
        .col-invited {
          display: none;
        }
      }
    `,
  ];

  @property({ attribute: false }) rows: Interview[] = [];
  @property({ attribute: false }) selected = new Set<string>();
  @property({ attribute: false }) flashing = new Set<string>();
  @property() sortKey: SortKey = 'invited';
  @property() sortDirection: SortDirection = 'desc';
  @property({ type: Boolean }) selectable = false;
  @property() caption = 'Invitations';

  render() {
    const allSelected = this.rows.length > 0 && this.rows.every((r) => this.selected.has(r.id));
    const someSelected = !allSelected && this.rows.some((r) => this.selected.has(r.id));
    return html`<div class="table-wrap">
      <table>
        <caption class="visually-hidden">${this.caption}</caption>
        <thead>
          <tr>
            ${this.selectable
              ? html`<th class="select" scope="col">
                  <input type="checkbox" aria-label="Select all on this page" .checked=${allSelected} .indeterminate=${someSelected} @change=${this.onSelectAll} />
                </th>`
              : nothing}
            ${columns.map((c) => {
              const active = this.sortKey === c.key;
              const sort = active ? (this.sortDirection === 'asc' ? 'ascending' : 'descending') : 'none';
              return html`<th scope="col" class=${c.className ?? ''} aria-sort=${sort}>
                <button class="sort" @click=${() => this.onSort(c.key)}>
                  ${c.label}<span class="arrow" aria-hidden="true">${active ? (this.sortDirection === 'asc' ? '▲' : '▼') : ''}</span>
                </button>
              </th>`;
            })}
          </tr>
        </thead>
        <tbody>
          ${this.rows.map((row) => this.renderRow(row))}
        </tbody>
      </table>
    </div>`;
  }

  private renderRow(row: Interview) {
    const selected = this.selected.has(row.id);
    const classes = [selected ? 'selected' : '', this.flashing.has(row.id) ? 'flash' : ''].join(' ');
    return html`<tr class=${classes} data-id=${row.id}>
      ${this.selectable
        ? html`<td class="select">
            <label><input type="checkbox" .checked=${selected} @change=${(e: Event) => this.onSelect(row.id, (e.target as HTMLInputElement).checked)} /><span class="visually-hidden">Select ${row.candidate.name}</span></label>
          </td>`
        : nothing}
      <td class="candidate">
        <a href=${urls.review(row.id)}>${row.candidate.name}</a>
        <div class="email">${row.candidate.email}</div>
      </td>
      <td><status-badge .status=${row.status}></status-badge></td>
      <td class="when col-invited">${formatDate(row.createdAt)}${row.expiresAt && (row.status === 'pending' || row.status === 'in_progress') ? html`<span class="sub">expires ${formatDate(row.expiresAt)}</span>` : nothing}</td>
      <td class="when">${row.completedAt ? formatDate(row.completedAt) : row.startedAt ? html`<span class="sub">started ${formatDate(row.startedAt)}</span>` : html`<span class="sub" aria-hidden="true">—</span><span class="visually-hidden">not completed</span>`}</td>
      <td class="score">${row.score === null ? html`<span class="muted" aria-hidden="true">—</span><span class="visually-hidden">no score</span>` : formatScore(row.score)}</td>
      <td>${row.decision ? html`<status-badge .decision=${row.decision}></status-badge>` : html`<span class="muted" aria-hidden="true">—</span><span class="visually-hidden">undecided</span>`}</td>
    </tr>`;
  }

  private onSort(key: SortKey) {
    const direction: SortDirection = this.sortKey === key ? (this.sortDirection === 'asc' ? 'desc' : 'asc') : key === 'name' || key === 'status' ? 'asc' : 'desc';
    this.dispatchEvent(new CustomEvent('sort-change', { detail: { key, direction }, bubbles: true, composed: true }));
  }

  private onSelect(id: string, selected: boolean) {
    this.dispatchEvent(new CustomEvent('selection-change', { detail: { ids: [id], selected }, bubbles: true, composed: true }));
  }

  private onSelectAll(event: Event) {
    const selected = (event.target as HTMLInputElement).checked;
    this.dispatchEvent(new CustomEvent('selection-change', { detail: { ids: this.rows.map((r) => r.id), selected }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pipeline-table': PipelineTable;
  }
}
