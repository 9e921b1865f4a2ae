import type { AppContext } from '../app-context.ts';
import type { PositionsTable, QuestionsTable } from '../db/schema.ts';
import { AppError, validationFailed } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { PositionRepository } from './position.repository.ts';
import { QuestionInput, type PositionView, type QuestionInputT, type QuestionView } from './position.schemas.ts';
import type { z } from '@hono/zod-openapi';
import type { PositionInput, PositionUpdate, QuestionUpdate } from './position.schemas.ts';

export const toQuestionView = (q: Omit<QuestionsTable, 'position_id'>): QuestionView => ({
  id: q.id,
  title: q.title,
  description: q.description,
  thinkTimeSeconds: q.think_time_seconds,
  maxAnswerSeconds: q.max_answer_seconds,
  retakes: q.retakes,
});

const toView = (p: PositionsTable, questions: QuestionsTable[]): PositionView => ({
  id: p.id,
  name: p.name,
  introMessage: p.intro_message,
  archived: p.archived_at !== null,
  archivedAt: p.archived_at,
  createdAt: p.created_at,
  updatedAt: p.updated_at,
  questions: questions.filter((q) => q.position_id === p.id).map(toQuestionView),
});

const questionRow = (positionId: string, sortOrder: number, q: QuestionInputT, id = newId()): QuestionsTable => ({
  id,
  position_id: positionId,
  sort_order: sortOrder,
  title: q.title,
  description: q.description,
  think_time_seconds: q.thinkTimeSeconds,
  max_answer_seconds: q.maxAnswerSeconds,
  retakes: q.retakes,
});

/** A question with the fields `changes` names replaced; the others kept. */
function withChanges(current: QuestionView, changes: z.infer<typeof QuestionUpdate>): QuestionInputT {
  const { id: _id, ...fields } = current;
  return { ...fields, ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) };
}

/** Templates and their questions. Interviews copy the questions when sent, so edits here never reach them. */
export class PositionService {
  constructor(private readonly ctx: AppContext) {}

  async list(workspaceId: string, archived: 'active' | 'archived' | 'all' = 'active'): Promise<PositionView[]> {
    const repo = new PositionRepository(this.ctx.db);
    const positions = await repo.list(workspaceId, archived);
    const questions = await repo.questionsOf(positions.map((p) => p.id));
    return positions.map((p) => toView(p, questions));
  }

  async get(workspaceId: string, id: string): Promise<PositionView> {
    const repo = new PositionRepository(this.ctx.db);
    const position = await repo.find(workspaceId, id);
    if (!position) throw new AppError('position_not_found', 'Position not found');
    return toView(position, await repo.questionsOf([id]));
  }

  async create(workspaceId: string, input: z.infer<typeof PositionInput>): Promise<PositionView> {
    const now = this.ctx.clock.now();
    const id = newId();
    await this.ctx.db.transaction().execute(async (trx) => {
      const repo = new PositionRepository(trx);
      await repo.insert({ id, workspace_id: workspaceId, name: input.name, intro_message: input.introMessage, archived_at: null, created_at: now, updated_at: now });
      await repo.insertQuestions(input.questions.map((q, i) => questionRow(id, i, q)));
    });
    return this.get(workspaceId, id);
  }

  async update(workspaceId: string, id: string, input: z.infer<typeof PositionUpdate>): Promise<PositionView> {
    await this.ctx.db.transaction().execute(async (trx) => {
      const repo = new PositionRepository(trx);
      // Locked: of two saves made on the same version, the second sees the first.
      const position = await repo.find(workspaceId, id, { forUpdate: true });
      if (!position) throw new AppError('position_not_found', 'Position not found');
      if (input.expectedUpdatedAt !== undefined && input.expectedUpdatedAt !== position.updated_at) {
        throw new AppError('position_changed', 'Someone else saved this template after you opened it; reload it to see their changes', { updatedAt: position.updated_at });
      }
      await repo.update(id, {
        ...(input.name !== undefined && { name: input.name }),
        ...(input.introMessage !== undefined && { intro_message: input.introMessage }),
        updated_at: this.ctx.clock.now(),
      });
      if (input.questions) {
        const existing = await repo.questionsOf([id]);
        const known = new Set(existing.map((q) => q.id));
        const given = input.questions.filter((q) => q.id).map((q) => q.id!);
        const unknown = given.filter((qid) => !known.has(qid));
        if (unknown.length) {
          throw validationFailed(unknown.map((qid) => ({ path: 'questions', message: `unknown question id ${qid}` })));
        }
        if (new Set(given).size !== given.length) throw validationFailed([{ path: 'questions', message: 'a question id is listed twice' }]);
        await repo.deleteQuestions(existing.filter((q) => !given.includes(q.id)).map((q) => q.id));
        const current = new Map(existing.map((q) => [q.id, toQuestionView(q)]));
        for (const [index, { id: questionId, ...fields }] of input.questions.entries()) {
          if (questionId) {
            const { id: _id, ...row } = questionRow(id, index, withChanges(current.get(questionId)!, fields), questionId);
            await repo.updateQuestion(questionId, row);
          } else {
            await repo.insertQuestions([questionRow(id, index, QuestionInput.parse(fields))]);
          }
        }
      }
    });
    return this.get(workspaceId, id);
  }

