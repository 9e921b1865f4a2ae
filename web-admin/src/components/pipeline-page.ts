import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { ApiError, errorMessage } from '../data/api-client.ts';
import {
  INTERVIEW_STATUSES,
  cancelInterview,
  deleteInterview,
  getInterview,
  isOpen,
  listAllInterviews,
  resendInvitation,
  type Decision,
  type Interview,
  type InterviewFilter,
  type InterviewStatus,
} from '../data/interviews.ts';
import { subscribeToInterviewChanges, type InterviewChange } from '../data/live-updates.ts';
import { getPosition, type Position } from '../data/positions.ts';
import { announce, setPageTitle } from '../lib/events.ts';
import { STATUS_LABELS, plural } from '../lib/format.ts';
import { savePipelineOrder } from '../lib/pipeline-order.ts';
import { urls } from '../lib/router.ts';
import { sharedStyles } from '../styles/shared-styles.ts';
import './confirm-dialog.ts';
import type { ConfirmDialog } from './confirm-dialog.ts';
import './invite-dialog.ts';
import type { InviteDialog } from './invite-dialog.ts';
import './pipeline-table.ts';
import type { SortDirection, SortKey } from './pipeline-table.ts';

const PAGE_SIZES = [25, 50, 100];
const SORT_KEYS: SortKey[] = ['name', 'status', 'invited', 'completed', 'score', 'decision'];
const statusOrder: Record<InterviewStatus, number> = { completed: 0, in_progress: 1, pending: 2, expired: 3, cancelled: 4 };
const decisionOrder = (d: Decision | null) => (d === 'shortlisted' ? 0 : d === null ? 1 : 2);

type BulkAction = 'resend' | 'cancel' | 'delete';

/** Compares two invitations by a column; missing values sort last in either direction. */
function compare(a: Interview, b: Interview, key: SortKey, direction: SortDirection): number {
  const sign = direction === 'asc' ? 1 : -1;
  const nullsLast = (x: number | null, y: number | null) => (x === null && y === null ? 0 : x === null ? 1 : y === null ? -1 : sign * (x - y));
  switch (key) {
    case 'name':
      return sign * a.candidate.name.localeCompare(b.candidate.name, undefined, { sensitivity: 'base' });
    case 'status':
      return sign * (statusOrder[a.status] - statusOrder[b.status]);
    case 'invited':
      return sign * (a.createdAt - b.createdAt);
    case 'completed':
      return nullsLast(a.completedAt, b.completedAt);
    case 'score':
      return nullsLast(a.score, b.score);
    case 'decision':
      return sign * (decisionOrder(a.decision) - decisionOrder(b.decision));
  }
}

/**
 * A template's pipeline: every invitation with filters, search, sorting and pages; bulk resend, cancel
 * and delete; inviting; and rows that change as candidates progress (GET /api/live).
 */
@customElement('pipeline-page')
export class PipelinePage extends LitElement {
  static styles = [
    sharedStyles,
    css`
      .filters {
        display: flex;
        flex-wrap: wrap;
        align-items: flex-end;
        gap: 0.75rem 1rem;
        margin-bottom: 1rem;
      }
      .filters .field {
        margin: 0;
      }
      .filters .search {
        flex: 1 1 16rem;
        max-width: 26rem;
      }
      .filters select {
        min-width: 10rem;
      }
      .live {
        display: inline-flex;
        align-items: center;
        gap: 0.35rem;
        font-size: 0.85rem;
        color: var(--success);
        font-weight: 600;
      }
      .live::before {
        content: '';
        width: 0.55rem;
        height: 0.55rem;
        border-radius: 50%;
        background: #16a34a;
      }
      .bulk {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem 0.75rem;
        background: var(--primary-soft);
        border: 1px solid #bfdbfe;
        border-radius: var(--radius);
        padding: 0.6rem 0.9rem;
        margin-bottom: 0.75rem;
      }
      .bulk strong {
        margin-right: 0.25rem;
      }
      .pager {
        display: flex;
        flex-wrap: wrap;
        justify-content: space-between;
        align-items: center;
        gap: 0.75rem;
        margin-top: 0.75rem;
      }
      .pager .field {
        display: flex;
        align-items: center;
        gap: 0.5rem;
        margin: 0;
      }
      .pager label {
        margin: 0;
        font-weight: 400;
      }
      .pager select {
        width: auto;
      }
      .summary {
        font-size: 0.9rem;
      }
      ul.failures {
        margin: 0.25rem 0 0;
        padding-left: 1.25rem;
      }
    `,
  ];

