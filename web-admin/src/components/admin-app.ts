import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import { SESSION_ENDED_EVENT, errorMessage } from '../data/api-client.ts';
import { disconnectLiveUpdates, reconnectLiveUpdates } from '../data/live-updates.ts';
import { canManage, loadSession, logout, needsSetup, switchWorkspace, type Session } from '../data/session.ts';
import { NAVIGATE_EVENT, PUBLIC_ROUTES, interceptLinkClicks, mayLeave, navigate, parseRoute, urls, type Route } from '../lib/router.ts';
import { sharedStyles } from '../styles/shared-styles.ts';
import './app-header.ts';
import './join-page.ts';
import './login-page.ts';
import './pipeline-page.ts';
import './review-page.ts';
import './settings-page.ts';
import './setup-page.ts';
import './template-editor.ts';
import './templates-page.ts';

const routeTitles: Record<Route['name'], string> = {
  login: 'Log in',
  setup: 'Set up',
  join: 'Join a workspace',
  templates: 'Interview templates',
  'template-new': 'New template',
  'template-edit': 'Edit template',
  pipeline: 'Pipeline',
  review: 'Review',
  settings: 'Settings',
  'not-found': 'Page not found',
};

/** The shell: the session, the route, the header, and the page for the URL. */
@customElement('admin-app')
export class AdminApp extends LitElement {
  static styles = [
    sharedStyles,
    css`
      :host {
        min-height: 100vh;
        background: var(--page);
      }
      main {
        max-width: 78rem;
        margin: 0 auto;
        padding: 1.5rem 1.25rem 4rem;
      }
      main:focus {
        outline: none;
      }
      main.narrow {
        max-width: 28rem;
        padding-top: 4rem;
      }
      .brand {
        text-align: center;
        font-weight: 800;
        font-size: 1.25rem;
        color: var(--primary-dark);
        margin-bottom: 1rem;
      }
      .center {
        text-align: center;
        padding: 4rem 1rem;
      }
      @media (max-width: 640px) {
        main {
          padding: 1rem 0.75rem 3rem;
        }
        main.narrow {
          padding-top: 2rem;
        }
      }
    `,
  ];

  @state() private session: Session | null | undefined = undefined;
  @state() private route: Route = parseRoute(location.pathname, location.search);
  @state() private loadError = '';
  @state() private announcement = '';
  @query('main') private main?: HTMLElement;
  private routeChanged = false;
  /** The address of the page shown. */
  private shownUrl = location.pathname + location.search;

  connectedCallback(): void {
    super.connectedCallback();
    interceptLinkClicks(this);
    window.addEventListener('popstate', this.onPopState);
    window.addEventListener(NAVIGATE_EVENT, this.onLocationChange);
    window.addEventListener(SESSION_ENDED_EVENT, this.onSessionEnded);
    this.addEventListener('announce', this.onAnnounce as EventListener);
    this.addEventListener('page-title', this.onPageTitle as EventListener);
    this.addEventListener('session-started', this.onSessionStarted as EventListener);
    void this.start();
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('popstate', this.onPopState);
    window.removeEventListener(NAVIGATE_EVENT, this.onLocationChange);
    window.removeEventListener(SESSION_ENDED_EVENT, this.onSessionEnded);
  }

  private async start() {
    try {
      this.session = await loadSession();
      if (!this.session && this.route.name !== 'join' && (await needsSetup())) {
        navigate(urls.setup(), { replace: true });
        return;
      }
      this.guard();
    } catch (error) {
      this.loadError = errorMessage(error);
    }
  }

  /** Sends people without a session to the login (keeping where they wanted to go), and logged-in people past it. */
  private guard() {
    if (this.session === undefined) return;
    const { route } = this;
    if (!this.session && !PUBLIC_ROUTES.has(route.name)) {
      navigate(urls.login(location.pathname + location.search), { replace: true });
    } else if (this.session && (route.name === 'login' || route.name === 'setup')) {
      navigate(route.name === 'login' && route.next ? route.next : urls.templates(), { replace: true });
    }
  }

  /** Back or forward: the browser has already moved, so staying means putting the page's address back. */
  private onPopState = () => {
    if (mayLeave()) this.onLocationChange();
    else history.pushState(null, '', this.shownUrl);
  };

  private onLocationChange = () => {
    this.shownUrl = location.pathname + location.search;
    this.route = parseRoute(location.pathname, location.search);
    this.routeChanged = true;
    document.title = `${routeTitles[this.route.name]} · Interviews`;
    this.guard();
  };

  private onSessionEnded = () => {
    if (!this.session) return;
    this.session = null;
    disconnectLiveUpdates();
    this.announcement = 'Your session ended. Log in again.';
    this.guard();
  };

