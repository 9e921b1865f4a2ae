import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { isPostgres, type DbExecutor } from '../db/database.ts';
import type { Database, Decision, InterviewQuestionsTable, InterviewStatus, InterviewsTable } from '../db/schema.ts';
import { beyondCursor } from '../shared/cursor.ts';

/** Statuses, optionally narrowed by the review decision: one state a filter lets through. */
export interface InterviewState {
  statuses: InterviewStatus[];
  decision?: Decision | 'undecided';
}

export interface ScoreCondition {
  op: '=' | '<>' | '>' | '>=' | '<' | '<=';
  value: number;
}

export interface InterviewFilter {
  positionId?: string;
  statuses?: InterviewStatus[];
  decision?: Decision | 'undecided';
  /** Interviews in any of these states. */
  anyOf?: InterviewState[];
  emailKey?: string;
  /** Case-insensitive exact last name. */
  lastName?: string;
  /** LIKE patterns (a backslash escapes % and _) matched against the lowercased value. */
  emailLike?: string;
  lastNameLike?: string;
  /** All must hold; `<>` also lets unscored interviews through. */
  score?: ScoreCondition[];
  search?: string;
}

export interface InterviewPage {
  /** Rows past this cursor in `order`. */
  cursor?: { createdAt: number; id: string };
  /** By (created_at, id); newest first unless 'asc'. */
  order?: 'asc' | 'desc';
  limit: number;
}

const like = (value: Expression<string>, pattern: string) => sql<SqlBool>`${value} like ${pattern} escape '\\'`;

export type InterviewRow = InterviewsTable & { position_name: string };

/** An expired or cancelled invitation no longer holds its candidate's email or the ATS's external id in its position. */
const ENDED: InterviewStatus[] = ['expired', 'cancelled'];

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
      .where('status', 'not in', ENDED)
      .executeTakeFirst();
  }

  /** The invitation that holds this external id: not expired, not cancelled (the ATS may reuse the id after those). */
  findLiveByExternalId(positionId: string, externalId: string) {
    return this.db
      .selectFrom('interviews')
      .select(['id'])
      .where('position_id', '=', positionId)
      .where('external_id', '=', externalId)
      .where('status', 'not in', ENDED)
      .executeTakeFirst();
  }

  /** One page plus one row more, so the caller knows whether another page follows. */
  list(workspaceId: string, f: InterviewFilter & InterviewPage): Promise<InterviewRow[]> {
    const order = f.order ?? 'desc';
    return this.base()
      .where((eb) => matching(eb, workspaceId, f))
      .$if(!!f.cursor, (q) => q.where(beyondCursor('interviews', f.cursor!, order)))
      .orderBy('interviews.created_at', order)
      .orderBy('interviews.id', order)
      .limit(f.limit + 1)
      .execute();
  }

  async count(workspaceId: string, f: InterviewFilter): Promise<number> {
    const row = await this.db
      .selectFrom('interviews')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where((eb) => matching(eb, workspaceId, f))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  questionsOf(interviewId: string) {
    return this.db.selectFrom('interview_questions').selectAll().where('interview_id', '=', interviewId).orderBy('sort_order').execute();
  }

  /** The candidate is shown the question from `at` on: the first time only (its think time runs from then). */
  markQuestionOpened(questionId: string, at: number) {
    return this.db.updateTable('interview_questions').set({ opened_at: at }).where('id', '=', questionId).where('opened_at', 'is', null).execute();
  }

  update(id: string, changes: Partial<InterviewsTable>) {
    return this.db.updateTable('interviews').set(changes).where('id', '=', id).execute();
  }

  /**
   * Moves the status only from the given ones (and, with `unsubmitted`, only before the candidate submitted); 0 rows
   * means someone else moved it first.
   */
  transition(id: string, from: InterviewStatus[], changes: Partial<InterviewsTable>, only: { unsubmitted?: boolean } = {}) {
    return this.db
      .updateTable('interviews')
      .set(changes)
      .where('id', '=', id)
      .where('status', 'in', from)
      .$if(!!only.unsubmitted, (q) => q.where('submitted_at', 'is', null))
      .executeTakeFirst()
      .then((r) => Number(r.numUpdatedRows));
  }

  /** Inside a transaction: holds the interview row until it ends (PostgreSQL; SQLite runs one transaction at a time). */
  lock(id: string) {
    return this.db
      .selectFrom('interviews')
      .select(['id', 'score', 'status'])
      .where('id', '=', id)
      .$if(isPostgres(this.db), (q) => q.forUpdate())
      .executeTakeFirst();
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

function matching(eb: ExpressionBuilder<Database, 'interviews'>, workspaceId: string, f: InterviewFilter): Expression<SqlBool> {
  const inState = (state: InterviewState) =>
    eb.and([
      eb('interviews.status', 'in', state.statuses),
      ...(state.decision === 'undecided' ? [eb('interviews.decision', 'is', null)] : state.decision ? [eb('interviews.decision', '=', state.decision)] : []),
    ]);
  const conditions: Expression<SqlBool>[] = [eb('interviews.workspace_id', '=', workspaceId)];
  if (f.positionId) conditions.push(eb('interviews.position_id', '=', f.positionId));
  if (f.statuses?.length) conditions.push(eb('interviews.status', 'in', f.statuses));
  if (f.decision === 'undecided') conditions.push(eb('interviews.decision', 'is', null));
  else if (f.decision) conditions.push(eb('interviews.decision', '=', f.decision));
  if (f.anyOf) conditions.push(f.anyOf.length ? eb.or(f.anyOf.map(inState)) : sql<SqlBool>`1 = 0`);
  if (f.emailKey) conditions.push(eb('interviews.candidate_email_key', '=', f.emailKey));
  if (f.lastName !== undefined) conditions.push(eb(eb.fn('lower', ['interviews.candidate_last_name']), '=', f.lastName.toLowerCase()));
  if (f.emailLike !== undefined) conditions.push(like(eb.ref('interviews.candidate_email_key'), f.emailLike));
  if (f.lastNameLike !== undefined) conditions.push(like(eb.fn<string>('lower', ['interviews.candidate_last_name']), f.lastNameLike));
  for (const { op, value } of f.score ?? []) {
    conditions.push(op === '<>' ? eb.or([eb('interviews.score', 'is', null), eb('interviews.score', '<>', value)]) : eb('interviews.score', op, value));
  }
  if (f.search) {
    const pattern = `%${f.search.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    conditions.push(eb.or([like(sql<string>`lower(interviews.candidate_first_name || ' ' || interviews.candidate_last_name)`, pattern), like(eb.ref('interviews.candidate_email_key'), pattern)]));
  }
  return eb.and(conditions);
}
