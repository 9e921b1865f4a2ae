import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { canManage, type Session } from '../data/session.ts';
import { urls, type Route } from '../lib/router.ts';
import { sharedStyles } from '../styles/shared-styles.ts';
import './workspace-switcher.ts';

/** The bar on every page: skip link, the app's sections, the workspace, and logging out. */
@customElement('app-header')
export class AppHeader extends LitElement {
  static styles = [
    sharedStyles,
    css`
      header {
        background: var(--primary-dark);
        color: #fff;
      }
      .bar {
        max-width: 78rem;
        margin: 0 auto;
        padding: 0.5rem 1.25rem;
        display: flex;
        align-items: center;
        flex-wrap: wrap;
        gap: 0.5rem 1.5rem;
      }
      .brand {
        font-weight: 800;
        font-size: 1.1rem;
        color: #fff;
        text-decoration: none;
        letter-spacing: 0.01em;
      }
      nav ul {
        list-style: none;
        display: flex;
        gap: 0.25rem;
        margin: 0;
        padding: 0;
      }
      nav a {
        display: inline-block;
        color: #e0e7ff;
        text-decoration: none;
        font-weight: 600;
        padding: 0.45rem 0.75rem;
        border-radius: 8px;
      }
      nav a:hover {
        background: rgb(255 255 255 / 0.12);
        color: #fff;
      }
      nav a[aria-current='page'] {
        background: #fff;
        color: var(--primary-dark);
      }
      .end {
        margin-left: auto;
        display: flex;
        align-items: center;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
      }
      .who {
        font-size: 0.9rem;
        color: #e0e7ff;
        text-align: right;
        line-height: 1.25;
      }
      .who strong {
        color: #fff;
        display: block;
      }
      button.logout {
        background: transparent;
        border-color: #c7d2fe;
        color: #fff;
      }
      button.logout:hover {
        background: rgb(255 255 255 / 0.12);
        border-color: #fff;
      }
      a:focus-visible,
      button:focus-visible {
        outline-color: #fbbf24;
      }
      .skip {
        position: absolute;
        left: 0.5rem;
        top: -3rem;
        background: #fff;
        color: var(--primary-dark);
        padding: 0.5rem 1rem;
        border-radius: 8px;
        z-index: 10;
        font-weight: 700;
      }
      .skip:focus {
        top: 0.5rem;
      }
      @media (max-width: 640px) {
        .bar {
          padding: 0.5rem 0.75rem;
        }
        .who {
          display: none;
        }
      }
    `,
  ];

  @property({ attribute: false }) session!: Session;
  @property({ attribute: false }) routeName: Route['name'] = 'templates';

  render() {
    const { session } = this;
    const inTemplates = ['templates', 'template-new', 'template-edit', 'pipeline', 'review'].includes(this.routeName);
    const current = session.workspaces.find((w) => w.id === session.workspaceId);
    return html`<a class="skip" href="#main" @click=${this.skipToMain}>Skip to content</a>
      <header>
        <div class="bar">
          <a class="brand" href=${urls.templates()}>Interviews</a>
          <nav aria-label="Main">
            <ul>
              <li><a href=${urls.templates()} aria-current=${inTemplates ? 'page' : nothing}>Templates</a></li>
              ${canManage(session)
                ? html`<li><a href=${urls.settings()} aria-current=${this.routeName === 'settings' ? 'page' : nothing}>Settings</a></li>`
                : nothing}
            </ul>
          </nav>
          <div class="end">
            <workspace-switcher .workspaces=${session.workspaces} .currentId=${session.workspaceId}></workspace-switcher>
            <div class="who">
              <strong>${session.user.name}</strong>
              ${current ? html`<span>${roleLabel(current.role)}</span>` : nothing}
            </div>
            <button class="logout small" @click=${this.onLogout}>Log out</button>
          </div>
        </div>
      </header>`;
  }

  private skipToMain(event: Event) {
    event.preventDefault();
    const main = (this.getRootNode() as ShadowRoot).getElementById?.('main');
    main?.focus();
  }

  private onLogout() {
    this.dispatchEvent(new CustomEvent('logout', { bubbles: true, composed: true }));
  }
}

const roleLabel = (role: string) => role.charAt(0).toUpperCase() + role.slice(1);

declare global {
  interface HTMLElementTagNameMap {
    'app-header': AppHeader;
  }
}