  async addQuestion(workspaceId: string, id: string, input: QuestionInputT): Promise<PositionView> {
    const position = await this.get(workspaceId, id);
    if (position.questions.length >= 50) throw validationFailed([{ path: 'questions', message: 'a position has at most 50 questions' }]);
    await this.ctx.db.transaction().execute(async (trx) => {
      await new PositionRepository(trx).insertQuestions([questionRow(id, position.questions.length, input)]);
      await new PositionRepository(trx).update(id, { updated_at: this.ctx.clock.now() });
    });
    return this.get(workspaceId, id);
  }

  async updateQuestion(workspaceId: string, id: string, questionId: string, input: z.infer<typeof QuestionUpdate>): Promise<PositionView> {
    const position = await this.get(workspaceId, id);
    const current = position.questions.find((q) => q.id === questionId);
    if (!current) throw new AppError('not_found', 'Question not found');
    const merged = withChanges(current, input);
    await this.ctx.db.transaction().execute(async (trx) => {
      const repo = new PositionRepository(trx);
      const { id: _id, sort_order: _order, ...fields } = questionRow(id, 0, merged, questionId);
      await repo.updateQuestion(questionId, fields);
      await repo.update(id, { updated_at: this.ctx.clock.now() });
    });
    return this.get(workspaceId, id);
  }

  async deleteQuestion(workspaceId: string, id: string, questionId: string): Promise<PositionView> {
    const position = await this.get(workspaceId, id);
    if (!position.questions.some((q) => q.id === questionId)) throw new AppError('not_found', 'Question not found');
    return this.reorder(workspaceId, id, position.questions.map((q) => q.id).filter((q) => q !== questionId), questionId);
  }

  /** `questionIds` must name every question once; `dropping` is one being deleted. */
  async reorder(workspaceId: string, id: string, questionIds: string[], dropping?: string): Promise<PositionView> {
    const position = await this.get(workspaceId, id);
    const current = position.questions.map((q) => q.id).filter((q) => q !== dropping);
    const same = questionIds.length === current.length && new Set(questionIds).size === current.length && questionIds.every((q) => current.includes(q));
    if (!same) throw validationFailed([{ path: 'questionIds', message: 'must list every question of the position exactly once' }]);
    await this.ctx.db.transaction().execute(async (trx) => {
      const repo = new PositionRepository(trx);
      if (dropping) await repo.deleteQuestions([dropping]);
      for (const [index, qid] of questionIds.entries()) await repo.updateQuestion(qid, { sort_order: index });
      await repo.update(id, { updated_at: this.ctx.clock.now() });
    });
    return this.get(workspaceId, id);
  }

  async duplicate(workspaceId: string, id: string, name?: string): Promise<PositionView> {
    const source = await this.get(workspaceId, id);
    return this.create(workspaceId, {
      name: name ?? `${source.name} (copy)`.slice(0, 200),
      introMessage: source.introMessage,
      questions: source.questions,
    });
  }

  async setArchived(workspaceId: string, id: string, archived: boolean): Promise<PositionView> {
    const position = await this.get(workspaceId, id);
    if (position.archived !== archived) {
      const now = this.ctx.clock.now();
      await new PositionRepository(this.ctx.db).update(id, { archived_at: archived ? now : null, updated_at: now });
    }
    return this.get(workspaceId, id);
  }
}
