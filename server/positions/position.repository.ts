import { isPostgres, type DbExecutor } from '../db/database.ts';
import type { PositionsTable, QuestionsTable } from '../db/schema.ts';

export class PositionRepository {
  constructor(private readonly db: DbExecutor) {}

  insert(position: PositionsTable) {
    return this.db.insertInto('positions').values(position).execute();
  }

  /** `forUpdate`: the row stays locked until the transaction ends (PostgreSQL; SQLite runs one writer at a time). */
  find(workspaceId: string, id: string, options: { forUpdate?: boolean } = {}) {
    return this.db
      .selectFrom('positions')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .$if(!!options.forUpdate && isPostgres(this.db), (q) => q.forUpdate())
      .executeTakeFirst();
  }

  list(workspaceId: string, archived: 'active' | 'archived' | 'all') {
    return this.db
      .selectFrom('positions')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .$if(archived === 'active', (q) => q.where('archived_at', 'is', null))
      .$if(archived === 'archived', (q) => q.where('archived_at', 'is not', null))
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
  }

  update(id: string, changes: Partial<Pick<PositionsTable, 'name' | 'intro_message' | 'archived_at' | 'updated_at'>>) {
    return this.db.updateTable('positions').set(changes).where('id', '=', id).execute();
  }

  questionsOf(positionIds: string[]) {
    if (positionIds.length === 0) return Promise.resolve([] as QuestionsTable[]);
    return this.db.selectFrom('questions').selectAll().where('position_id', 'in', positionIds).orderBy('sort_order').execute();
  }

  insertQuestions(questions: QuestionsTable[]) {
    if (questions.length === 0) return Promise.resolve();
    return this.db.insertInto('questions').values(questions).execute().then(() => undefined);
  }

  updateQuestion(id: string, changes: Partial<Omit<QuestionsTable, 'id' | 'position_id'>>) {
    return this.db.updateTable('questions').set(changes).where('id', '=', id).execute();
  }

  deleteQuestions(ids: string[]) {
    if (ids.length === 0) return Promise.resolve();
    return this.db.deleteFrom('questions').where('id', 'in', ids).execute().then(() => undefined);
  }
}
