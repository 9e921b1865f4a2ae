import { LitElement, css, html, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { errorMessage } from '../data/api-client.ts';
import { createApiKey, listApiKeys, revokeApiKey, rotateApiKey, type ApiKey, type NewApiKey } from '../data/api-keys.ts';
import { copyText } from '../lib/clipboard.ts';
import { announce } from '../lib/events.ts';
import { formatDate, formatDateTime } from '../lib/format.ts';
import { sharedStyles } from '../styles/shared-styles.ts';
import './confirm-dialog.ts';
import type { ConfirmDialog } from './confirm-dialog.ts';

/** API keys for applicant tracking systems: create (the secret is shown once), rotate, revoke. */
@customElement('api-keys-settings')
export class ApiKeysSettings extends LitElement {
  static styles = [
    sharedStyles,
    css`
      .create {
        display: flex;
        flex-wrap: wrap;
        gap: 0.75rem;
        align-items: end;
      }
      .create .field {
        margin: 0;
        flex: 1 1 16rem;
        max-width: 26rem;
      }
      section + section {
        margin-top: 1.5rem;
      }
      .revoked td {
        color: var(--muted);
      }
    `,
  ];

  @state() private keys: ApiKey[] | null = null;
  @state() private error = '';
  @state() private fresh: (NewApiKey & { rotated: boolean }) | null = null;
  @state() private copied = false;
  @state() private busy = false;
  @query('confirm-dialog') private confirm!: ConfirmDialog;

  connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    try {
      this.keys = await listApiKeys();
    } catch (error) {
      this.error = errorMessage(error);
      this.keys ??= [];
    }
  }

  render() {
    return html`<section class="card" aria-labelledby="create-heading">
        <h2 id="create-heading">Create an API key</h2>
        <p class="muted">An applicant tracking system uses a key to create invitations and read results. Send it as <code>X-API-KEY</code> or <code>Authorization: Bearer</code>.</p>
        <form class="create" @submit=${this.onCreate}>
          <div class="field">
            <label for="key-name">Name</label>
            <input id="key-name" name="name" type="text" maxlength="100" required placeholder="e.g. Greenhouse" autocomplete="off" />
          </div>
          <button type="submit" ?disabled=${this.busy}>Create key</button>
        </form>
        ${this.fresh
          ? html`<div class="notice warning" role="status">
              <p><strong>${this.fresh.rotated ? `New secret for ${this.fresh.apiKey.name}` : `Key ${this.fresh.apiKey.name} created`}.</strong> Copy it now: it is shown only once.${this.fresh.rotated ? ' The old secret no longer works.' : ''}</p>
              <code class="secret" data-testid="new-api-key">${this.fresh.key}</code>
              <div class="actions">
                <button class="small" @click=${this.copyFresh}>${this.copied ? 'Copied' : 'Copy key'}</button>
                <button class="secondary small" @click=${() => (this.fresh = null)}>I have stored it</button>
              </div>
            </div>`
          : nothing}
      </section>
      ${this.error ? html`<p class="notice error" role="alert">${this.error}</p>` : nothing}
      <section aria-labelledby="keys-heading">
        <h2 id="keys-heading">Keys</h2>
        ${this.keys === null ? html`<p class="loading">Loading keys…</p>` : this.renderKeys(this.keys)}
      </section>
      <confirm-dialog></confirm-dialog>`;
  }

  private renderKeys(keys: ApiKey[]) {
    if (!keys.length) return html`<div class="card empty"><p>No API keys yet.</p></div>`;
    return html`<div class="table-wrap">
      <table>
        <thead>
          <tr><th scope="col">Name</th><th scope="col">Key</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Status</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
        </thead>
        <tbody>
          ${keys.map(
            (k) => html`<tr class=${k.revokedAt ? 'revoked' : ''}>
              <td><strong>${k.name}</strong></td>
              <td class="mono">${k.prefix}…</td>
              <td>${formatDate(k.createdAt)}</td>
              <td>${k.lastUsedAt ? formatDateTime(k.lastUsedAt) : 'never'}</td>
              <td>${k.revokedAt ? html`<span class="badge red">Revoked ${formatDate(k.revokedAt)}</span>` : html`<span class="badge green">Active</span>`}</td>
              <td>
                ${k.revokedAt
                  ? nothing
                  : html`<div class="actions">
                      <button class="secondary small" @click=${() => this.onRotate(k)}>Rotate<span class="visually-hidden"> ${k.name}</span></button>
                      <button class="danger secondary small" @click=${() => this.onRevoke(k)}>Revoke<span class="visually-hidden"> ${k.name}</span></button>
                    </div>`}
              </td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }

  private async showFresh(key: NewApiKey, rotated: boolean) {
    this.fresh = { ...key, rotated };
    this.copied = false;
    await this.load();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLButtonElement>('.notice.warning button')?.focus();
  }

  private async copyFresh() {
    if (this.fresh) this.copied = await copyText(this.fresh.key);
  }

  private async onCreate(event: SubmitEvent) {
    event.preventDefault();
    const formEl = event.target as HTMLFormElement;
    const name = String(new FormData(formEl).get('name') ?? '').trim();
    if (!name) {
      this.error = 'Give the key a name, for example the ATS that will use it.';
      return;
    }
    this.busy = true;
    this.error = '';
    try {
      const created = await createApiKey(name);
      formEl.reset();
      await this.showFresh(created, false);
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.busy = false;
    }
  }

  private async onRotate(key: ApiKey) {
    const ok = await this.confirm.ask({ title: `Rotate ${key.name}?`, message: 'A new secret is made and the current one stops working at once. Update the system that uses it.', confirmLabel: 'Rotate key' });
    if (!ok) return;
    try {
      await this.showFresh(await rotateApiKey(key.id), true);
    } catch (error) {
      this.error = errorMessage(error);
    }
  }

  private async onRevoke(key: ApiKey) {
    const ok = await this.confirm.ask({ title: `Revoke ${key.name}?`, message: 'Requests with this key are refused from now on. This cannot be undone.', confirmLabel: 'Revoke key', danger: true });
    if (!ok) return;
    try {
      await revokeApiKey(key.id);
      announce(this, `${key.name} revoked`);
      if (this.fresh?.apiKey.id === key.id) this.fresh = null;
      await this.load();
    } catch (error) {
      this.error = errorMessage(error);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'api-keys-settings': ApiKeysSettings;
  }
}
