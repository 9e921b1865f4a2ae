import { LitElement, css, html, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { errorMessage } from '../data/api-client.ts';
import { createWebhook, deleteWebhook, listWebhooks, revealWebhookSecret, rotateWebhookSecret, type Webhook, type WebhookInput, type WebhookSecret } from '../data/webhooks.ts';
import { copyText } from '../lib/clipboard.ts';
import { announce } from '../lib/events.ts';
import { formatDateTime } from '../lib/format.ts';
import { sharedStyles } from '../styles/shared-styles.ts';
import './confirm-dialog.ts';
import type { ConfirmDialog } from './confirm-dialog.ts';
import './webhook-form.ts';
import './webhook-item.ts';

/** Webhooks of the workspace: the signing secret, adding endpoints, and each endpoint with its log. */
@customElement('webhooks-settings')
export class WebhooksSettings extends LitElement {
  static styles = [
    sharedStyles,
    css`
      section + section {
        margin-top: 1.5rem;
      }
      .list {
        display: grid;
        grid-template-columns: minmax(0, 1fr);
        gap: 1rem;
      }
    `,
  ];

  @state() private webhooks: Webhook[] | null = null;
  @state() private secret: WebhookSecret | null = null;
  @state() private error = '';
  @state() private createError = '';
  @state() private busy = false;
  @query('confirm-dialog') private confirm!: ConfirmDialog;

  connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    try {
      this.webhooks = await listWebhooks();
    } catch (error) {
      this.error = errorMessage(error);
      this.webhooks ??= [];
    }
  }

  render() {
    return html`<section class="card" aria-labelledby="secret-heading">
        <h2 id="secret-heading">Signing secret</h2>
        <p class="muted">Every delivery is signed with this secret (<code>webhook-signature</code> and <code>x-hireflix-signature</code> headers) so the receiver can check it came from here.</p>
        ${this.secret
          ? html`<code class="secret" data-testid="webhook-secret">${this.secret.secret}</code>
              ${this.secret.previousSecretValidUntil
                ? html`<p class="small muted">
                    Until ${formatDateTime(this.secret.previousSecretValidUntil)} the <code>webhook-signature</code> header also carries a signature made with the previous secret.
                    <code>x-hireflix-signature</code>, which Hireflix-style applicant tracking systems check, already uses this secret: give it to them now.
                  </p>`
                : nothing}`
          : nothing}
        <div class="actions">
          ${this.secret
            ? html`<button class="secondary small" @click=${() => copyText(this.secret!.secret)}>Copy secret</button>
                <button class="secondary small" @click=${() => (this.secret = null)}>Hide secret</button>`
            : html`<button class="secondary small" @click=${this.onReveal}>Reveal secret</button>`}
          <button class="secondary small" @click=${this.onRotate}>Rotate secret</button>
        </div>
      </section>
      <section class="card" aria-labelledby="add-heading">
        <h2 id="add-heading">Add a webhook</h2>
        <webhook-form idPrefix="new" submitLabel="Add webhook" ?busy=${this.busy} .error=${this.createError} @webhook-submit=${this.onCreate}></webhook-form>
      </section>
      ${this.error ? html`<p class="notice error" role="alert">${this.error}</p>` : nothing}
      <section aria-labelledby="list-heading">
        <h2 id="list-heading">Webhooks</h2>
        ${this.webhooks === null
          ? html`<p class="loading">Loading webhooks…</p>`
          : this.webhooks.length === 0
            ? html`<div class="card empty"><p>No webhooks yet.</p></div>`
            : html`<div class="list" @webhook-changed=${this.onChanged} @webhook-delete=${this.onDelete}>
                ${this.webhooks.map((w) => html`<webhook-item .webhook=${w}></webhook-item>`)}
              </div>`}
      </section>
      <confirm-dialog></confirm-dialog>`;
  }

  private async onReveal() {
    try {
      this.secret = await revealWebhookSecret();
    } catch (error) {
      this.error = errorMessage(error);
    }
  }

  private async onRotate() {
    const ok = await this.confirm.ask({
      title: 'Rotate the signing secret?',
      message:
        'A new secret signs deliveries from now on. The x-hireflix-signature header, which Hireflix-style applicant tracking systems check, uses it at once: they reject deliveries until they have the new secret. For 24 hours the webhook-signature header also carries a signature with the old secret, so Standard Webhooks receivers have time to switch.',
      confirmLabel: 'Rotate secret',
    });
    if (!ok) return;
    try {
      this.secret = await rotateWebhookSecret();
      announce(this, 'Secret rotated');
    } catch (error) {
      this.error = errorMessage(error);
    }
  }

  private async onCreate(event: CustomEvent<{ input: WebhookInput; form: HTMLFormElement }>) {
    const { input, form } = event.detail;
    if (!input.url) {
      this.createError = 'Enter the URL that should receive the events.';
      return;
    }
    if (!input.events.length) {
      this.createError = 'Choose at least one event.';
      return;
    }
    this.busy = true;
    this.createError = '';
    try {
      const created = await createWebhook(input);
      form.reset();
      this.webhooks = [...(this.webhooks ?? []), created];
      announce(this, `Webhook for ${created.url} added`);
    } catch (error) {
      this.createError = errorMessage(error);
    } finally {
      this.busy = false;
    }
  }

  private onChanged(event: CustomEvent<{ webhook: Webhook }>) {
    const { webhook } = event.detail;
    this.webhooks = (this.webhooks ?? []).map((w) => (w.id === webhook.id ? webhook : w));
  }

  private async onDelete(event: CustomEvent<{ webhook: Webhook }>) {
    const { webhook } = event.detail;
    const ok = await this.confirm.ask({ title: 'Delete this webhook?', message: `${webhook.url} gets no more deliveries, and its delivery log is deleted.`, confirmLabel: 'Delete webhook', danger: true });
    if (!ok) return;
    try {
      await deleteWebhook(webhook.id);
      this.webhooks = (this.webhooks ?? []).filter((w) => w.id !== webhook.id);
      announce(this, 'Webhook deleted');
    } catch (error) {
      this.error = errorMessage(error);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'webhooks-settings': WebhooksSettings;
  }
}
