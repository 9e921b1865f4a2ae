import { LitElement, html, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { sharedStyles } from '../styles/shared-styles.ts';

export interface ConfirmOptions {
  title: string;
  message: string;
  confirmLabel: string;
  danger?: boolean;
}

/** A modal yes/no question; `ask` resolves true when confirmed. Escape and Cancel say no. */
@customElement('confirm-dialog')
export class ConfirmDialog extends LitElement {
  static styles = sharedStyles;

  @state() private options: ConfirmOptions | null = null;
  @query('dialog') private dialog!: HTMLDialogElement;
  private resolve?: (ok: boolean) => void;
  private opener: Element | null = null;

  async ask(options: ConfirmOptions): Promise<boolean> {
    this.resolve?.(false);
    this.opener = deepActiveElement();
    this.options = options;
    await this.updateComplete;
    this.dialog.showModal();
    this.renderRoot.querySelector<HTMLButtonElement>('button.cancel')?.focus();
    return new Promise((resolve) => (this.resolve = resolve));
  }

  render() {
    const o = this.options;
    return html`<dialog aria-labelledby="confirm-title" aria-describedby="confirm-message" @close=${this.onClose}>
      ${o
        ? html`<div class="dialog-body">
              <h2 id="confirm-title">${o.title}</h2>
              <p id="confirm-message">${o.message}</p>
            </div>
            <div class="dialog-footer">
              <button class="secondary cancel" @click=${() => this.finish(false)}>Cancel</button>
              <button class=${o.danger ? 'danger' : ''} @click=${() => this.finish(true)}>${o.confirmLabel}</button>
            </div>`
        : nothing}
    </dialog>`;
  }

  private finish(ok: boolean) {
    const resolve = this.resolve;
    this.resolve = undefined;
    this.dialog.close();
    resolve?.(ok);
  }

  private onClose() {
    this.resolve?.(false);
    this.resolve = undefined;
    (this.opener as HTMLElement | null)?.focus?.();
  }
}

/** The focused element, looking inside shadow roots. */
export function deepActiveElement(): Element | null {
  let el = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el;
}

declare global {
  interface HTMLElementTagNameMap {
    'confirm-dialog': ConfirmDialog;
  }
}
