import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { sharedStyles } from '../styles/shared-styles.ts';

const SCORES = [1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5];

/** A score from 1 to 5 in halves, as a radio group (arrow keys move, the legend names it). Sends `score-change` ({value}). */
@customElement('score-input')
export class ScoreInput extends LitElement {
  static styles = [
    sharedStyles,
    css`
      fieldset {
        margin: 0;
        min-inline-size: 0;
      }
      legend {
        font-size: 0.95rem;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem;
      }
      .scale {
        display: flex;
        flex: 0 1 22rem;
        min-width: 0;
        border: 1px solid var(--border-strong);
        border-radius: 8px;
        overflow: hidden;
      }
      .scale label {
        position: relative;
        margin: 0;
        flex: 1 1 0;
        min-width: 0;
        height: 2.25rem;
        display: grid;
        place-items: center;
        font-weight: 600;
        font-size: 0.85rem;
        color: #374151;
        background: #fff;
        cursor: pointer;
        font-variant-numeric: tabular-nums;
      }
      .scale label + label {
        border-left: 1px solid #e5e7eb;
      }
      .scale label.whole {
        font-size: 0.95rem;
        font-weight: 700;
      }
      .scale label.filled {
        background: #dbeafe;
        color: var(--primary-dark);
      }
      .scale label.chosen {
        background: var(--primary);
        color: #fff;
      }
      .scale input {
        position: absolute;
        opacity: 0;
        inset: 0;
        margin: 0;
        width: 100%;
        height: 100%;
        cursor: pointer;
      }
      .scale label:has(input:focus-visible) {
        outline: 3px solid var(--focus);
        outline-offset: -3px;
        z-index: 1;
      }
      .scale label:hover:not(.chosen) {
        background: #eff6ff;
      }
      .readout {
        font-weight: 700;
        font-size: 0.9rem;
        color: var(--primary-dark);
        min-width: 3.2rem;
        font-variant-numeric: tabular-nums;
      }
      :host([disabled]) .scale {
        opacity: 0.6;
      }
    `,
  ];

  @property({ type: Number }) value: number | null = null;
  @property() label = 'Score';
  @property({ type: Boolean, reflect: true }) disabled = false;

  render() {
    return html`<fieldset ?disabled=${this.disabled}>
      <legend>${this.label}</legend>
      <div class="row">
        <div class="scale">
          ${SCORES.map((s) => {
            const chosen = this.value === s;
            const filled = this.value !== null && s < this.value;
            return html`<label class=${[Number.isInteger(s) ? 'whole' : 'half', chosen ? 'chosen' : '', filled ? 'filled' : ''].join(' ')}>
              <input type="radio" name="score" value=${s} .checked=${chosen} @change=${() => this.choose(s)} aria-label="${s} out of 5" />
              <span aria-hidden="true">${Number.isInteger(s) ? s : '½'}</span>
            </label>`;
          })}
        </div>
        <span class="readout" aria-hidden="true">${this.value === null ? 'Not scored' : `${this.value} / 5`}</span>
        ${this.value !== null && !this.disabled ? html`<button type="button" class="link small" @click=${() => this.choose(null)}>Clear<span class="visually-hidden"> ${this.label}</span></button>` : nothing}
      </div>
    </fieldset>`;
  }

  private choose(value: number | null) {
    if (value === this.value) return;
    this.value = value;
    this.dispatchEvent(new CustomEvent('score-change', { detail: { value }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'score-input': ScoreInput;
  }
}
