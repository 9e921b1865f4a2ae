import { LitElement, css, html, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import { ApiError, alertLines, errorMessage } from '../data/api-client.ts';
import { resendInvitation, updateInvitation, type InterviewDetail, type InvitationUpdate } from '../data/interviews.ts';
import { listMembers, type Member } from '../data/members.ts';
import { dateInputValue, dayInputValue, endOfLocalDay, todayInputValue } from '../lib/format.ts';
import { sharedStyles } from '../styles/shared-styles.ts';
import { deepActiveElement } from './confirm-dialog.ts';

const FIELDS = ['firstName', 'lastName', 'email', 'phone', 'expiresAt', 'reviewerId'] as const;

/**
 * Edits an invitation before the candidate submits: the candidate's details, the deadline and the reviewer to tell
 * when it completes. A new address can get the invitation at once. Sends `invitation-updated` ({interview}).
 */
@customElement('invitation-edit-dialog')
export class InvitationEditDialog extends LitElement {
  static styles = [
    sharedStyles,
    css`
      dialog {
        width: min(40rem, calc(100vw - 2rem));
      }
    `,
  ];

  @state() private interview: InterviewDetail | null = null;
  @state() private members: Member[] = [];
  /** The members could not be listed: the reviewer is then left as it is. */
  @state() private membersFailed = false;
  @state() private email = '';
  @state() private busy = false;
  @state() private opened = 0;
  @state() private error: ApiError | string | null = null;
  @query('dialog') private dialog!: HTMLDialogElement;
  private opener: Element | null = null;

  async open(interview: InterviewDetail): Promise<void> {
    this.opener = deepActiveElement();
    this.interview = interview;
    this.email = interview.candidate.email;
    this.opened++;
    this.error = null;
    this.membersFailed = false;
    try {
      this.members = await listMembers();
    } catch (error) {
      this.members = [];
      this.membersFailed = true;
      this.error = `The members could not be listed, so the reviewer cannot be changed now: ${errorMessage(error)}`;
    }
    await this.updateComplete;
    this.dialog.showModal();
    this.renderRoot.querySelector<HTMLInputElement>('#firstName')?.focus();
  }

  render() {
    const i = this.interview;
    return html`<dialog aria-labelledby="edit-title" @close=${this.onClose}>
      ${i
        ? // A fresh form each time it opens: nothing typed into an earlier, abandoned edit shows again.
          keyed(this.opened, html`<form @submit=${this.onSubmit} novalidate>
            <div class="dialog-body">
              <h2 id="edit-title">Edit the invitation of ${i.candidate.name}</h2>
              ${this.renderForm(i)}
            </div>
            <div class="dialog-footer">
              <button type="button" class="secondary" @click=${() => this.dialog.close()}>Cancel</button>
              <button type="submit" ?disabled=${this.busy}>${this.busy ? 'Saving…' : 'Save changes'}</button>
            </div>
          </form>`)
        : nothing}
    </dialog>`;
  }

  private renderForm(i: InterviewDetail) {
    const fieldError = (path: string) => (this.error instanceof ApiError ? this.error.fieldMessage(path) : undefined);
    const described = (id: string, hint?: string) => [hint, fieldError(id) ? `${id}-error` : ''].filter(Boolean).join(' ') || nothing;
    const errorOf = (id: string) => (fieldError(id) ? html`<span class="field-error" id="${id}-error">${fieldError(id)}</span>` : nothing);
    const input = (id: 'firstName' | 'lastName' | 'email' | 'phone', label: string, type: string, value: string, optional = false) => html`<div class="field">
      <label for=${id}>${label}${optional ? html` <span class="hint" style="display:inline">(optional)</span>` : nothing}</label>
      <input id=${id} name=${id} type=${type} .value=${value} autocomplete="off" aria-invalid=${fieldError(id) ? 'true' : 'false'} aria-describedby=${described(id)}
        @input=${id === 'email' ? (e: Event) => (this.email = (e.target as HTMLInputElement).value) : nothing} />
      ${errorOf(id)}
    </div>`;
    const alert = this.error && alertLines(this.error, (path) => (FIELDS as readonly string[]).includes(path)).join(' ');
    const emailChanged = this.email.trim().toLowerCase() !== i.candidate.email.toLowerCase();
    return html`${alert ? html`<p class="notice error" role="alert">${alert}</p>` : nothing}
      <div class="field-pair">
        ${input('firstName', 'First name', 'text', i.candidate.firstName)} ${input('lastName', 'Last name', 'text', i.candidate.lastName, true)}
      </div>
      <div class="field-pair">${input('email', 'Email', 'email', i.candidate.email)} ${input('phone', 'Phone', 'tel', i.candidate.phone ?? '', true)}</div>
      ${emailChanged
        ? html`<div class="field">
            <label class="check"><input type="checkbox" name="resend" checked /> Email the invitation to the new address</label>
          </div>`
        : nothing}
      <div class="field-pair">
        <div class="field">
          <label for="expiresAt">Deadline <span class="hint" style="display:inline">(optional)</span></label>
          <input id="expiresAt" name="expiresAt" type="date" .value=${i.expiresAt ? dateInputValue(new Date(i.expiresAt)) : ''} min=${todayInputValue()} max=${dayInputValue(365)}
            aria-invalid=${fieldError('expiresAt') ? 'true' : 'false'} aria-describedby=${described('expiresAt', 'edit-expires-hint')} />
          <span class="hint" id="edit-expires-hint">Empty: no deadline. Candidates must finish by the end of this day.</span>
          ${errorOf('expiresAt')}
        </div>
        <div class="field">
          <label for="reviewerId">Reviewer</label>
          <select id="reviewerId" name="reviewerId" ?disabled=${this.membersFailed} aria-invalid=${fieldError('reviewerId') ? 'true' : 'false'} aria-describedby=${described('reviewerId', 'reviewer-hint')}>
            <option value="" ?selected=${!i.reviewerId}>Nobody in particular</option>
            ${this.members.map((m) => html`<option value=${m.id} ?selected=${m.id === i.reviewerId}>${m.name} (${m.email})</option>`)}
          </select>
          <span class="hint" id="reviewer-hint">Told when the candidate has answered; with nobody, the owners and admins are.</span>
          ${errorOf('reviewerId')}
        </div>
      </div>`;
  }

  private async onSubmit(event: SubmitEvent) {
    event.preventDefault();
    const i = this.interview!;
    const form = new FormData(event.target as HTMLFormElement);
    const value = (k: string) => String(form.get(k) ?? '').trim();
    // Only what the person changed is sent: an untouched deadline keeps its exact time (an ATS may have set one
    // that is not the end of a local day), an untouched reviewer stays assigned.
    const changes: InvitationUpdate = {};
    if (value('firstName') !== i.candidate.firstName) changes.firstName = value('firstName');
    if (value('lastName') !== i.candidate.lastName) changes.lastName = value('lastName');
    if (value('email') !== i.candidate.email) changes.email = value('email');
    if (value('phone') !== (i.candidate.phone ?? '')) changes.phone = value('phone') || null;
    const deadline = value('expiresAt');
    if (deadline !== (i.expiresAt ? dateInputValue(new Date(i.expiresAt)) : '')) changes.expiresAt = deadline ? endOfLocalDay(deadline) : null;
    if (!this.membersFailed && value('reviewerId') !== (i.reviewerId ?? '')) changes.reviewerId = value('reviewerId') || null;
    this.busy = true;
    this.error = null;
    try {
      let updated = Object.keys(changes).length ? await updateInvitation(i.id, changes) : i;
      if (form.get('resend') === 'on') updated = await resendInvitation(i.id);
      this.dispatchEvent(new CustomEvent('invitation-updated', { detail: { interview: updated, emailed: form.get('resend') === 'on' }, bubbles: true, composed: true }));
      this.dialog.close();
    } catch (error) {
      if (error instanceof ApiError && error.code === 'interview_locked') {
        // Submitted (or closed) meanwhile: nothing here can be saved any more; the page shows what it is now.
        this.dispatchEvent(new CustomEvent('invitation-locked', { detail: { message: error.message }, bubbles: true, composed: true }));
        this.dialog.close();
        return;
      }
      this.error = error instanceof ApiError ? error : errorMessage(error);
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    } finally {
      this.busy = false;
    }
  }

  private onClose() {
    (this.opener as HTMLElement | null)?.focus?.();
    this.opener = null;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'invitation-edit-dialog': InvitationEditDialog;
  }
}
