import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { ApiError, alertLines, errorMessage } from '../data/api-client.ts';
import { QUESTION_DEFAULTS, createPosition, getPosition, updatePosition, type Position, type PositionDraft, type QuestionDraft } from '../data/positions.ts';
import { announce, setPageTitle } from '../lib/events.ts';
import { askBeforeLeaving, navigate, urls } from '../lib/router.ts';
import { sharedStyles } from '../styles/shared-styles.ts';
import './question-editor.ts';
import type { QuestionChange, QuestionEditor } from './question-editor.ts';
import './template-preview.ts';

type KeyedQuestion = QuestionDraft & { key: number };

/** Creates or edits a template: name, intro message, ordered questions, and a live preview of the candidate's view. */
@customElement('template-editor')
export class TemplateEditor extends LitElement {
  static styles = [
    sharedStyles,
    css`
      .layout {
        display: grid;
        grid-template-columns: minmax(0, 1fr) minmax(18rem, 26rem);
        gap: 1.5rem;
        align-items: start;
      }
      .preview {
        position: sticky;
        top: 1rem;
      }
      .questions {
        display: grid;
        grid-template-columns: minmax(0, 1fr);
        gap: 0.75rem;
        margin-bottom: 0.75rem;
      }
      question-editor.drop-before {
        box-shadow: 0 -4px 0 0 var(--primary);
        border-radius: var(--radius);
      }
      question-editor.dragging {
        opacity: 0.5;
      }
      .section-head {
        display: flex;
        justify-content: space-between;
        align-items: baseline;
        gap: 1rem;
        margin: 1.5rem 0 0.75rem;
      }
      .section-head h2 {
        margin: 0;
      }
      .save-bar {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.75rem;
        margin-top: 1.5rem;
        padding-top: 1rem;
        border-top: 1px solid var(--border);
      }
      textarea#intro {
        min-height: 7rem;
      }
      .notice p {
        margin: 0;
      }
      .notice p + p {
        margin-top: 0.25rem;
      }
      @media (max-width: 1000px) {
        .layout {
          grid-template-columns: 1fr;
        }
        .preview {
          position: static;
        }
      }
    `,
  ];

  /** Absent for a new template. */
  @property() positionId = '';
  @state() private name = '';
  @state() private introMessage = '';
  @state() private questions: KeyedQuestion[] = [];
  @state() private loaded = false;
  @state() private saving = false;
  @state() private error: ApiError | string | null = null;
  @state() private saved = false;
  @state() private dragIndex: number | null = null;
  @state() private dropIndex: number | null = null;
  private nextKey = 1;
  private dirty = false;
  private original: Position | null = null;
  private stopAsking?: () => void;

  connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('beforeunload', this.onBeforeUnload);
    this.stopAsking = askBeforeLeaving(this.mayLeave);
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('beforeunload', this.onBeforeUnload);
    this.stopAsking?.();
  }

  /** Leaving through the app with unsaved changes asks first. */
  private mayLeave = (): boolean => !this.dirty || window.confirm('Leave this template without saving? Your changes will be lost.');

  private onBeforeUnload = (event: BeforeUnloadEvent) => {
    if (this.dirty) event.preventDefault();
  };

  protected willUpdate(changed: PropertyValues): void {
    if (changed.has('positionId')) void this.load();
  }

  private keyed = (q: QuestionDraft): KeyedQuestion => ({ ...q, key: this.nextKey++ });

  private async load() {
    this.error = null;
    this.saved = false;
    if (!this.positionId) {
      this.name = '';
      this.introMessage = '';
      this.questions = [this.keyed({ title: '', ...QUESTION_DEFAULTS })];
      this.loaded = true;
      setPageTitle(this, 'New template');
      return;
    }
    this.loaded = false;
    try {
      const position = await getPosition(this.positionId);
      this.original = position;
      this.name = position.name;
      this.introMessage = position.introMessage;
      this.questions = position.questions.map((q) => this.keyed(q));
      setPageTitle(this, `Edit ${position.name}`);
    } catch (error) {
      this.error = errorMessage(error);
    }
    this.loaded = true;
  }

  private get draft(): PositionDraft {
    return {
      name: this.name,
      introMessage: this.introMessage,
      questions: this.questions.map(({ key: _key, ...q }) => q),
    };
  }

  /** Server messages for one question, by field. */
  private questionErrors(index: number): Record<string, string> {
    if (!(this.error instanceof ApiError)) return {};
    const prefix = `questions.${index}.`;
    return Object.fromEntries(this.error.fields.filter((f) => f.path.startsWith(prefix)).map((f) => [f.path.slice(prefix.length), f.message]));
  }

  render() {
    if (!this.loaded) return html`<p class="loading">Loading the template…</p>`;
    if (this.positionId && !this.original && this.error) return html`<p class="notice error" role="alert">${errorMessage(this.error)}</p>`;
    const isNew = !this.positionId;
    const nameError = this.error instanceof ApiError ? this.error.fieldMessage('name') : undefined;
    return html`<div class="page-header">
        <div>
          <div class="breadcrumbs"><a href=${urls.templates()}>Templates</a>${this.original ? html` / <a href=${urls.pipeline(this.original.id)}>${this.original.name}</a>` : nothing}</div>
          <h1 tabindex="-1">${isNew ? 'New interview template' : 'Edit template'}</h1>
          ${isNew ? nothing : html`<p class="muted">Changes apply to new invitations; candidates already invited keep the questions they were sent.</p>`}
        </div>
      </div>
      <div class="layout">
        <form @submit=${this.onSubmit} novalidate>
          ${this.error ? this.renderError(this.error) : nothing}
          ${this.saved ? html`<div class="notice success" role="status">Template saved.</div>` : nothing}
          <div class="card">
            <div class="field">
              <label for="name">Template name</label>
              <input id="name" type="text" .value=${this.name} maxlength="200" required placeholder="e.g. Sales Rep first round"
                aria-invalid=${nameError ? 'true' : 'false'} aria-describedby=${nameError ? 'name-error' : nothing} @input=${(e: Event) => this.edit(() => (this.name = (e.target as HTMLInputElement).value), ['name'])} />
              ${nameError ? html`<span class="field-error" id="name-error">${nameError}</span>` : nothing}
            </div>
            <div class="field" style="margin-bottom:0">
              <label for="intro">Introduction message <span class="hint" style="display:inline">(optional)</span></label>
              <textarea id="intro" .value=${this.introMessage} maxlength="10000" aria-describedby="intro-hint"
                @input=${(e: Event) => this.edit(() => (this.introMessage = (e.target as HTMLTextAreaElement).value))}></textarea>
              <span class="hint" id="intro-hint">Shown to candidates before they start recording.</span>
            </div>
          </div>
          <div class="section-head">
            <h2>Questions</h2>
            <span class="muted small">Drag the ⠿ handle or use Up and Down to reorder.</span>
          </div>
          <div class="questions" @dragstart=${this.onDragStart} @dragover=${this.onDragOver} @drop=${this.onDrop} @dragend=${this.onDragEnd}
            @question-change=${this.onQuestionChange} @question-move=${this.onQuestionMove} @question-remove=${this.onQuestionRemove}>
            ${repeat(
              this.questions,
              (q) => q.key,
              (q, i) => html`<question-editor data-index=${i} .question=${q} .index=${i} .count=${this.questions.length} .errors=${this.questionErrors(i)}
                class=${[this.dragIndex === i ? 'dragging' : '', this.dropIndex === i && this.dragIndex !== i ? 'drop-before' : ''].join(' ')}></question-editor>`,
            )}
            ${this.questions.length === 0 ? html`<p class="card muted">No questions yet. Candidates need at least one.</p>` : nothing}
          </div>
          <button type="button" class="secondary" @click=${this.addQuestion} ?disabled=${this.questions.length >= 50}>+ Add a question</button>
          <div class="save-bar">
            <button type="submit" ?disabled=${this.saving}>${this.saving ? 'Saving…' : isNew ? 'Create template' : 'Save changes'}</button>
            <a class="button secondary" href=${this.original ? urls.pipeline(this.original.id) : urls.templates()}>Cancel</a>
          </div>
        </form>
        <aside class="preview card" aria-labelledby="preview-heading">
          <h2 id="preview-heading">What the candidate sees</h2>
          <template-preview .draft=${this.draft}></template-preview>
        </aside>
      </div>`;
  }

  /**
   * Field messages show at their fields; one about no field shown here (the question list as a whole), else the
   * person would be told to fix something nothing points at. Someone else's save is met with a reload.
   */
  private renderError(error: ApiError | string) {
    if (error instanceof ApiError && error.code === 'position_changed') {
      return html`<div class="notice error" role="alert">
        ${error.message}.
        <button type="button" class="secondary small" @click=${this.reloadDiscarding}>Reload the template<span class="visually-hidden"> (your unsaved changes are lost)</span></button>
      </div>`;
    }
    const shown = (path: string) => path === 'name' || /^questions\.\d+\./.test(path);
    const lines = alertLines(error, shown, (path) => (path === 'questions' ? 'Questions' : path));
    return html`<div class="notice error" role="alert">${lines.map((line) => html`<p>${line}</p>`)}</div>`;
  }

  private reloadDiscarding = async () => {
    this.dirty = false;
    await this.load();
  };

  private edit(apply: () => void, fieldPaths: string[] = []) {
    apply();
    this.dirty = true;
    this.saved = false;
    this.clearFieldErrors(fieldPaths);
  }

  /** Messages about questions point at positions; once the list is reordered they point at the wrong ones. */
  private questionErrorPaths(): string[] {
    return this.error instanceof ApiError ? this.error.fields.map((f) => f.path).filter((p) => p.startsWith('questions.')) : [];
  }

  /** A field the person fixed stops showing the server's complaint; the others keep theirs. */
  private clearFieldErrors(paths: string[]) {
    const error = this.error;
    if (!(error instanceof ApiError) || !paths.length) return;
    const fields = error.fields.filter((f) => !paths.includes(f.path));
    if (fields.length === error.fields.length) return;
    this.error = fields.length ? new ApiError(error.status, error.code, error.message, fields) : null;
  }

  private onQuestionChange(event: CustomEvent<QuestionChange>) {
    const { index, question } = event.detail;
    const before = this.questions[index];
    const changed = before ? (Object.keys(question) as (keyof QuestionDraft)[]).filter((k) => question[k] !== before[k]) : [];
    this.edit(
      () => (this.questions = this.questions.map((q, i) => (i === index ? { ...question, key: q.key } : q))),
      changed.map((k) => `questions.${index}.${k}`),
    );
  }

  private async onQuestionMove(event: CustomEvent<{ index: number; to: number; direction: -1 | 1 }>) {
    const { index, to, direction } = event.detail;
    this.moveQuestion(index, to);
    await this.updateComplete;
    this.editorAt(to)?.focusMoveButton(direction);
  }

  private moveQuestion(from: number, to: number) {
    if (to < 0 || to >= this.questions.length || from === to) return;
    const list = [...this.questions];
    const [moved] = list.splice(from, 1);
    list.splice(to, 0, moved!);
    this.edit(() => (this.questions = list), this.questionErrorPaths());
    announce(this, `Question moved to position ${to + 1} of ${list.length}`);
  }

  private async onQuestionRemove(event: CustomEvent<{ index: number }>) {
    const { index } = event.detail;
    this.edit(() => (this.questions = this.questions.filter((_, i) => i !== index)), this.questionErrorPaths());
    announce(this, `Question ${index + 1} removed`);
    await this.updateComplete;
    const next = this.editorAt(Math.min(index, this.questions.length - 1));
    if (next) next.focusTitle();
    else this.renderRoot.querySelector<HTMLButtonElement>('button.secondary')?.focus();
  }

  private async addQuestion() {
    this.edit(() => (this.questions = [...this.questions, this.keyed({ title: '', ...QUESTION_DEFAULTS })]));
    await this.updateComplete;
    this.editorAt(this.questions.length - 1)?.focusTitle();
  }

  private editorAt(index: number): QuestionEditor | null {
    return this.renderRoot.querySelector<QuestionEditor>(`question-editor[data-index="${index}"]`);
  }

  private indexOfEvent(event: DragEvent): number | null {
    const editor = event.composedPath().find((n): n is QuestionEditor => n instanceof HTMLElement && n.tagName === 'QUESTION-EDITOR');
    return editor ? Number(editor.dataset.index) : null;
  }

  private onDragStart(event: DragEvent) {
    const index = this.indexOfEvent(event);
    if (index === null) return;
    this.dragIndex = index;
    event.dataTransfer?.setData('text/plain', String(index));
    if (event.dataTransfer) event.dataTransfer.effectAllowed = 'move';
  }

  private onDragOver(event: DragEvent) {
    if (this.dragIndex === null) return;
    event.preventDefault();
    const index = this.indexOfEvent(event);
    if (index !== null) this.dropIndex = index;
  }

  private onDrop(event: DragEvent) {
    event.preventDefault();
    if (this.dragIndex !== null && this.dropIndex !== null) this.moveQuestion(this.dragIndex, this.dropIndex);
    this.onDragEnd();
  }

  private onDragEnd() {
    this.dragIndex = null;
    this.dropIndex = null;
  }

  private async onSubmit(event: SubmitEvent) {
    event.preventDefault();
    this.saving = true;
    this.error = null;
    this.saved = false;
    try {
      const draft = { ...this.draft, name: this.draft.name.trim() };
      if (this.positionId) {
        const position = await updatePosition(this.positionId, draft, this.original?.updatedAt);
        this.original = position;
        this.questions = position.questions.map((q) => this.keyed(q));
        this.dirty = false;
        this.saved = true;
        announce(this, 'Template saved');
      } else {
        const position = await createPosition(draft);
        this.dirty = false;
        announce(this, `Template ${position.name} created. Invite candidates from its pipeline.`);
        navigate(urls.pipeline(position.id));
      }
    } catch (error) {
      this.error = error instanceof ApiError ? error : errorMessage(error);
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      const nested = [...this.renderRoot.querySelectorAll<QuestionEditor>('question-editor')].find((e) => Object.keys(e.errors).length);
      if (!this.renderRoot.querySelector('[aria-invalid="true"]') && nested) nested.focusTitle();
    } finally {
      this.saving = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'template-editor': TemplateEditor;
  }
}