  private onSessionStarted = (event: CustomEvent<{ session: Session; next?: string }>) => {
    this.session = event.detail.session;
    reconnectLiveUpdates();
    const next = event.detail.next ?? (this.route.name === 'login' ? this.route.next : null) ?? urls.templates();
    navigate(next, { replace: true });
  };

  private onAnnounce = (event: CustomEvent<{ message: string }>) => {
    // Cleared first so the same message twice is read twice.
    this.announcement = '';
    requestAnimationFrame(() => (this.announcement = event.detail.message));
  };

  private onPageTitle = (event: CustomEvent<{ title: string }>) => {
    document.title = `${event.detail.title} · Interviews`;
  };

  private async onLogout() {
    try {
      await logout();
    } finally {
      disconnectLiveUpdates();
      this.session = null;
      navigate(urls.login(), { replace: true });
    }
  }

  private async onSwitchWorkspace(event: CustomEvent<{ workspaceId: string }>) {
    try {
      this.session = await switchWorkspace(event.detail.workspaceId);
      reconnectLiveUpdates();
      const name = this.session.workspaces.find((w) => w.id === this.session?.workspaceId)?.name ?? '';
      navigate(urls.templates());
      this.announcement = `Switched to ${name}`;
    } catch (error) {
      this.announcement = errorMessage(error);
    }
  }

  protected updated(changed: PropertyValues): void {
    if (changed.has('route') && this.routeChanged) {
      this.routeChanged = false;
      window.scrollTo(0, 0);
      // Keyboard and screen reader users start at the new page, not at the link they followed.
      this.main?.focus({ preventScroll: true });
    }
  }

  render() {
    const live = html`<div class="visually-hidden" role="status" aria-live="polite">${this.announcement}</div>`;
    if (this.loadError) return html`<main class="narrow"><p class="notice error" role="alert">The app could not start: ${this.loadError}</p></main>${live}`;
    if (this.session === undefined) return html`<main class="narrow"><p class="loading">Loading…</p></main>${live}`;
    const { route, session } = this;
    if (!session || PUBLIC_ROUTES.has(route.name)) {
      return html`<main class="narrow" tabindex="-1" id="main">
          <div class="brand" aria-hidden="true">Interviews</div>
          ${this.renderPublic()}
        </main>
        ${live}`;
    }
    // Keyed by workspace: after a switch every page starts over with the other workspace's data.
    return html`<app-header .session=${session} .routeName=${route.name} @logout=${this.onLogout} @workspace-switch=${this.onSwitchWorkspace}></app-header>
      <main id="main" tabindex="-1">${session.workspaceId ? keyed(session.workspaceId, this.renderPage(session)) : this.renderNoWorkspace()}</main>
      ${live}`;
  }

  private renderPublic() {
    const { route } = this;
    if (route.name === 'setup') return html`<setup-page></setup-page>`;
    if (route.name === 'join') return html`<join-page .token=${route.token} .session=${this.session ?? null}></join-page>`;
    return html`<login-page></login-page>`;
  }

  private renderNoWorkspace() {
    return html`<section class="card center">
      <h1>No workspace yet</h1>
      <p>Your account is not a member of any workspace. Ask an administrator for an invitation, then open its link.</p>
    </section>`;
  }

  private renderPage(session: Session) {
    const route = this.route;
    const admin = canManage(session);
    switch (route.name) {
      case 'templates':
        return html`<templates-page .archived=${route.archived} .canManage=${admin}></templates-page>`;
      case 'template-new':
        return admin ? html`<template-editor></template-editor>` : this.renderForbidden();
      case 'template-edit':
        return admin ? html`<template-editor .positionId=${route.positionId}></template-editor>` : this.renderForbidden();
      case 'pipeline':
        return html`<pipeline-page .positionId=${route.positionId} .canManage=${admin}></pipeline-page>`;
      case 'review':
        return html`<review-page .interviewId=${route.interviewId} .session=${session}></review-page>`;
      case 'settings':
        return admin ? html`<settings-page .tab=${route.tab} .session=${session}></settings-page>` : this.renderForbidden();
      default:
        return html`<section class="card center">
          <h1>Page not found</h1>
          <p>There is nothing at this address. <a href=${urls.templates()}>Go to the interview templates</a>.</p>
        </section>`;
    }
  }

  private renderForbidden() {
    return html`<section class="card center" data-testid="forbidden">
      <h1>You don't have access to this page</h1>
      <p>Your role in this workspace is ${this.session?.role ?? 'none'}: reviewers watch, score and comment. Ask an owner or admin if you need more.</p>
      <p><a href=${urls.templates()}>Go to the interview templates</a></p>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'admin-app': AdminApp;
  }
}