  @property() positionId = '';
  @property({ type: Boolean }) canManage = false;
  @state() private position: Position | null = null;
  @state() private all: Interview[] | null = null;
  @state() private truncated = false;
  @state() private error = '';
  @state() private status: InterviewStatus | '' = '';
  @state() private decision: Decision | 'undecided' | '' = '';
  @state() private search = '';
  @state() private sortKey: SortKey = 'invited';
  @state() private sortDirection: SortDirection = 'desc';
  @state() private page = 1;
  @state() private pageSize = 25;
  @state() private selected = new Set<string>();
  @state() private flashing = new Set<string>();
  @state() private bulkBusy = false;
  @state() private bulkResult: { kind: 'success' | 'warning' | 'error'; message: string; failures: string[] } | null = null;
  @state() private live = false;
  @query('invite-dialog') private inviteDialog!: InviteDialog;
  @query('confirm-dialog') private confirm!: ConfirmDialog;
  private unsubscribe?: () => void;
  private searchTimer?: ReturnType<typeof setTimeout>;
  private loadSeq = 0;

  connectedCallback(): void {
    super.connectedCallback();
    this.readQuery();
    this.unsubscribe = subscribeToInterviewChanges((change) => void this.onLiveChange(change));
    this.live = typeof EventSource !== 'undefined';
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
    clearTimeout(this.searchTimer);
  }

  protected willUpdate(changed: PropertyValues): void {
    if (changed.has('positionId')) {
      this.selected = new Set();
      void this.loadPosition();
      void this.loadInterviews();
    }
  }

  /** Filters, sorting and page live in the URL, so "back" from a review returns to the same view. */
  private readQuery() {
    const q = new URLSearchParams(location.search);
    const status = q.get('status') as InterviewStatus | null;
    this.status = status && INTERVIEW_STATUSES.includes(status) ? status : '';
    const decision = q.get('decision');
    this.decision = decision === 'shortlisted' || decision === 'discarded' || decision === 'undecided' ? decision : '';
    this.search = q.get('q') ?? '';
    const sort = q.get('sort') as SortKey | null;
    this.sortKey = sort && SORT_KEYS.includes(sort) ? sort : 'invited';
    this.sortDirection = q.get('dir') === 'asc' ? 'asc' : 'desc';
    this.page = Math.max(1, Number(q.get('page')) || 1);
    const size = Number(q.get('size'));
    this.pageSize = PAGE_SIZES.includes(size) ? size : 25;
  }

  private writeQuery() {
    const q = new URLSearchParams();
    if (this.status) q.set('status', this.status);
    if (this.decision) q.set('decision', this.decision);
    if (this.search.trim()) q.set('q', this.search.trim());
    if (this.sortKey !== 'invited' || this.sortDirection !== 'desc') {
      q.set('sort', this.sortKey);
      q.set('dir', this.sortDirection);
    }
    if (this.page > 1) q.set('page', String(this.page));
    if (this.pageSize !== 25) q.set('size', String(this.pageSize));
    const qs = q.toString();
    history.replaceState(null, '', `${urls.pipeline(this.positionId)}${qs ? `?${qs}` : ''}`);
  }

  private get filter(): InterviewFilter {
    return {
      positionId: this.positionId,
      status: this.status ? [this.status] : undefined,
      decision: this.decision || undefined,
      q: this.search.trim() || undefined,
    };
  }

  private async loadPosition() {
    try {
      this.position = await getPosition(this.positionId);
      setPageTitle(this, `${this.position.name}: pipeline`);
    } catch (error) {
      this.error = errorMessage(error);
    }
  }

  private async loadInterviews() {
    const seq = ++this.loadSeq;
    try {
      const { items, truncated } = await listAllInterviews(this.filter);
      if (seq !== this.loadSeq) return;
      this.all = items;
      this.truncated = truncated;
      const pages = Math.max(1, Math.ceil(items.length / this.pageSize));
      if (this.page > pages) this.page = pages;
    } catch (error) {
      if (seq !== this.loadSeq) return;
      this.error = errorMessage(error);
      this.all = [];
    }
  }

