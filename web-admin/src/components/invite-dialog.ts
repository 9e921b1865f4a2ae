import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { ApiError, alertLines, errorMessage } from '../data/api-client.ts';
import { bulkInvite, bulkInviteCsv, inviteCandidate, type BulkInviteReport, type Interview } from '../data/interviews.ts';
import { copyText } from '../lib/clipboard.ts';
import { dayInputValue, endOfLocalDay, formatDate, plural, todayInputValue } from '../lib/format.ts';
import { parsePastedCandidates } from '../lib/pasted-candidates.ts';
import { sharedStyles } from '../styles/shared-styles.ts';
import { deepActiveElement } from './confirm-dialog.ts';

type Mode = 'one' | 'paste' | 'csv';

const modes: { mode: Mode; label: string }[] = [
  { mode: 'one', label: 'One candidate' },
  { mode: 'paste', label: 'Paste a list' },
  { mode: 'csv', label: 'Upload a CSV' },
];

/** Invites candidates to a template: one, a pasted list, or a CSV file, with an optional deadline. Sends `invited` ({interviews}). */
@customElement('invite-dialog')
export class InviteDialog extends LitElement {
  static styles = [
    sharedStyles,
    css`
      dialog {
        width: min(44rem, calc(100vw - 2rem));
      }
      .modes {
        display: flex;
        flex-wrap: wrap;
        gap: 0;
        border: 1px solid var(--border-strong);
        border-radius: 8px;
        overflow: hidden;
        width: fit-content;
        margin-bottom: 1rem;
      }
      .modes label {
        margin: 0;
        padding: 0.45rem 0.9rem;
        cursor: pointer;
        font-weight: 600;
        color: var(--primary-dark);
        background: #fff;
        position: relative;
      }
      .modes label + label {
        border-left: 1px solid var(--border-strong);
      }
      .modes input {
        position: absolute;
        opacity: 0;
        inset: 0;
        margin: 0;
        width: 100%;
        height: 100%;
        cursor: pointer;
      }
      .modes label:has(input:checked) {
        background: var(--primary);
        color: #fff;
      }
      .modes label:has(input:focus-visible) {
        outline: 3px solid var(--focus);
        outline-offset: -3px;
      }
      textarea {
        min-height: 9rem;
        font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
        font-size: 0.9rem;
      }
      .options {
        display: grid;
        grid-template-columns: 1fr 1fr;
        gap: 0 1rem;
        align-items: end;
        padding-top: 0.75rem;
        border-top: 1px solid #e5e7eb;
      }
      .report {
        max-height: 16rem;
        overflow: auto;
        border: 1px solid var(--border);
        border-radius: 8px;
      }
      .report table {
        font-size: 0.9rem;
      }
      .link-row {
        display: flex;
        gap: 0.5rem;
      }
      .link-row input {
        font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
        font-size: 0.85rem;
      }
      @media (max-width: 600px) {
        .options {
          grid-template-columns: 1fr;
        }
      }
    `,
  ];

  @property() positionId = '';
  @property() positionName = '';
  @state() private mode: Mode = 'one';
  @state() private busy = false;
  @state() private error: ApiError | string | null = null;
  @state() private report: BulkInviteReport | null = null;
  @state() private invited: Interview | null = null;
  @state() private copied = false;
  @query('dialog') private dialog!: HTMLDialogElement;
  private opener: Element | null = null;

  async open(mode: Mode = 'one'): Promise<void> {
    this.opener = deepActiveElement();
    this.mode = mode;
    this.reset();
    await this.updateComplete;
    this.renderRoot.querySelector('form')?.reset();
    this.dialog.showModal();
    this.focusFirstField();
  }

  private reset() {
    this.error = null;
    this.report = null;
    this.invited = null;
    this.copied = false;
  }

  private focusFirstField() {
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.mode-fields input, .mode-fields textarea')?.focus());
  }

