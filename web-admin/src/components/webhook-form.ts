import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { WEBHOOK_EVENTS, WEBHOOK_EVENT_LABELS, type Webhook, type WebhookEvent, type WebhookInput } from '../data/webhooks.ts';
import { sharedStyles } from '../styles/shared-styles.ts';

/** URL, description, events and the active switch of a webhook. Sends `webhook-submit` ({input}) and `webhook-cancel`. */
@customElement('webhook-form')
export class WebhookForm extends LitElement {
  static styles = [
    sharedStyles,
    css`
      .events {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(17rem, 1fr));
        gap: 0.35rem 1rem;
      }
      .events code {
        font-size: 0.8rem;
        color: var(--muted);
      }
      .grid {
        display: grid;
        grid-template-columns: minmax(0, 2fr) minmax(0, 1fr);
        gap: 0 1rem;
      }
      @media (max-width: 700px) {
        .grid {
          grid-template-columns: 1fr;
        }
      }
    `,
  ];

  @property({ attribute: false }) webhook: Webhook | null = null;
  @property() submitLabel = 'Save';
  @property({ type: Boolean }) busy = false;
  @property() error = '';
  /** Makes ids unique when several forms are on the page. */
  @property() idPrefix = 'wh';

  render() {
    const w = this.webhook;
    const id = (name: string) => `${this.idPrefix}-${name}`;
    return html`<form @submit=${this.onSubmit} novalidate>
      ${this.error ? html`<p class="notice error" role="alert">${this.error}</p>` : nothing}
      <div class="grid">
        <div class="field">
          <label for=${id('url')}>Endpoint URL</label>
          <input id=${id('url')} name="url" type="url" required placeholder="https://ats.example.com/hooks/interviews" .value=${w?.url ?? ''} />
        </div>
        <div class="field">
          <label for=${id('description')}>Description <span class="hint" style="display:inline">(optional)</span></label>
          <input id=${id('description')} name="description" type="text" maxlength="500" .value=${w?.description ?? ''} />
        </div>
      </div>
      <fieldset>
        <legend>Send these events</legend>
        <div class="events">
          ${WEBHOOK_EVENTS.map(
            (e) => html`<label class="check">
              <input type="checkbox" name="events" value=${e} ?checked=${w ? w.events.includes(e) : true} />
              <span>${WEBHOOK_EVENT_LABELS[e]} <code>${e}</code></span>
            </label>`,
          )}
        </div>
      </fieldset>
      <div class="field">
        <label class="check"><input type="checkbox" name="active" ?checked=${w ? w.active : true} /> Active: send deliveries</label>
      </div>
      <div class="actions">
        <button type="submit" ?disabled=${this.busy}>${this.busy ? 'Saving…' : this.submitLabel}</button>
        ${w ? html`<button type="button" class="secondary" @click=${this.onCancel}>Cancel</button>` : nothing}
      </div>
    </form>`;
  }

  private onSubmit(event: SubmitEvent) {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const input: WebhookInput = {
      url: String(form.get('url') ?? '').trim(),
      description: String(form.get('description') ?? '').trim(),
      events: form.getAll('events').map(String) as WebhookEvent[],
      active: form.get('active') === 'on',
    };
    this.dispatchEvent(new CustomEvent('webhook-submit', { detail: { input, form: event.target }, bubbles: true, composed: true }));
  }

  private onCancel() {
    this.dispatchEvent(new CustomEvent('webhook-cancel', { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'webhook-form': WebhookForm;
  }
}
