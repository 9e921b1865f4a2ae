import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { errorMessage } from '../data/api-client.ts';
import { getDelivery, listDeliveries, redeliver, type Delivery, type DeliveryStatus, type DeliverySummary } from '../data/webhooks.ts';
import { announce } from '../lib/events.ts';
import { formatDateTime } from '../lib/format.ts';
import { sharedStyles } from '../styles/shared-styles.ts';

const statusBadge: Record<DeliveryStatus, string> = { pending: 'neutral', delivering: 'blue', succeeded: 'green', failed: 'red', cancelled: 'amber' };
const statusLabel: Record<DeliveryStatus, string> = { pending: 'Pending', delivering: 'Delivering', succeeded: 'Delivered', failed: 'Failed', cancelled: 'Cancelled' };

const isOnItsWay = (d: DeliverySummary) => d.status === 'pending' || d.status === 'delivering';

/** A webhook's delivery log, newest first: status, attempts and response of each, the body sent, and redelivery. */
@customElement('webhook-deliveries')
export class WebhookDeliveries extends LitElement {
  static styles = [
    sharedStyles,
    css`
      .head {
        display: flex;
        justify-content: space-between;
        align-items: center;
        gap: 0.75rem;
        margin-bottom: 0.5rem;
      }
      .head h4 {
        margin: 0;
        font-size: 1rem;
      }
      table {
        font-size: 0.875rem;
      }
      td.response {
        max-width: 16rem;
        overflow-wrap: anywhere;
      }
      .detail td {
        background: #f9fafb;
      }
      pre {
        background: #111827;
        color: #f9fafb;
        padding: 0.75rem;
        border-radius: 8px;
        overflow: auto;
        max-height: 16rem;
        font-size: 0.8rem;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        margin: 0.25rem 0 0.75rem;
      }
      .detail h5 {
        font-size: 0.875rem;
        margin: 0.25rem 0;
      }
    `,
  ];

  @property() webhookId = '';
  /** Bumped by the parent after a ping, so the new delivery shows. */
  @property({ type: Number }) reloadToken = 0;
  @state() private items: DeliverySummary[] | null = null;
  @state() private nextCursor: string | null = null;
  @state() private open: Delivery | null = null;
  @state() private error = '';
  private timer?: ReturnType<typeof setTimeout>;

  disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.timer);
  }

  protected willUpdate(changed: PropertyValues): void {
    if (changed.has('webhookId') || changed.has('reloadToken')) void this.load();
  }

  /**
   * Reloads the first page and the open details; while something is on its way it looks again shortly, and after a
   * failed reload it keeps trying (less often) as long as the last list it got had something on its way.
   */
  async load(): Promise<void> {
    clearTimeout(this.timer);
    const openId = this.open?.id;
    let again: number | null = null;
    try {
      const page = await listDeliveries(this.webhookId);
      const open = openId ? await getDelivery(this.webhookId, openId) : null;
      this.items = page.items;
      this.nextCursor = page.nextCursor;
      // Unless it was closed, or another one opened, meanwhile.
      if (open && this.open?.id === openId) this.open = open;
      this.error = '';
      if (page.items.some(isOnItsWay)) again = 1500;
    } catch (error) {
      this.error = errorMessage(error);
      if ((this.items ?? []).some(isOnItsWay)) again = 5000;
      this.items ??= [];
    }
    if (again !== null && this.isConnected) this.timer = setTimeout(() => void this.load(), again);
  }

  private async loadMore() {
    if (!this.nextCursor) return;
    try {
      const page = await listDeliveries(this.webhookId, this.nextCursor);
      this.items = [...(this.items ?? []), ...page.items];
      this.nextCursor = page.nextCursor;
    } catch (error) {
      this.error = errorMessage(error);
    }
  }

  render() {
    return html`<div class="head">
        <h4>Delivery log</h4>
        <button class="secondary small" @click=${() => this.load()}>Refresh<span class="visually-hidden"> delivery log</span></button>
      </div>
      ${this.error ? html`<p class="notice error" role="alert">${this.error}</p>` : nothing}
      ${this.items === null
        ? html`<p class="loading">Loading deliveries…</p>`
        : this.items.length === 0
          ? html`<p class="muted">No deliveries yet. Send a test ping to try the endpoint.</p>`
          : html`<div class="table-wrap">
              <table>
                <thead>
                  <tr><th scope="col">Event</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Response</th><th scope="col">Created</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
                </thead>
                <tbody>
                  ${this.items.map((d) => this.renderRow(d))}
                </tbody>
              </table>
            </div>
            ${this.nextCursor ? html`<p><button class="secondary small" @click=${this.loadMore}>Show older deliveries</button></p>` : nothing}`}`;
  }

  private renderRow(d: DeliverySummary) {
    const isOpen = this.open?.id === d.id;
    return html`<tr data-delivery=${d.id}>
        <td><code>${d.event}</code></td>
        <td><span class="badge ${statusBadge[d.status]}">${statusLabel[d.status]}</span></td>
        <td>${d.attempts}</td>
        <td class="response">${d.lastStatusCode ? html`HTTP ${d.lastStatusCode}` : nothing}${d.lastError ? html` <span class="muted">${d.lastError}</span>` : nothing}${!d.lastStatusCode && !d.lastError ? '—' : nothing}</td>
        <td>${formatDateTime(d.deliveredAt ?? d.createdAt)}</td>
        <td>
          <div class="actions" style="flex-wrap:nowrap">
            <button class="link small" aria-expanded=${isOpen ? 'true' : 'false'} @click=${() => this.toggle(d)}>Details<span class="visually-hidden"> of ${d.event} delivery</span></button>
            <button class="secondary small" @click=${() => this.onRedeliver(d)}>Redeliver<span class="visually-hidden"> ${d.event}</span></button>
          </div>
        </td>
      </tr>
      ${isOpen ? this.renderDetail(this.open!) : nothing}`;
  }

  private renderDetail(d: Delivery) {
    let body = d.body;
    try {
      body = JSON.stringify(JSON.parse(d.body), null, 2);
    } catch {
      // shown as sent
    }
    return html`<tr class="detail">
      <td colspan="6">
        <h5>Attempts</h5>
        ${d.attempts.length
          ? html`<ul>
              ${d.attempts.map(
                (a) => html`<li>#${a.attempt} at ${formatDateTime(a.startedAt)}: ${a.statusCode ? `HTTP ${a.statusCode}` : 'no response'} in ${a.durationMs} ms${a.error ? ` (${a.error})` : ''}${a.responseExcerpt ? html` <span class="muted">“${a.responseExcerpt}”</span>` : nothing}</li>`,
              )}
            </ul>`
          : html`<p class="muted">Not attempted yet.</p>`}
        <h5>Body sent</h5>
        <pre tabindex="0" role="region" aria-label="Body sent">${body}</pre>
      </td>
    </tr>`;
  }

  private async toggle(d: DeliverySummary) {
    if (this.open?.id === d.id) {
      this.open = null;
      return;
    }
    try {
      this.open = await getDelivery(this.webhookId, d.id);
    } catch (error) {
      this.error = errorMessage(error);
    }
  }

  private async onRedeliver(d: DeliverySummary) {
    try {
      await redeliver(this.webhookId, d.id);
      announce(this, `${d.event} queued for delivery again`);
      await this.load();
    } catch (error) {
      this.error = errorMessage(error);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'webhook-deliveries': WebhookDeliveries;
  }
}