  render() {
    const done = this.invited || this.report;
    return html`<dialog aria-labelledby="invite-title" @close=${this.onClose}>
      <form @submit=${this.onSubmit} novalidate>
        <div class="dialog-body">
          <h2 id="invite-title">Invite candidates to ${this.positionName}</h2>
          ${done ? this.renderResult() : this.renderForm()}
        </div>
        <div class="dialog-footer">
          ${done
            ? html`<button type="button" class="secondary" @click=${this.inviteMore}>Invite more</button>
                <button type="button" @click=${() => this.dialog.close()}>Done</button>`
            : html`<button type="button" class="secondary" @click=${() => this.dialog.close()}>Cancel</button>
                <button type="submit" ?disabled=${this.busy}>${this.busy ? 'Sending…' : this.mode === 'one' ? 'Send invitation' : 'Send invitations'}</button>`}
        </div>
      </form>
    </dialog>`;
  }

  private renderForm() {
    const fieldError = (path: string) => (this.error instanceof ApiError ? this.error.fieldMessage(path) : undefined);
    const input = (id: string, label: string, type: string, options: { required?: boolean; autocomplete?: string; optional?: boolean } = {}) => {
      const message = fieldError(id);
      return html`<div class="field">
        <label for=${id}>${label}${options.optional ? html` <span class="hint" style="display:inline">(optional)</span>` : nothing}</label>
        <input id=${id} name=${id} type=${type} ?required=${!!options.required} autocomplete=${options.autocomplete ?? 'off'}
          aria-invalid=${message ? 'true' : 'false'} aria-describedby=${message ? `${id}-error` : nothing} />
        ${message ? html`<span class="field-error" id="${id}-error">${message}</span>` : nothing}
      </div>`;
    };
    const deadlineError = fieldError('expiresAt');
    // Field messages show at their fields; the alert says so, and carries any message no field here shows.
    const shown = ['firstName', 'lastName', 'email', 'phone', 'expiresAt'];
    return html`${this.error ? html`<p class="notice error" role="alert">${alertLines(this.error, (path) => shown.includes(path)).join(' ')}</p>` : nothing}
      <fieldset>
        <legend class="visually-hidden">How to invite</legend>
        <div class="modes">
          ${modes.map(
            (m) => html`<label>
              <input type="radio" name="mode" value=${m.mode} ?checked=${this.mode === m.mode} .checked=${this.mode === m.mode} @change=${() => this.switchMode(m.mode)} />${m.label}
            </label>`,
          )}
        </div>
      </fieldset>
      <div class="mode-fields">
        ${this.mode === 'one'
          ? html`<div class="field-pair">
                ${input('firstName', 'First name', 'text', { required: true, autocomplete: 'off' })} ${input('lastName', 'Last name', 'text', { optional: true })}
              </div>
              <div class="field-pair">${input('email', 'Email', 'email', { required: true })} ${input('phone', 'Phone', 'tel', { optional: true })}</div>`
          : this.mode === 'paste'
            ? html`<div class="field">
                <label for="list">Candidates, one per line</label>
                <textarea id="list" name="list" required aria-describedby="list-hint" placeholder="Ada Lovelace, ada@example.com&#10;Grace Hopper <grace@example.com>"></textarea>
                <span class="hint" id="list-hint">A name and an email on each line, separated by a comma, a tab or in &lt;angle brackets&gt;. Up to 1000.</span>
              </div>`
            : html`<div class="field">
                <label for="csv">CSV file</label>
                <input id="csv" name="csv" type="file" accept=".csv,text/csv" required aria-describedby="csv-hint" />
                <span class="hint" id="csv-hint">The first row names the columns: <code>name</code> (or <code>first name</code> and <code>last name</code>), <code>email</code>, and optionally <code>phone</code> and <code>external id</code>.</span>
              </div>`}
      </div>
      <div class="options">
        <div class="field">
          <label for="expiresAt">Deadline <span class="hint" style="display:inline">(optional)</span></label>
          <input id="expiresAt" name="expiresAt" type="date" min=${todayInputValue()} max=${dayInputValue(365)}
            aria-invalid=${deadlineError ? 'true' : 'false'} aria-describedby=${deadlineError ? 'expires-hint expiresAt-error' : 'expires-hint'} />
          <span class="hint" id="expires-hint">Candidates must finish by the end of this day, within a year.</span>
          ${deadlineError ? html`<span class="field-error" id="expiresAt-error">${deadlineError}</span>` : nothing}
        </div>
        <div class="field">
          <label class="check"><input type="checkbox" name="sendEmail" checked /> Email the invitation now</label>
          <span class="hint">Leave unticked to share the link yourself.</span>
        </div>
      </div>`;
  }

