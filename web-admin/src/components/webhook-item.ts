import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { errorMessage } from '../data/api-client.ts';
import { pingWebhook, updateWebhook, type Webhook, type WebhookInput } from '../data/webhooks.ts';
import { announce } from '../lib/events.ts';
import { sharedStyles } from '../styles/shared-styles.ts';
import './confirm-dialog.ts';
import type { ConfirmDialog } from './confirm-dialog.ts';
import './webhook-deliveries.ts';
import './webhook-form.ts';

/** One webhook: its endpoint and events, edit, active switch, test ping and delivery log. Sends `webhook-changed` and `webhook-delete`. */
@customElement('webhook-item')
export class WebhookItem extends LitElement {
  static styles = [
    sharedStyles,
    css`
      .top {
        display: flex;
        flex-wrap: wrap;
        justify-content: space-between;
        gap: 0.5rem 1rem;
        align-items: flex-start;
      }
      h3 {
        margin: 0 0 0.2rem;
        font-size: 1rem;
        overflow-wrap: anywhere;
        font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
      }
      .events {
        list-style: none;
        padding: 0;
        display: flex;
        flex-wrap: wrap;
        gap: 0.3rem;
        margin: 0.5rem 0;
      }
      .deliveries {
        margin-top: 1rem;
        padding-top: 1rem;
        border-top: 1px solid #e5e7eb;
      }
    `,
  ];

  @property({ attribute: false }) webhook!: Webhook;
  @state() private editing = false;
  @state() private showLog = false;
  @state() private busy = false;
  @state() private error = '';
  @state() private formError = '';
  @state() private reloadToken = 0;
  @query('confirm-dialog') private confirm!: ConfirmDialog;

  render() {
    const w = this.webhook;
    const headingId = `wh-${w.id}`;
    return html`<article class="card" aria-labelledby=${headingId}>
      ${this.editing
        ? html`<h3 id=${headingId}>Edit ${w.url}</h3>
            <webhook-form .webhook=${w} idPrefix="edit-${w.id}" submitLabel="Save webhook" ?busy=${this.busy} .error=${this.formError}
              @webhook-submit=${this.onSave} @webhook-cancel=${() => (this.editing = false)}></webhook-form>`
        : html`<div class="top">
              <div>
                <h3 id=${headingId}>${w.url}</h3>
                ${w.description ? html`<div class="muted">${w.description}</div>` : nothing}
              </div>
              ${w.active ? html`<span class="badge green">Active</span>` : html`<span class="badge neutral">Paused</span>`}
            </div>
            ${w.disabledReason ? html`<p class="notice warning">Paused by the server: ${w.disabledReason}</p>` : nothing}
            <ul class="events" aria-label="Events">${w.events.map((e) => html`<li class="badge blue">${e}</li>`)}</ul>
            ${this.error ? html`<p class="notice error" role="alert">${this.error}</p>` : nothing}
            <div class="actions">
              <button class="small" ?disabled=${this.busy} @click=${this.onPing}>Send test ping</button>
              <button class="secondary small" aria-expanded=${this.showLog ? 'true' : 'false'} @click=${() => (this.showLog = !this.showLog)}>${this.showLog ? 'Hide delivery log' : 'Delivery log'}</button>
              <button class="secondary small" data-toggle ?disabled=${this.busy} @click=${this.onToggleActive}>${w.active ? 'Pause' : 'Activate'}</button>
              <button class="secondary small" @click=${() => (this.editing = true)}>Edit</button>
              <button class="danger secondary small" @click=${this.onDelete}>Delete</button>
            </div>
            ${this.showLog ? html`<div class="deliveries"><webhook-deliveries .webhookId=${w.id} .reloadToken=${this.reloadToken}></webhook-deliveries></div>` : nothing}`}
      <confirm-dialog></confirm-dialog>
    </article>`;
  }

  private changed(webhook: Webhook) {
    this.dispatchEvent(new CustomEvent('webhook-changed', { detail: { webhook }, bubbles: true, composed: true }));
  }

  private async onSave(event: CustomEvent<{ input: WebhookInput }>) {
    this.busy = true;
    this.formError = '';
    try {
      this.changed(await updateWebhook(this.webhook.id, event.detail.input));
      this.editing = false;
      announce(this, 'Webhook saved');
    } catch (error) {
      this.formError = errorMessage(error);
    } finally {
      this.busy = false;
    }
  }

  private async onToggleActive() {
    // Pausing cancels what is queued (retries too), and nothing is queued while paused: say so first.
    if (
      this.webhook.active &&
      !(await this.confirm.ask({
        title: 'Pause this webhook?',
        message: `Pausing stops deliveries to ${this.webhook.url}: those waiting to go out or due for a retry are cancelled (one already on its way still arrives), and events that happen while it is paused are not queued for it. Once it is active again, a cancelled delivery can be sent again from its delivery log.`,
        confirmLabel: 'Pause webhook',
      }))
    ) {
      return;
    }
    this.busy = true;
    this.error = '';
    try {
      const updated = await updateWebhook(this.webhook.id, { active: !this.webhook.active });
      this.changed(updated);
      announce(this, updated.active ? 'Webhook active' : 'Webhook paused');
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.busy = false;
    }
    // The button was disabled while busy (and the dialog gave focus back to it then): focus it again, now labelled the other way.
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLButtonElement>('button[data-toggle]')?.focus();
  }

  private async onPing() {
    this.busy = true;
    this.error = '';
    try {
      await pingWebhook(this.webhook.id);
      this.showLog = true;
      this.reloadToken++;
      announce(this, 'Test ping queued; it shows in the delivery log');
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.busy = false;
    }
  }

  private onDelete() {
    this.dispatchEvent(new CustomEvent('webhook-delete', { detail: { webhook: this.webhook }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'webhook-item': WebhookItem;
  }
}
