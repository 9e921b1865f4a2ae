import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { WorkspaceMembership } from '../data/session.ts';
import { sharedStyles } from '../styles/shared-styles.ts';

/** The workspace the session acts in; a choice only for people in several. */
@customElement('workspace-switcher')
export class WorkspaceSwitcher extends LitElement {
  static styles = [
    sharedStyles,
    css`
      :host {
        display: flex;
        align-items: center;
        gap: 0.5rem;
        color: #fff;
      }
      label {
        margin: 0;
        font-size: 0.85rem;
        color: #e0e7ff;
      }
      select {
        min-height: 36px;
        width: auto;
        max-width: 14rem;
        padding: 0.25rem 0.5rem;
        border-color: #c7d2fe;
      }
      .single {
        font-weight: 700;
      }
    `,
  ];

  @property({ attribute: false }) workspaces: WorkspaceMembership[] = [];
  @property({ attribute: false }) currentId: string | null = null;

  render() {
    if (this.workspaces.length < 2) {
      const only = this.workspaces[0];
      return only ? html`<span class="single" title="Workspace">${only.name}</span>` : html``;
    }
    return html`<label for="ws">Workspace</label>
      <select id="ws" @change=${this.onChange}>
        ${this.workspaces.map((w) => html`<option value=${w.id} ?selected=${w.id === this.currentId}>${w.name}</option>`)}
      </select>`;
  }

  private onChange(event: Event) {
    const select = event.target as HTMLSelectElement;
    const workspaceId = select.value;
    if (workspaceId === this.currentId) return;
    this.dispatchEvent(new CustomEvent('workspace-switch', { detail: { workspaceId }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'workspace-switcher': WorkspaceSwitcher;
  }
}
