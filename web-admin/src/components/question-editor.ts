import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { QuestionDraft } from '../data/positions.ts';
import { duration } from '../lib/format.ts';
import { sharedStyles } from '../styles/shared-styles.ts';

const THINK_TIMES = [0, 10, 15, 30, 45, 60, 90, 120, 180, 300, 600];
const ANSWER_LENGTHS = [30, 60, 90, 120, 180, 240, 300, 600, 900, 1200, 1800];
const RETAKES = [0, 1, 2, 3, 4, 5, 10];

const withValue = (options: number[], value: number) => (options.includes(value) ? options : [...options, value].sort((a, b) => a - b));

export interface QuestionChange {
  index: number;
  question: QuestionDraft;
}

/**
 * One question of a template being edited. Sends `question-change`, `question-move` ({index, to}) and
 * `question-remove`; the handle lets the list drag it.
 */
@customElement('question-editor')
export class QuestionEditor extends LitElement {
  static styles = [
    sharedStyles,
    css`
      .card {
        padding: 1rem 1.25rem 1.1rem;
      }
      .top {
        display: flex;
        align-items: center;
        gap: 0.75rem;
        margin-bottom: 0.75rem;
      }
      .top h3 {
        margin: 0;
        flex: 1;
      }
      .handle {
        cursor: grab;
        color: var(--muted);
        font-size: 1.25rem;
        line-height: 1;
        padding: 0.25rem 0.35rem;
        border-radius: 6px;
        user-select: none;
        touch-action: none;
      }
      .handle:hover {
        background: #f3f4f6;
      }
      .settings {
        display: grid;
        grid-template-columns: repeat(3, minmax(0, 1fr));
        gap: 0.75rem;
      }
      .settings .field {
        margin: 0;
      }
      textarea {
        min-height: 3.5rem;
      }
      .move {
        display: flex;
        gap: 0.25rem;
      }
      @media (max-width: 700px) {
        .settings {
          grid-template-columns: 1fr;
        }
      }
    `,
  ];

  @property({ attribute: false }) question!: QuestionDraft;
  @property({ type: Number }) index = 0;
  @property({ type: Number }) count = 1;
  /** Server messages for this question's fields, by field name. */
  @property({ attribute: false }) errors: Record<string, string> = {};

  render() {
    const q = this.question;
    const n = this.index + 1;
    const id = (name: string) => `q${this.index}-${name}`;
    const err = (name: string) => this.errors[name];
    return html`<section class="card" aria-labelledby=${id('heading')}>
      <div class="top">
        <span class="handle" aria-hidden="true" title="Drag to reorder" @pointerdown=${this.armDrag}>⠿</span>
        <h3 id=${id('heading')}>Question ${n}</h3>
        <div class="move">
          <button type="button" class="secondary small" ?disabled=${this.index === 0} aria-label="Move question ${n} up" @click=${() => this.move(-1)}>↑ Up</button>
          <button type="button" class="secondary small" ?disabled=${this.index === this.count - 1} aria-label="Move question ${n} down" @click=${() => this.move(1)}>↓ Down</button>
          <button type="button" class="danger secondary small" aria-label="Remove question ${n}" @click=${this.onRemove}>Remove</button>
        </div>
      </div>
      <div class="field">
        <label for=${id('title')}>Question</label>
        <input id=${id('title')} type="text" .value=${q.title} maxlength="500" required aria-invalid=${err('title') ? 'true' : 'false'}
          aria-describedby=${err('title') ? id('title-error') : nothing} @input=${(e: Event) => this.change({ title: (e.target as HTMLInputElement).value })} />
        ${err('title') ? html`<span class="field-error" id=${id('title-error')}>${err('title')}</span>` : nothing}
      </div>
      <div class="field">
        <label for=${id('description')}>Details <span class="hint" style="display:inline">(optional)</span></label>
        <textarea id=${id('description')} .value=${q.description} maxlength="5000" @input=${(e: Event) => this.change({ description: (e.target as HTMLTextAreaElement).value })}></textarea>
      </div>
      <div class="settings">
        <div class="field">
          <label for=${id('think')}>Think time</label>
          <select id=${id('think')} @change=${(e: Event) => this.change({ thinkTimeSeconds: Number((e.target as HTMLSelectElement).value) })}>
            ${withValue(THINK_TIMES, q.thinkTimeSeconds).map((s) => html`<option value=${s} ?selected=${s === q.thinkTimeSeconds}>${s === 0 ? 'None: start when ready' : duration(s)}</option>`)}
          </select>
        </div>
        <div class="field">
          <label for=${id('max')}>Maximum answer length</label>
          <select id=${id('max')} @change=${(e: Event) => this.change({ maxAnswerSeconds: Number((e.target as HTMLSelectElement).value) })}>
            ${withValue(ANSWER_LENGTHS, q.maxAnswerSeconds).map((s) => html`<option value=${s} ?selected=${s === q.maxAnswerSeconds}>${duration(s)}</option>`)}
          </select>
        </div>
        <div class="field">
          <label for=${id('retakes')}>Retakes</label>
          <select id=${id('retakes')} @change=${(e: Event) => this.change({ retakes: Number((e.target as HTMLSelectElement).value) })}>
            ${withValue(RETAKES, q.retakes).map((r) => html`<option value=${r} ?selected=${r === q.retakes}>${r === 0 ? 'No retakes' : r === 1 ? '1 retake' : `${r} retakes`}</option>`)}
          </select>
        </div>
      </div>
    </section>`;
  }

  focusTitle(): void {
    this.renderRoot.querySelector<HTMLInputElement>('input')?.focus();
  }

  /** Focuses the same move button after the list re-orders, so repeated presses keep working. */
  focusMoveButton(direction: -1 | 1): void {
    const buttons = this.renderRoot.querySelectorAll<HTMLButtonElement>('.move button');
    const preferred = buttons[direction < 0 ? 0 : 1];
    (preferred && !preferred.disabled ? preferred : buttons[direction < 0 ? 1 : 0])?.focus();
  }

  private change(changes: Partial<QuestionDraft>) {
    this.dispatchEvent(new CustomEvent<QuestionChange>('question-change', { detail: { index: this.index, question: { ...this.question, ...changes } }, bubbles: true, composed: true }));
  }

  private move(direction: -1 | 1) {
    this.dispatchEvent(new CustomEvent('question-move', { detail: { index: this.index, to: this.index + direction, direction }, bubbles: true, composed: true }));
  }

  private onRemove() {
    this.dispatchEvent(new CustomEvent('question-remove', { detail: { index: this.index }, bubbles: true, composed: true }));
  }

  /** Only the handle starts a drag, so text in the fields stays selectable. */
  private armDrag() {
    this.draggable = true;
    const disarm = () => {
      this.draggable = false;
      window.removeEventListener('pointerup', disarm);
      this.removeEventListener('dragend', disarm);
    };
    window.addEventListener('pointerup', disarm);
    this.addEventListener('dragend', disarm);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'question-editor': QuestionEditor;
  }
}