  /** Whether an invitation belongs in the current view (the search is the server's; a row it returned stays). */
  private belongsInView(i: Interview): boolean {
    if (i.position.id !== this.positionId) return false;
    if (this.status && i.status !== this.status) return false;
    if (this.decision === 'undecided' && i.decision !== null) return false;
    if (this.decision && this.decision !== 'undecided' && i.decision !== this.decision) return false;
    const q = this.search.trim().toLowerCase();
    if (q && !`${i.candidate.name} ${i.candidate.email}`.toLowerCase().includes(q)) return false;
    return true;
  }

  private upsert(rows: Interview[]) {
    if (!this.all) return;
    const byId = new Map(this.all.map((r) => [r.id, r]));
    const left: string[] = [];
    for (const row of rows) {
      if (this.belongsInView(row)) byId.set(row.id, row);
      else if (byId.delete(row.id)) left.push(row.id);
    }
    this.all = [...byId.values()];
    // A row that leaves the view leaves the selection too, as when the filters change.
    if (left.some((id) => this.selected.has(id))) this.dropSelection(left);
  }

  private flash(id: string) {
    this.flashing = new Set([...this.flashing, id]);
    setTimeout(() => {
      const next = new Set(this.flashing);
      next.delete(id);
      this.flashing = next;
    }, 2600);
  }

