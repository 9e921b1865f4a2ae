import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Session } from '../data/session.ts';
import { setPageTitle } from '../lib/events.ts';
import { urls, type SettingsTab } from '../lib/router.ts';
import { sharedStyles } from '../styles/shared-styles.ts';
import './api-keys-settings.ts';
import './email-outbox.ts';
import './members-settings.ts';
import './webhooks-settings.ts';

const tabs: { tab: SettingsTab; label: string }[] = [
  { tab: 'members', label: 'Members' },
  { tab: 'api-keys', label: 'API keys' },
  { tab: 'webhooks', label: 'Webhooks' },
  { tab: 'emails', label: 'Email outbox' },
];

/** Workspace settings for owners and admins: members, API keys, webhooks, the email outbox. */
@customElement('settings-page')
export class SettingsPage extends LitElement {
  static styles = [
    sharedStyles,
    css`
      .layout {
        display: grid;
        grid-template-columns: 12rem minmax(0, 1fr);
        gap: 1.5rem;
        align-items: start;
      }
      nav ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.2rem;
      }
      nav a {
        display: block;
        padding: 0.5rem 0.75rem;
        border-radius: 8px;
        text-decoration: none;
        font-weight: 600;
        color: #374151;
      }
      nav a:hover {
        background: #e5e7eb;
        color: var(--text);
      }
      nav a[aria-current='page'] {
        background: var(--primary);
        color: #fff;
      }
      @media (max-width: 800px) {
        .layout {
          grid-template-columns: 1fr;
        }
        nav ul {
          display: flex;
          flex-wrap: wrap;
        }
      }
    `,
  ];

  @property() tab: SettingsTab = 'members';
  @property({ attribute: false }) session!: Session;

  protected updated(changed: PropertyValues): void {
    if (changed.has('tab')) setPageTitle(this, `Settings: ${tabs.find((t) => t.tab === this.tab)?.label ?? ''}`);
  }

  render() {
    const workspace = this.session.workspaces.find((w) => w.id === this.session.workspaceId);
    return html`<div class="page-header">
        <div>
          <h1 tabindex="-1">Settings</h1>
          <p class="muted">${workspace?.name ?? ''}</p>
        </div>
      </div>
      <div class="layout">
        <nav aria-label="Settings">
          <ul>
            ${tabs.map((t) => html`<li><a href=${urls.settings(t.tab)} aria-current=${t.tab === this.tab ? 'page' : 'false'}>${t.label}</a></li>`)}
          </ul>
        </nav>
        <div>${this.renderTab()}</div>
      </div>`;
  }

  private renderTab() {
    switch (this.tab) {
      case 'members':
        return html`<members-settings .session=${this.session}></members-settings>`;
      case 'api-keys':
        return html`<api-keys-settings></api-keys-settings>`;
      case 'webhooks':
        return html`<webhooks-settings></webhooks-settings>`;
      case 'emails':
        return html`<email-outbox></email-outbox>`;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'settings-page': SettingsPage;
  }
}