  private renderResult() {
    if (this.invited) {
      const i = this.invited;
      return html`<p class="notice success" role="status">Invitation created for ${i.candidate.name} (${i.candidate.email})${i.expiresAt ? `, due ${formatDate(i.expiresAt)}` : ''}.</p>
        <label for="candidate-link">The candidate's link</label>
        <div class="link-row">
          <input id="candidate-link" type="text" readonly .value=${i.url.public ?? ''} @focus=${(e: Event) => (e.target as HTMLInputElement).select()} />
          <button type="button" class="secondary" @click=${() => this.copy(i.url.public ?? '')}>${this.copied ? 'Copied' : 'Copy'}</button>
        </div>`;
    }
    const r = this.report!;
    return html`<p class="notice ${r.rejected ? (r.created ? 'warning' : 'error') : 'success'}" role="status">
        ${plural(r.created, 'invitation')} created${r.rejected ? html`, ${plural(r.rejected, 'row')} not invited` : nothing}.
      </p>
      <div class="report">
        <table>
          <caption class="visually-hidden">Result per row</caption>
          <thead>
            <tr><th scope="col">Row</th><th scope="col">Email</th><th scope="col">Result</th></tr>
          </thead>
          <tbody>
            ${r.rows.map(
              (row) => html`<tr>
                <td>${row.row}</td>
                <td>${row.email ?? '—'}</td>
                <td>${row.status === 'created'
                  ? html`<span class="badge green">Invited</span>`
                  : html`<span class="badge red">Not invited</span> <span class="small">${row.error?.fields?.length ? row.error.fields.map((f) => `${f.path}: ${f.message}`).join('; ') : row.error?.message}</span>`}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>`;
  }

  private switchMode(mode: Mode) {
    this.mode = mode;
    this.error = null;
  }

  private inviteMore() {
    this.reset();
    this.renderRoot.querySelector('form')?.reset();
    this.focusFirstField();
  }

  private async copy(text: string) {
    this.copied = await copyText(text);
  }

  private async onSubmit(event: SubmitEvent) {
    event.preventDefault();
    if (this.invited || this.report || this.busy) return;
    const form = new FormData(event.target as HTMLFormElement);
    const value = (k: string) => String(form.get(k) ?? '').trim();
    const expiresAt = endOfLocalDay(value('expiresAt'));
    const sendEmail = form.get('sendEmail') === 'on';
    this.error = null;
    try {
      if (this.mode === 'one') {
        if (!value('firstName') || !value('email')) {
          this.error = 'Enter at least a first name and an email.';
          return;
        }
        this.busy = true;
        const interview = await inviteCandidate(this.positionId, {
          firstName: value('firstName'),
          lastName: value('lastName'),
          email: value('email'),
          phone: value('phone') || null,
          expiresAt,
          sendEmail,
        });
        this.invited = interview;
        this.emitInvited([interview]);
      } else if (this.mode === 'paste') {
        const candidates = parsePastedCandidates(value('list'));
        if (!candidates.length) {
          this.error = 'Paste at least one candidate: a name and an email on a line.';
          return;
        }
        this.busy = true;
        this.report = await bulkInvite(this.positionId, candidates.map((c) => ({ name: c.name, email: c.email })), { expiresAt, sendEmail });
        this.emitInvited(this.report.rows.flatMap((r) => (r.interview ? [r.interview] : [])));
      } else {
        const file = form.get('csv');
        if (!(file instanceof File) || !file.size) {
          this.error = 'Choose a CSV file.';
          return;
        }
        this.busy = true;
        this.report = await bulkInviteCsv(this.positionId, await file.text(), { expiresAt, sendEmail });
        this.emitInvited(this.report.rows.flatMap((r) => (r.interview ? [r.interview] : [])));
      }
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('.dialog-footer button:last-child')?.focus();
    } catch (error) {
      this.error = error instanceof ApiError ? error : errorMessage(error);
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    } finally {
      this.busy = false;
    }
  }

  private emitInvited(interviews: Interview[]) {
    if (interviews.length) this.dispatchEvent(new CustomEvent('invited', { detail: { interviews }, bubbles: true, composed: true }));
  }

  private onClose() {
    (this.opener as HTMLElement | null)?.focus?.();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'invite-dialog': InviteDialog;
  }
}
