import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { errorMessage } from '../data/api-client.ts';
import {
  changeMemberRole,
  inviteMember,
  listMemberInvitations,
  listMembers,
  removeMember,
  withdrawMemberInvitation,
  type Member,
  type MemberInvitation,
} from '../data/members.ts';
import type { Role, Session } from '../data/session.ts';
import { copyText } from '../lib/clipboard.ts';
import { announce } from '../lib/events.ts';
import { formatDate } from '../lib/format.ts';
import { sharedStyles } from '../styles/shared-styles.ts';
import './confirm-dialog.ts';
import type { ConfirmDialog } from './confirm-dialog.ts';

const ROLES: { role: Role; label: string; description: string }[] = [
  { role: 'owner', label: 'Owner', description: 'everything, including other owners' },
  { role: 'admin', label: 'Admin', description: 'templates, invitations, members, API keys and webhooks' },
  { role: 'reviewer', label: 'Reviewer', description: 'watch, score, comment and decide' },
];

/** Who is in the workspace and with which role; inviting people by email. */
@customElement('members-settings')
export class MembersSettings extends LitElement {
  static styles = [
    sharedStyles,
    css`
      section + section {
        margin-top: 1.5rem;
      }
      .invite-form {
        display: grid;
        grid-template-columns: minmax(0, 1fr) 11rem auto;
        gap: 0.75rem;
        align-items: end;
      }
      .invite-form .field {
        margin: 0;
      }
      td select {
        width: auto;
        min-height: 34px;
        padding: 0.2rem 0.4rem;
      }
      .roles {
        font-size: 0.875rem;
        margin: 0.75rem 0 0;
        padding-left: 1.1rem;
      }
      .link-row {
        display: flex;
        gap: 0.5rem;
      }
      .link-row input {
        font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
        font-size: 0.8rem;
      }
      @media (max-width: 640px) {
        .invite-form {
          grid-template-columns: 1fr;
        }
      }
    `,
  ];

  @property({ attribute: false }) session!: Session;
  @state() private members: Member[] | null = null;
  @state() private invitations: MemberInvitation[] = [];
  @state() private error = '';
  @state() private inviteError = '';
  @state() private lastInvite: { email: string; acceptUrl: string } | null = null;
  @state() private busy = false;
  @query('confirm-dialog') private confirm!: ConfirmDialog;

  connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    try {
      [this.members, this.invitations] = await Promise.all([listMembers(), listMemberInvitations()]);
    } catch (error) {
      this.error = errorMessage(error);
      this.members ??= [];
    }
  }

  private get isOwner() {
    return this.session.role === 'owner';
  }

  render() {
    return html`<section class="card" aria-labelledby="invite-heading">
        <h2 id="invite-heading">Invite a team member</h2>
        <form class="invite-form" @submit=${this.onInvite}>
          <div class="field">
            <label for="invite-email">Email</label>
            <input id="invite-email" name="email" type="email" required autocomplete="off" />
          </div>
          <div class="field">
            <label for="invite-role">Role</label>
            <select id="invite-role" name="role">
              ${ROLES.filter((r) => r.role !== 'owner' || this.isOwner).map((r) => html`<option value=${r.role} ?selected=${r.role === 'reviewer'}>${r.label}</option>`)}
            </select>
          </div>
          <button type="submit" ?disabled=${this.busy}>Send invitation</button>
        </form>
        <ul class="roles muted">
          ${ROLES.map((r) => html`<li><strong>${r.label}</strong>: ${r.description}</li>`)}
        </ul>
        ${this.inviteError ? html`<p class="notice error" role="alert">${this.inviteError}</p>` : nothing}
        ${this.lastInvite
          ? html`<div class="notice success" role="status">
              <p>Invitation emailed to ${this.lastInvite.email}. You can also send them this link (valid for 7 days):</p>
              <div class="link-row">
                <input type="text" readonly aria-label="Invitation link" .value=${this.lastInvite.acceptUrl} @focus=${(e: Event) => (e.target as HTMLInputElement).select()} />
                <button class="secondary small" @click=${() => copyText(this.lastInvite!.acceptUrl)}>Copy</button>
              </div>
            </div>`
          : nothing}
      </section>
      ${this.error ? html`<p class="notice error" role="alert">${this.error}</p>` : nothing}
      <section aria-labelledby="members-heading">
        <h2 id="members-heading">Members</h2>
        ${this.members === null ? html`<p class="loading">Loading members…</p>` : this.renderMembers(this.members)}
      </section>
      ${this.invitations.length
        ? html`<section aria-labelledby="pending-heading">
            <h2 id="pending-heading">Waiting to join</h2>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Invited</th><th scope="col">Link expires</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
                </thead>
                <tbody>
                  ${this.invitations.map(
                    (inv) => html`<tr>
                      <td>${inv.email}</td>
                      <td>${ROLES.find((r) => r.role === inv.role)?.label}</td>
                      <td>${formatDate(inv.createdAt)}</td>
                      <td>${formatDate(inv.expiresAt)}</td>
                      <td><button class="secondary small" @click=${() => this.onWithdraw(inv)}>Withdraw<span class="visually-hidden"> invitation of ${inv.email}</span></button></td>
                    </tr>`,
                  )}
                </tbody>
              </table>
            </div>
          </section>`
        : nothing}
      <confirm-dialog></confirm-dialog>`;
  }

  private renderMembers(members: Member[]) {
    return html`<div class="table-wrap">
      <table>
        <thead>
          <tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Joined</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
        </thead>
        <tbody>
          ${members.map((m) => {
            const me = m.id === this.session.user.id;
            const locked = (m.role === 'owner' && !this.isOwner) || me;
            return html`<tr>
              <td><strong>${m.name}</strong>${me ? html` <span class="muted">(you)</span>` : nothing}</td>
              <td>${m.email}</td>
              <td>
                ${locked
                  ? ROLES.find((r) => r.role === m.role)?.label
                  : html`<select aria-label="Role of ${m.name}" @change=${(e: Event) => this.onRole(m, (e.target as HTMLSelectElement).value as Role, e.target as HTMLSelectElement)}>
                      ${ROLES.filter((r) => r.role !== 'owner' || this.isOwner).map((r) => html`<option value=${r.role} ?selected=${r.role === m.role}>${r.label}</option>`)}
                    </select>`}
              </td>
              <td>${formatDate(m.joinedAt)}</td>
              <td>${locked ? nothing : html`<button class="danger secondary small" @click=${() => this.onRemove(m)}>Remove<span class="visually-hidden"> ${m.name}</span></button>`}</td>
            </tr>`;
          })}
        </tbody>
      </table>
    </div>`;
  }

  private async onInvite(event: SubmitEvent) {
    event.preventDefault();
    const formEl = event.target as HTMLFormElement;
    const form = new FormData(formEl);
    const email = String(form.get('email') ?? '').trim();
    if (!email) {
      this.inviteError = 'Enter an email address.';
      return;
    }
    this.busy = true;
    this.inviteError = '';
    this.lastInvite = null;
    try {
      const invitation = await inviteMember(email, form.get('role') as Role);
      this.lastInvite = { email: invitation.email, acceptUrl: invitation.acceptUrl };
      formEl.reset();
      this.invitations = await listMemberInvitations();
    } catch (error) {
      this.inviteError = errorMessage(error);
    } finally {
      this.busy = false;
    }
  }

  private async onRole(member: Member, role: Role, select: HTMLSelectElement) {
    this.error = '';
    try {
      await changeMemberRole(member.id, role);
      announce(this, `${member.name} is now ${role}`);
      this.members = await listMembers();
    } catch (error) {
      select.value = member.role;
      this.error = errorMessage(error);
    }
  }

  private async onRemove(member: Member) {
    const ok = await this.confirm.ask({ title: `Remove ${member.name}?`, message: 'They lose access to this workspace at once. Their comments and scores stay.', confirmLabel: 'Remove', danger: true });
    if (!ok) return;
    try {
      await removeMember(member.id);
      announce(this, `${member.name} removed`);
      this.members = await listMembers();
    } catch (error) {
      this.error = errorMessage(error);
    }
  }

  private async onWithdraw(invitation: MemberInvitation) {
    try {
      await withdrawMemberInvitation(invitation.id);
      this.invitations = this.invitations.filter((i) => i.id !== invitation.id);
      announce(this, `Invitation of ${invitation.email} withdrawn`);
    } catch (error) {
      this.error = errorMessage(error);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'members-settings': MembersSettings;
  }
}
