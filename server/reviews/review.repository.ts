import type { DbExecutor } from '../db/database.ts';
import type { CommentsTable, ReviewsTable } from '../db/schema.ts';

export class ReviewRepository {
  constructor(private readonly db: DbExecutor) {}

  upsert(review: ReviewsTable) {
    return this.db
      .insertInto('reviews')
      .values(review)
      .onConflict((oc) => oc.columns(['interview_id', 'user_id']).doUpdateSet({ overall_score: review.overall_score, question_scores: review.question_scores, updated_at: review.updated_at }))
      .execute();
  }

  listForInterview(interviewId: string) {
    return this.db
      .selectFrom('reviews')
      .innerJoin('users', 'users.id', 'reviews.user_id')
      .selectAll('reviews')
      .select(['users.name as reviewer_name', 'users.email as reviewer_email'])
      .where('reviews.interview_id', '=', interviewId)
      .orderBy('reviews.updated_at')
      .execute();
  }

  insertComment(comment: CommentsTable) {
    return this.db.insertInto('comments').values(comment).execute();
  }

  listComments(interviewId: string) {
    return this.db.selectFrom('comments').selectAll().where('interview_id', '=', interviewId).orderBy('created_at').orderBy('id').execute();
  }

  findComment(interviewId: string, id: string) {
    return this.db.selectFrom('comments').selectAll().where('interview_id', '=', interviewId).where('id', '=', id).executeTakeFirst();
  }

  deleteComment(id: string) {
    return this.db.deleteFrom('comments').where('id', '=', id).execute();
  }
}
