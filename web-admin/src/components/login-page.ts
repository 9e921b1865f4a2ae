import { LitElement, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { errorMessage } from '../data/api-client.ts';
import { login } from '../data/session.ts';
import { sharedStyles } from '../styles/shared-styles.ts';

/** Email and password; on success the shell takes the session and opens the page asked for. */
@customElement('login-page')
export class LoginPage extends LitElement {
  static styles = sharedStyles;

  @state() private error = '';
  @state() private busy = false;

  render() {
    return html`<section class="card">
      <h1>Log in</h1>
      <p class="muted">Recruiters and reviewers log in here to manage interviews and watch answers.</p>
      ${this.error ? html`<p class="notice error" role="alert">${this.error}</p>` : nothing}
      <form @submit=${this.onSubmit} novalidate>
        <div class="field">
          <label for="email">Email</label>
          <input id="email" name="email" type="email" autocomplete="username" required autofocus />
        </div>
        <div class="field">
          <label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required />
        </div>
        <button type="submit" ?disabled=${this.busy}>${this.busy ? 'Logging in…' : 'Log in'}</button>
      </form>
    </section>`;
  }

  private async onSubmit(event: SubmitEvent) {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const email = String(form.get('email') ?? '').trim();
    const password = String(form.get('password') ?? '');
    if (!email || !password) {
      this.error = 'Enter your email and password.';
      return;
    }
    this.busy = true;
    this.error = '';
    try {
      const session = await login(email, password);
      this.dispatchEvent(new CustomEvent('session-started', { detail: { session }, bubbles: true, composed: true }));
    } catch (error) {
      this.error = errorMessage(error);
      this.renderRoot.querySelector<HTMLInputElement>('#password')?.focus();
    } finally {
      this.busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'login-page': LoginPage;
  }
}
