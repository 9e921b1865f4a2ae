import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { errorMessage } from '../data/api-client.ts';
import { acceptMemberInvitation, describeMemberInvitation, type MemberInvitationInfo, type Session } from '../data/session.ts';
import { urls } from '../lib/router.ts';
import { sharedStyles } from '../styles/shared-styles.ts';

const roleText = { owner: 'an owner', admin: 'an admin', reviewer: 'a reviewer' } as const;

/** The link of a member invitation: join the workspace, creating the account or proving the existing one. */
@customElement('join-page')
export class JoinPage extends LitElement {
  static styles = sharedStyles;

  @property() token = '';
  @property({ attribute: false }) session: Session | null = null;
  @state() private invitation: MemberInvitationInfo | null = null;
  @state() private loadError = '';
  @state() private error = '';
  @state() private busy = false;

  protected willUpdate(changed: PropertyValues): void {
    if (changed.has('token')) void this.load();
  }

  private async load() {
    this.invitation = null;
    this.loadError = '';
    if (!this.token) {
      this.loadError = 'This invitation link is incomplete. Open the link from your email again.';
      return;
    }
    try {
      this.invitation = await describeMemberInvitation(this.token);
    } catch (error) {
      this.loadError = errorMessage(error);
    }
  }

  render() {
    if (this.loadError)
      return html`<section class="card">
        <h1>This invitation can't be used</h1>
        <p class="notice error" role="alert">${this.loadError}</p>
        <p><a href=${urls.login()}>Go to the login</a></p>
      </section>`;
    const invitation = this.invitation;
    if (!invitation) return html`<section class="card"><h1>Join a workspace</h1><p class="loading">Loading the invitation…</p></section>`;
    return html`<section class="card">
      <h1>Join ${invitation.workspaceName}</h1>
      <p>You are invited as ${roleText[invitation.role]} with <strong>${invitation.email}</strong>.</p>
      ${this.session && this.session.user.email !== invitation.email
        ? html`<p class="notice info">You are logged in as ${this.session.user.email}. Joining logs you in as ${invitation.email}.</p>`
        : nothing}
      ${this.error ? html`<p class="notice error" role="alert">${this.error}</p>` : nothing}
      <form @submit=${this.onSubmit} novalidate>
        ${invitation.hasAccount
          ? html`<p class="muted">You already have an account. Enter its password to add this workspace to it.</p>
              <div class="field">
                <label for="password">Password</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required />
              </div>`
          : html`<div class="field">
                <label for="name">Your name</label>
                <input id="name" name="name" type="text" autocomplete="name" required />
              </div>
              <div class="field">
                <label for="password">Choose a password</label>
                <input id="password" name="password" type="password" autocomplete="new-password" required aria-describedby="password-hint" />
                <span class="hint" id="password-hint">At least 10 characters</span>
              </div>`}
        <button type="submit" ?disabled=${this.busy}>${this.busy ? 'Joining…' : `Join ${invitation.workspaceName}`}</button>
      </form>
    </section>`;
  }

  private async onSubmit(event: SubmitEvent) {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const name = String(form.get('name') ?? '').trim();
    const password = String(form.get('password') ?? '');
    if (!password || (!this.invitation?.hasAccount && !name)) {
      this.error = this.invitation?.hasAccount ? 'Enter your password.' : 'Enter your name and a password.';
      return;
    }
    this.busy = true;
    this.error = '';
    try {
      const session = await acceptMemberInvitation(this.token, this.invitation?.hasAccount ? { password } : { name, password });
      this.dispatchEvent(new CustomEvent('session-started', { detail: { session, next: urls.templates() }, bubbles: true, composed: true }));
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'join-page': JoinPage;
  }
}
