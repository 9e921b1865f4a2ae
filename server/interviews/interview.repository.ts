import { sql } from 'kysely';
import type { DbExecutor } from '../db/database.ts';
import type { Decision, InterviewQuestionsTable, InterviewStatus, InterviewsTable } from '../db/schema.ts';
import { afterCursor } from '../shared/cursor.ts';

export interface InterviewFilter {
  positionId?: string;
  statuses?: InterviewStatus[];
  decision?: Decision | 'undecided';
  emailKey?: string;
  search?: string;
  before?: { createdAt: number; id: string };
  limit: number;
}

export type InterviewRow = InterviewsTable & { position_name: string };

export class InterviewRepository {
  constructor(private readonly db: DbExecutor) {}

  insert(interview: InterviewsTable) {
    return this.db.insertInto('interviews').values(interview).execute();
  }

  insertQuestions(questions: InterviewQuestionsTable[]) {
    if (questions.length === 0) return Promise.resolve();
    return this.db.insertInto('interview_questions').values(questions).execute().then(() => undefined);
  }

  private base() {
    return this.db.selectFrom('interviews').innerJoin('positions', 'positions.id', 'interviews.position_id').selectAll('interviews').select('positions.name as position_name');
  }

  find(workspaceId: string, id: string): Promise<InterviewRow | undefined> {
    return this.base().where('interviews.workspace_id', '=', workspaceId).where('interviews.id', '=', id).executeTakeFirst();
  }

  /** By id without a workspace: for jobs, which act for the system. */
  findAnywhere(id: string): Promise<InterviewRow | undefined> {
    return this.base().where('interviews.id', '=', id).executeTakeFirst();
  }

  findByToken(token: string): Promise<InterviewRow | undefined> {
    return this.base().where('interviews.token', '=', token).executeTakeFirst();
  }

  findByHash(hash: string) {
    return this.db.selectFrom('interviews').select(['id', 'token']).where('hash', '=', hash).executeTakeFirst();
  }

  /** The invitation that blocks a new one for this email: not expired, not cancelled. */
  findLiveByEmail(positionId: string, emailKey: string) {
    return this.db
      .selectFrom('interviews')
      .select(['id', 'status'])
      .where('position_id', '=', positionId)
      .where('candidate_email_key', '=', emailKey)
      .where('status', 'not in', ['expired', 'cancelled'])
      .executeTakeFirst();
  }

  findByExternalId(positionId: string, externalId: string) {
    return this.db.selectFrom('interviews').select(['id']).where('position_id', '=', positionId).where('external_id', '=', externalId).executeTakeFirst();
  }

  list(workspaceId: string, f: InterviewFilter): Promise<InterviewRow[]> {
    return this.base()
      .where('interviews.workspace_id', '=', workspaceId)
      .$if(!!f.positionId, (q) => q.where('interviews.position_id', '=', f.positionId!))
      .$if(!!f.statuses?.length, (q) => q.where('interviews.status', 'in', f.statuses!))
      .$if(f.decision === 'undecided', (q) => q.where('interviews.decision', 'is', null))
      .$if(!!f.decision && f.decision !== 'undecided', (q) => q.where('interviews.decision', '=', f.decision as Decision))
      .$if(!!f.emailKey, (q) => q.where('interviews.candidate_email_key', '=', f.emailKey!))
      .$if(!!f.search, (q) => {
        const like = `%${f.search!.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
        return q.where(
          sql<boolean>`(lower(interviews.candidate_first_name || ' ' || interviews.candidate_last_name) like ${like} escape '\\' or interviews.candidate_email_key like ${like} escape '\\')`,
        );
      })
      .$if(!!f.before, (q) => q.where(afterCursor('interviews', f.before!)))
      .orderBy('interviews.created_at', 'desc')
      .orderBy('interviews.id', 'desc')
      .limit(f.limit + 1)
      .execute();
  }

  questionsOf(interviewId: string) {
    return this.db.selectFrom('interview_questions').selectAll().where('interview_id', '=', interviewId).orderBy('sort_order').execute();
  }

  update(id: string, changes: Partial<InterviewsTable>) {
    return this.db.updateTable('interviews').set(changes).where('id', '=', id).execute();
  }

  /** Moves a status only from the ones given; 0 rows means someone else moved it first. */
  transition(id: string, from: InterviewStatus[], changes: Partial<InterviewsTable>) {
    return this.db
      .updateTable('interviews')
      .set(changes)
      .where('id', '=', id)
      .where('status', 'in', from)
      .executeTakeFirst()
      .then((r) => Number(r.numUpdatedRows));
  }

  delete(id: string) {
    return this.db.deleteFrom('interviews').where('id', '=', id).execute();
  }

  /** Live invitations whose deadline passed, oldest first. */
  dueForExpiry(now: number, limit: number) {
    return this.db
      .selectFrom('interviews')
      .select(['id', 'workspace_id'])
      .where('status', 'in', ['pending', 'in_progress'])
      .where('submitted_at', 'is', null)
      .where('expires_at', '<=', now)
      .orderBy('expires_at')
      .limit(limit)
      .execute();
  }
}