  private async onLiveChange(change: InterviewChange) {
    if (!this.all) return;
    try {
      const row = await getInterview(change.interviewId);
      if (row.position.id !== this.positionId) return;
      const before = this.all.find((r) => r.id === row.id);
      this.upsert([row]);
      this.flash(row.id);
      if (change.event === 'interview.finish' || (before && before.status !== row.status)) {
        announce(this, `${row.candidate.name}: ${STATUS_LABELS[row.status].toLowerCase()}`);
      }
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        this.all = this.all.filter((r) => r.id !== change.interviewId);
        this.dropSelection([change.interviewId]);
      }
    }
  }

  protected updated(changed: PropertyValues): void {
    if (this.all && (changed.has('all') || changed.has('sortKey') || changed.has('sortDirection') || changed.has('page') || changed.has('pageSize'))) {
      savePipelineOrder({ positionId: this.positionId, url: location.pathname + location.search, items: this.sorted.map((r) => ({ id: r.id, name: r.candidate.name })) });
    }
  }

  private get sorted(): Interview[] {
    const rows = [...(this.all ?? [])];
    rows.sort((a, b) => compare(a, b, this.sortKey, this.sortDirection) || b.createdAt - a.createdAt);
    return rows;
  }

  render() {
    const p = this.position;
    const sorted = this.sorted;
    const pages = Math.max(1, Math.ceil(sorted.length / this.pageSize));
    const page = Math.min(this.page, pages);
    const rows = sorted.slice((page - 1) * this.pageSize, page * this.pageSize);
    return html`<div class="page-header">
        <div>
          <div class="breadcrumbs"><a href=${urls.templates()}>Templates</a> / Pipeline</div>
          <h1 tabindex="-1">${p?.name ?? 'Pipeline'}</h1>
          <p class="muted">
            ${p ? html`${plural(p.questions.length, 'question')}${p.archived ? html` · <span class="badge amber">Archived</span>` : nothing} · ` : nothing}
            ${this.live ? html`<span class="live">Live: new answers appear here as they come in</span>` : nothing}
          </p>
        </div>
        ${this.canManage
          ? html`<div class="actions">
              ${p ? html`<a class="button secondary" href=${urls.editTemplate(p.id)}>Edit template</a>` : nothing}
              <button @click=${() => this.inviteDialog.open('one')} ?disabled=${!p || p.archived}>Invite candidates</button>
            </div>`
          : nothing}
      </div>
      ${this.error ? html`<p class="notice error" role="alert">${this.error}</p>` : nothing}
      ${this.renderFilters()}
      ${this.canManage ? this.renderBulkBar() : nothing}
      ${this.all === null
        ? html`<p class="loading">Loading invitations…</p>`
        : sorted.length === 0
          ? html`<div class="card empty">
              ${this.status || this.decision || this.search.trim()
                ? html`<p>No invitations match these filters.</p>
                    <button class="secondary" @click=${this.clearFilters}>Clear filters</button>`
                : html`<p>Nobody is invited yet.</p>
                    ${this.canManage && p && !p.archived ? html`<button @click=${() => this.inviteDialog.open('one')}>Invite candidates</button>` : nothing}`}
            </div>`
          : html`<pipeline-table .rows=${rows} .selected=${this.selected} .flashing=${this.flashing} .sortKey=${this.sortKey} .sortDirection=${this.sortDirection}
                ?selectable=${this.canManage} caption="Invitations to ${p?.name ?? 'this template'}" @sort-change=${this.onSortChange} @selection-change=${this.onSelectionChange}></pipeline-table>
              ${this.renderPager(sorted.length, page, pages)}`}
      ${this.truncated ? html`<p class="notice warning">Only the newest 5000 invitations are listed. Use the search or the filters to find others.</p>` : nothing}
      <invite-dialog .positionId=${this.positionId} .positionName=${p?.name ?? ''} @invited=${this.onInvited}></invite-dialog>
      <confirm-dialog></confirm-dialog>`;
  }

  private renderFilters() {
    return html`<form class="filters" role="search" aria-label="Filter invitations" @submit=${(e: Event) => e.preventDefault()}>
      <div class="field search">
        <label for="search">Search</label>
        <input id="search" type="search" placeholder="Name or email" .value=${this.search} @input=${this.onSearchInput} />
      </div>
      <div class="field">
        <label for="status">Status</label>
        <select id="status" @change=${this.onStatusChange}>
          <option value="" ?selected=${!this.status}>All statuses</option>
          ${INTERVIEW_STATUSES.map((s) => html`<option value=${s} ?selected=${this.status === s}>${STATUS_LABELS[s]}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="decision">Decision</label>
        <select id="decision" @change=${this.onDecisionChange}>
          <option value="" ?selected=${!this.decision}>Any decision</option>
          <option value="shortlisted" ?selected=${this.decision === 'shortlisted'}>Shortlisted</option>
          <option value="discarded" ?selected=${this.decision === 'discarded'}>Discarded</option>
          <option value="undecided" ?selected=${this.decision === 'undecided'}>Not decided</option>
        </select>
      </div>
      ${this.status || this.decision || this.search ? html`<button type="button" class="link" @click=${this.clearFilters}>Clear filters</button>` : nothing}
    </form>`;
  }

  private renderBulkBar() {
    const count = this.selected.size;
    if (!count && !this.bulkResult) return nothing;
    return html`${count
        ? html`<div class="bulk" role="region" aria-label="Actions on selected invitations">
            <strong>${plural(count, 'candidate')} selected</strong>
            <button class="small" ?disabled=${this.bulkBusy} @click=${() => this.runBulk('resend')}>Remind: email the invitation again</button>
            <button class="secondary small" ?disabled=${this.bulkBusy} @click=${() => this.runBulk('cancel')}>Cancel invitations</button>
            <button class="danger secondary small" ?disabled=${this.bulkBusy} @click=${() => this.runBulk('delete')}>Delete</button>
            <button class="link small" ?disabled=${this.bulkBusy} @click=${() => (this.selected = new Set())}>Clear selection</button>
          </div>`
        : nothing}
      ${this.bulkResult
        ? html`<div class="notice ${this.bulkResult.kind}" role="status">
            ${this.bulkResult.message}
            ${this.bulkResult.failures.length ? html`<ul class="failures">${this.bulkResult.failures.map((f) => html`<li>${f}</li>`)}</ul>` : nothing}
          </div>`
        : nothing}`;
  }

  private renderPager(total: number, page: number, pages: number) {
    const from = (page - 1) * this.pageSize + 1;
    const to = Math.min(total, page * this.pageSize);
    return html`<nav class="pager" aria-label="Pages">
      <span class="summary" aria-live="polite">Showing ${from}–${to} of ${total}</span>
      <div class="actions">
        <button class="secondary small" ?disabled=${page <= 1} @click=${() => this.goToPage(page - 1)}>Previous<span class="visually-hidden"> page</span></button>
        <span>Page ${page} of ${pages}</span>
        <button class="secondary small" ?disabled=${page >= pages} @click=${() => this.goToPage(page + 1)}>Next<span class="visually-hidden"> page</span></button>
      </div>
      <div class="field">
        <label for="page-size">Rows per page</label>
        <select id="page-size" @change=${this.onPageSize}>
          ${PAGE_SIZES.map((n) => html`<option value=${n} ?selected=${n === this.pageSize}>${n}</option>`)}
        </select>
      </div>
    </nav>`;
  }

  private filtersChanged() {
    // A selection is of the rows in view: rows the new filters hide must not stay selected, counted or acted on.
    this.selected = new Set();
    this.page = 1;
    this.writeQuery();
    void this.loadInterviews();
  }

  private onSearchInput(event: Event) {
    this.search = (event.target as HTMLInputElement).value;
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => this.filtersChanged(), 250);
  }

  private onStatusChange(event: Event) {
    this.status = (event.target as HTMLSelectElement).value as InterviewStatus | '';
    this.filtersChanged();
  }

  private onDecisionChange(event: Event) {
    this.decision = (event.target as HTMLSelectElement).value as Decision | 'undecided' | '';
    this.filtersChanged();
  }

  private clearFilters() {
    this.status = '';
    this.decision = '';
    this.search = '';
    this.filtersChanged();
  }

  private onSortChange(event: CustomEvent<{ key: SortKey; direction: SortDirection }>) {
    this.sortKey = event.detail.key;
    this.sortDirection = event.detail.direction;
    this.page = 1;
    this.writeQuery();
  }

  private onPageSize(event: Event) {
    this.pageSize = Number((event.target as HTMLSelectElement).value);
    this.page = 1;
    this.writeQuery();
  }

  private goToPage(page: number) {
    this.page = page;
    this.writeQuery();
    announce(this, `Page ${page}`);
  }

  private onSelectionChange(event: CustomEvent<{ ids: string[]; selected: boolean }>) {
    const next = new Set(this.selected);
    for (const id of event.detail.ids) {
      if (event.detail.selected) next.add(id);
      else next.delete(id);
    }
    this.selected = next;
    this.bulkResult = null;
  }

  private dropSelection(ids: string[]) {
    const next = new Set(this.selected);
    for (const id of ids) next.delete(id);
    this.selected = next;
  }

  private onInvited(event: CustomEvent<{ interviews: Interview[] }>) {
    this.upsert(event.detail.interviews);
    for (const i of event.detail.interviews) this.flash(i.id);
  }

  private async runBulk(action: BulkAction) {
    const chosen = (this.all ?? []).filter((r) => this.selected.has(r.id));
    // A submitted interview completes by itself: nothing to remind of or cancel (its page can close one whose processing failed).
    const targets = action === 'delete' ? chosen : chosen.filter((r) => isOpen(r) && r.submittedAt === null);
    const skipped = chosen.length - targets.length;
    const noun = (n: number) => plural(n, 'candidate');
    if (!targets.length) {
      this.bulkResult = { kind: 'warning', message: `Nothing to do: only pending or in-progress invitations the candidate has not submitted can be ${action === 'resend' ? 'reminded' : 'cancelled'}.`, failures: [] };
      return;
    }
    if (action !== 'resend') {
      const ok = await this.confirm.ask(
        action === 'cancel'
          ? { title: `Cancel ${plural(targets.length, 'invitation')}?`, message: 'These candidates can no longer record. Their links show that the invitation was cancelled.', confirmLabel: 'Cancel invitations', danger: true }
          : { title: `Delete ${noun(targets.length)}?`, message: 'Their invitations, recordings, scores and comments are deleted for good.', confirmLabel: 'Delete for good', danger: true },
      );
      if (!ok) return;
    }
    this.bulkBusy = true;
    this.bulkResult = null;
    const run = { resend: resendInvitation, cancel: cancelInterview, delete: deleteInterview }[action];
    const failures: string[] = [];
    const done: string[] = [];
    const updated: Interview[] = [];
    const queue = [...targets];
    // A few at a time: fast for a page of candidates, gentle on the server.
    await Promise.all(
      Array.from({ length: Math.min(4, queue.length) }, async () => {
        for (let row = queue.shift(); row; row = queue.shift()) {
          try {
            const result = await run(row.id);
            done.push(row.id);
            if (action !== 'delete') updated.push(result as Interview);
          } catch (error) {
            failures.push(`${row.candidate.name}: ${errorMessage(error)}`);
          }
        }
      }),
    );
    if (action === 'delete') this.all = (this.all ?? []).filter((r) => !done.includes(r.id));
    else this.upsert(updated);
    this.dropSelection(done);
    const verb = { resend: 'Invitation emailed again to', cancel: 'Cancelled the invitations of', delete: 'Deleted' }[action];
    const parts = [`${verb} ${noun(done.length)}.`];
    if (skipped) parts.push(`${noun(skipped)} skipped: not pending or in progress.`);
    if (failures.length) parts.push(`${failures.length} failed:`);
    this.bulkResult = { kind: failures.length ? (done.length ? 'warning' : 'error') : 'success', message: parts.join(' '), failures };
    this.bulkBusy = false;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pipeline-page': PipelinePage;
  }
}
