import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { errorMessage } from '../data/api-client.ts';
import { listEmails, smtpConfigured, type Email } from '../data/emails.ts';
import { formatDateTime } from '../lib/format.ts';
import { sharedStyles } from '../styles/shared-styles.ts';

const kindLabel: Record<Email['kind'], string> = { invitation: 'Invitation', reminder: 'Reminder', completed: 'Completed', member_invitation: 'Team invitation' };
const statusBadge: Record<Email['status'], string> = { queued: 'neutral', sent: 'green', failed: 'red' };

/** Emails the workspace sent or queued; without SMTP this is where they are kept, to read and pass on by hand. */
@customElement('email-outbox')
export class EmailOutbox extends LitElement {
  static styles = [
    sharedStyles,
    css`
      .filter {
        display: flex;
        flex-wrap: wrap;
        gap: 0.75rem;
        align-items: end;
        margin-bottom: 1rem;
      }
      .filter .field {
        margin: 0;
        flex: 1 1 16rem;
        max-width: 24rem;
      }
      .list {
        display: grid;
        grid-template-columns: minmax(0, 1fr);
        gap: 0.5rem;
      }
      details {
        background: var(--surface);
        border: 1px solid var(--border);
        border-radius: var(--radius);
      }
      summary {
        cursor: pointer;
        padding: 0.7rem 1rem 0.7rem 2.25rem;
        display: grid;
        grid-template-columns: minmax(0, 1fr) auto;
        gap: 0.15rem 1rem;
        list-style: none;
        position: relative;
      }
      summary::-webkit-details-marker {
        display: none;
      }
      summary::before {
        content: '▸';
        position: absolute;
        left: 1rem;
        top: 0.75rem;
        color: var(--muted);
      }
      details[open] summary::before {
        content: '▾';
      }
      summary .subject {
        font-weight: 700;
      }
      summary .meta {
        font-size: 0.85rem;
        color: var(--muted);
        grid-column: 1;
      }
      summary .badges {
        grid-row: 1 / span 2;
        grid-column: 2;
        display: flex;
        gap: 0.35rem;
        align-items: center;
      }
      .body {
        border-top: 1px solid #e5e7eb;
        padding: 0.75rem 1rem 1rem;
      }
      pre {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        font-family: inherit;
        margin: 0;
      }
    `,
  ];

  @state() private emails: Email[] | null = null;
  @state() private nextCursor: string | null = null;
  @state() private to = '';
  @state() private error = '';

  connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(more = false) {
    try {
      const page = await listEmails({ to: this.to.trim() || undefined }, more ? this.nextCursor : null);
      this.emails = more ? [...(this.emails ?? []), ...page.items] : page.items;
      this.nextCursor = page.nextCursor;
      this.error = '';
    } catch (error) {
      this.error = errorMessage(error);
      this.emails ??= [];
    }
  }

  render() {
    return html`<h2>Email outbox</h2>
      ${smtpConfigured()
        ? html`<p class="muted">Emails the server sent to candidates and team members, newest first.</p>`
        : html`<p class="notice info" data-testid="no-smtp">This server has no SMTP server configured (<code>SMTP_URL</code>), so emails are not sent: they are kept here. Open one to read it or copy its link to the person.</p>`}
      <form class="filter" role="search" aria-label="Filter emails" @submit=${this.onFilter}>
        <div class="field">
          <label for="to">Recipient</label>
          <input id="to" name="to" type="search" placeholder="name@example.com" .value=${this.to} />
        </div>
        <button type="submit" class="secondary">Filter</button>
        <button type="button" class="secondary" @click=${() => this.load()}>Refresh</button>
      </form>
      ${this.error ? html`<p class="notice error" role="alert">${this.error}</p>` : nothing}
      ${this.emails === null
        ? html`<p class="loading">Loading emails…</p>`
        : this.emails.length === 0
          ? html`<div class="card empty"><p>No emails${this.to ? ` to ${this.to}` : ''}.</p></div>`
          : html`<div class="list">
              ${this.emails.map(
                (e) => html`<details>
                  <summary>
                    <span class="subject">${e.subject}</span>
                    <span class="meta">To ${e.to} · ${formatDateTime(e.createdAt)}</span>
                    <span class="badges"><span class="badge blue">${kindLabel[e.kind]}</span><span class="badge ${statusBadge[e.status]}">${e.status === 'sent' && e.transport === 'outbox' ? 'In outbox' : e.status}</span></span>
                  </summary>
                  <div class="body">
                    ${e.lastError ? html`<p class="notice error">${e.lastError}</p>` : nothing}
                    <pre>${e.text}</pre>
                  </div>
                </details>`,
              )}
            </div>
            ${this.nextCursor ? html`<p><button class="secondary" @click=${() => this.load(true)}>Show older emails</button></p>` : nothing}`}`;
  }

  private onFilter(event: SubmitEvent) {
    event.preventDefault();
    this.to = String(new FormData(event.target as HTMLFormElement).get('to') ?? '');
    void this.load();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'email-outbox': EmailOutbox;
  }
}
