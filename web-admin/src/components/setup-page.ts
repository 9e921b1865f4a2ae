import { LitElement, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { ApiError, errorMessage } from '../data/api-client.ts';
import { completeSetup } from '../data/session.ts';
import { urls } from '../lib/router.ts';
import { sharedStyles } from '../styles/shared-styles.ts';

/** First run: the first workspace and its owner, who is then logged in. */
@customElement('setup-page')
export class SetupPage extends LitElement {
  static styles = sharedStyles;

  @state() private error: ApiError | string | null = null;
  @state() private busy = false;

  render() {
    const fieldError = (path: string) => (this.error instanceof ApiError ? this.error.fieldMessage(path) : undefined);
    const field = (id: string, label: string, type: string, autocomplete: string, hint?: string) => {
      const message = fieldError(id);
      return html`<div class="field">
        <label for=${id}>${label}</label>
        <input id=${id} name=${id} type=${type} autocomplete=${autocomplete} required aria-invalid=${message ? 'true' : 'false'}
          aria-describedby=${hint || message ? `${id}-note` : nothing} />
        ${hint || message ? html`<span id="${id}-note" class=${message ? 'field-error' : 'hint'}>${message ?? hint}</span>` : nothing}
      </div>`;
    };
    return html`<section class="card">
      <h1>Set up your interview platform</h1>
      <p class="muted">Nobody has an account on this server yet. Create the first workspace and its owner; you can invite your team afterwards.</p>
      ${this.error ? html`<p class="notice error" role="alert">${this.error instanceof ApiError ? this.error.message : this.error}</p>` : nothing}
      <form @submit=${this.onSubmit} novalidate>
        ${field('workspaceName', 'Workspace name', 'text', 'organization', 'Usually your company or team')}
        ${field('name', 'Your name', 'text', 'name')}
        ${field('email', 'Your email', 'email', 'username')}
        ${field('password', 'Password', 'password', 'new-password', 'At least 10 characters')}
        <button type="submit" ?disabled=${this.busy}>${this.busy ? 'Creating…' : 'Create workspace and log in'}</button>
      </form>
      <p class="small muted" style="margin-top:1rem">Already set up? <a href=${urls.login()}>Log in</a>.</p>
    </section>`;
  }

  private async onSubmit(event: SubmitEvent) {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const value = (k: string) => String(form.get(k) ?? '').trim();
    this.busy = true;
    this.error = null;
    try {
      const session = await completeSetup({ workspaceName: value('workspaceName'), name: value('name'), email: value('email'), password: String(form.get('password') ?? '') });
      this.dispatchEvent(new CustomEvent('session-started', { detail: { session, next: urls.templates() }, bubbles: true, composed: true }));
    } catch (error) {
      this.error = error instanceof ApiError ? error : errorMessage(error);
    } finally {
      this.busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'setup-page': SetupPage;
  }
}
