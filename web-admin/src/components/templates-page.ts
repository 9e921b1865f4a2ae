import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { errorMessage } from '../data/api-client.ts';
import { duplicatePosition, listPositions, setPositionArchived, type Position } from '../data/positions.ts';
import { announce, setPageTitle } from '../lib/events.ts';
import { formatDate, plural } from '../lib/format.ts';
import { navigate, urls } from '../lib/router.ts';
import { sharedStyles } from '../styles/shared-styles.ts';
import './confirm-dialog.ts';
import type { ConfirmDialog } from './confirm-dialog.ts';

/** The workspace's interview templates, each leading to its pipeline. */
@customElement('templates-page')
export class TemplatesPage extends LitElement {
  static styles = [
    sharedStyles,
    css`
      .tabs {
        display: flex;
        gap: 0.25rem;
        border-bottom: 1px solid var(--border);
        margin-bottom: 1rem;
      }
      .tabs a {
        padding: 0.5rem 1rem;
        text-decoration: none;
        font-weight: 600;
        color: var(--muted);
        border-bottom: 3px solid transparent;
        margin-bottom: -1px;
      }
      .tabs a[aria-current='page'] {
        color: var(--primary-dark);
        border-bottom-color: var(--primary);
      }
      .name a {
        font-weight: 700;
        font-size: 1.02rem;
      }
      .intro {
        display: -webkit-box;
        -webkit-line-clamp: 1;
        -webkit-box-orient: vertical;
        overflow: hidden;
        max-width: 34rem;
        font-size: 0.875rem;
      }
      td.actions-cell {
        text-align: right;
      }
      td.actions-cell .actions {
        justify-content: flex-end;
        flex-wrap: nowrap;
      }
      @media (max-width: 760px) {
        .col-updated {
          display: none;
        }
        td.actions-cell .actions {
          flex-wrap: wrap;
        }
      }
    `,
  ];

  @property({ type: Boolean }) archived = false;
  @property({ type: Boolean }) canManage = false;
  @state() private positions: Position[] | null = null;
  @state() private error = '';
  @state() private busyId = '';
  @query('confirm-dialog') private confirm!: ConfirmDialog;

  protected willUpdate(changed: PropertyValues): void {
    if (changed.has('archived')) void this.load();
  }

  connectedCallback(): void {
    super.connectedCallback();
    setPageTitle(this, 'Interview templates');
  }

  private async load() {
    this.error = '';
    this.positions = null;
    try {
      this.positions = await listPositions(this.archived ? 'archived' : 'active');
    } catch (error) {
      this.error = errorMessage(error);
      this.positions = [];
    }
  }

  render() {
    return html`<div class="page-header">
        <div>
          <h1 tabindex="-1">Interview templates</h1>
          <p class="muted">Each template is a set of questions you send to candidates. Open one to see its pipeline.</p>
        </div>
        ${this.canManage ? html`<a class="button" href=${urls.newTemplate()}>New template</a>` : nothing}
      </div>
      <nav class="tabs" aria-label="Template lists">
        <a href=${urls.templates()} aria-current=${this.archived ? nothing : 'page'}>Active</a>
        <a href=${urls.templates(true)} aria-current=${this.archived ? 'page' : nothing}>Archived</a>
      </nav>
      ${this.error ? html`<p class="notice error" role="alert">${this.error}</p>` : nothing}
      ${this.positions === null ? html`<p class="loading">Loading templates…</p>` : this.renderTable(this.positions)}
      <confirm-dialog></confirm-dialog>`;
  }

  private renderTable(positions: Position[]) {
    if (positions.length === 0) {
      return html`<div class="card empty">
        ${this.archived
          ? html`<p>No archived templates.</p>`
          : html`<p>No templates yet.</p>
              ${this.canManage ? html`<p><a class="button" href=${urls.newTemplate()}>Create your first template</a></p>` : nothing}`}
      </div>`;
    }
    return html`<div class="table-wrap">
      <table>
        <caption class="visually-hidden">${this.archived ? 'Archived templates' : 'Active templates'}</caption>
        <thead>
          <tr>
            <th scope="col">Template</th>
            <th scope="col">Questions</th>
            <th scope="col" class="col-updated">Last edited</th>
            ${this.canManage ? html`<th scope="col"><span class="visually-hidden">Actions</span></th>` : nothing}
          </tr>
        </thead>
        <tbody>
          ${positions.map(
            (p) => html`<tr>
              <td class="name">
                <a href=${urls.pipeline(p.id)}>${p.name}</a>
                ${p.introMessage ? html`<div class="intro muted">${p.introMessage}</div>` : nothing}
              </td>
              <td>${plural(p.questions.length, 'question')}</td>
              <td class="col-updated">${formatDate(p.updatedAt)}</td>
              ${this.canManage
                ? html`<td class="actions-cell">
                    <div class="actions">
                      <a class="button secondary small" href=${urls.editTemplate(p.id)} aria-label="Edit ${p.name}">Edit</a>
                      <button class="secondary small" ?disabled=${this.busyId === p.id} @click=${() => this.onDuplicate(p)} aria-label="Duplicate ${p.name}">Duplicate</button>
                      ${p.archived
                        ? html`<button class="secondary small" ?disabled=${this.busyId === p.id} @click=${() => this.onArchive(p, false)} aria-label="Restore ${p.name}">Restore</button>`
                        : html`<button class="secondary small" ?disabled=${this.busyId === p.id} @click=${() => this.onArchive(p, true)} aria-label="Archive ${p.name}">Archive</button>`}
                    </div>
                  </td>`
                : nothing}
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }

  private async onDuplicate(position: Position) {
    this.busyId = position.id;
    try {
      const copy = await duplicatePosition(position.id);
      announce(this, `Copied as ${copy.name}. You are now editing the copy.`);
      navigate(urls.editTemplate(copy.id));
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.busyId = '';
    }
  }

  private async onArchive(position: Position, archived: boolean) {
    if (archived) {
      const ok = await this.confirm.ask({
        title: `Archive ${position.name}?`,
        message: 'Archived templates take no new invitations. Candidates already invited can still complete their interviews, and you can restore the template later.',
        confirmLabel: 'Archive',
      });
      if (!ok) return;
    }
    this.busyId = position.id;
    try {
      await setPositionArchived(position.id, archived);
      announce(this, archived ? `${position.name} archived` : `${position.name} restored`);
      await this.load();
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.busyId = '';
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'templates-page': TemplatesPage;
  }
}
