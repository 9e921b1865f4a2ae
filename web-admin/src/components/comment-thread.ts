import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { errorMessage } from '../data/api-client.ts';
import { addComment, deleteComment, listComments, type Comment } from '../data/reviews.ts';
import { announce } from '../lib/events.ts';
import { formatDateTime } from '../lib/format.ts';
import { sharedStyles } from '../styles/shared-styles.ts';

/** The hiring team's comments on an interview (never shown to the candidate). */
@customElement('comment-thread')
export class CommentThread extends LitElement {
  static styles = [
    sharedStyles,
    css`
      ol {
        list-style: none;
        padding: 0;
        margin: 0 0 1rem;
        display: grid;
        gap: 0.75rem;
      }
      li {
        border-left: 3px solid #bfdbfe;
        padding: 0.1rem 0 0.1rem 0.75rem;
      }
      .head {
        display: flex;
        flex-wrap: wrap;
        justify-content: space-between;
        align-items: baseline;
        gap: 0.25rem 0.75rem;
        font-size: 0.875rem;
      }
      .body {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        margin: 0.15rem 0 0;
      }
      textarea {
        min-height: 4.5rem;
      }
    `,
  ];

  @property() interviewId = '';
  @property() userId = '';
  /** Owners and admins may delete anyone's comment. */
  @property({ type: Boolean }) canModerate = false;
  @state() private comments: Comment[] | null = null;
  @state() private draft = '';
  @state() private busy = false;
  @state() private error = '';

  protected willUpdate(changed: PropertyValues): void {
    if (changed.has('interviewId')) void this.load();
  }

  private async load() {
    this.comments = null;
    this.error = '';
    try {
      this.comments = await listComments(this.interviewId);
    } catch (error) {
      this.error = errorMessage(error);
      this.comments = [];
    }
  }

  render() {
    return html`${this.comments === null
        ? html`<p class="loading">Loading comments…</p>`
        : this.comments.length === 0
          ? html`<p class="muted">No comments yet.</p>`
          : html`<ol aria-label="Comments">
              ${this.comments.map(
                (c) => html`<li>
                  <div class="head">
                    <strong>${c.authorName}</strong>
                    <span class="muted">${formatDateTime(c.createdAt)}</span>
                  </div>
                  <p class="body">${c.body}</p>
                  ${c.authorId === this.userId || this.canModerate
                    ? html`<button class="link small" @click=${() => this.onDelete(c)}>Delete<span class="visually-hidden"> comment by ${c.authorName}</span></button>`
                    : nothing}
                </li>`,
              )}
            </ol>`}
      ${this.error ? html`<p class="notice error" role="alert">${this.error}</p>` : nothing}
      <form @submit=${this.onSubmit}>
        <label for="comment">Add a comment</label>
        <textarea id="comment" .value=${this.draft} maxlength="5000" aria-describedby="comment-hint" @input=${(e: Event) => (this.draft = (e.target as HTMLTextAreaElement).value)}></textarea>
        <span class="hint" id="comment-hint">Visible to your hiring team only.</span>
        <div class="actions" style="margin-top:0.5rem">
          <button type="submit" class="small" ?disabled=${this.busy || !this.draft.trim()}>${this.busy ? 'Posting…' : 'Post comment'}</button>
        </div>
      </form>`;
  }

  private async onSubmit(event: SubmitEvent) {
    event.preventDefault();
    const body = this.draft.trim();
    if (!body) return;
    this.busy = true;
    this.error = '';
    try {
      const comment = await addComment(this.interviewId, body);
      this.comments = [...(this.comments ?? []), comment];
      this.draft = '';
      announce(this, 'Comment posted');
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.busy = false;
    }
  }

  private async onDelete(comment: Comment) {
    try {
      await deleteComment(this.interviewId, comment.id);
      this.comments = (this.comments ?? []).filter((c) => c.id !== comment.id);
      announce(this, 'Comment deleted');
      this.renderRoot.querySelector<HTMLTextAreaElement>('textarea')?.focus();
    } catch (error) {
      this.error = errorMessage(error);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'comment-thread': CommentThread;
  }
}
