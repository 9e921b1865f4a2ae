import type { DbExecutor } from '../db/database.ts';
import type { AnswerStatus, AnswersTable } from '../db/schema.ts';

export class AnswerRepository {
  constructor(private readonly db: DbExecutor) {}

  insert(answer: AnswersTable) {
    return this.db.insertInto('answers').values(answer).execute();
  }

  find(id: string) {
    return this.db.selectFrom('answers').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The answer only if it belongs to this interview: another candidate's answer id finds nothing. */
  findInInterview(interviewId: string, id: string) {
    return this.db.selectFrom('answers').selectAll().where('interview_id', '=', interviewId).where('id', '=', id).executeTakeFirst();
  }

  listForInterview(interviewId: string) {
    return this.db.selectFrom('answers').selectAll().where('interview_id', '=', interviewId).orderBy('created_at').orderBy('take').execute();
  }

  listForQuestion(questionId: string) {
    return this.db.selectFrom('answers').selectAll().where('interview_question_id', '=', questionId).orderBy('take').execute();
  }

  update(id: string, changes: Partial<AnswersTable>) {
    return this.db.updateTable('answers').set(changes).where('id', '=', id).execute();
  }

  /** Moves the status only from the given ones; 0 means someone else moved it first. */
  transition(id: string, from: AnswerStatus[], changes: Partial<AnswersTable>) {
    return this.db
      .updateTable('answers')
      .set(changes)
      .where('id', '=', id)
      .where('status', 'in', from)
      .executeTakeFirst()
      .then((r) => Number(r.numUpdatedRows));
  }

  findChunk(answerId: string, seq: number) {
    return this.db.selectFrom('answer_chunks').selectAll().where('answer_id', '=', answerId).where('seq', '=', seq).executeTakeFirst();
  }

  /** False when the chunk was already recorded (a retry); it is then stored once. */
  insertChunk(chunk: { answer_id: string; seq: number; size: number; storage_key: string; created_at: number }) {
    return this.db
      .insertInto('answer_chunks')
      .values(chunk)
      .onConflict((oc) => oc.columns(['answer_id', 'seq']).doNothing())
      .executeTakeFirst()
      .then((r) => Number(r.numInsertedOrUpdatedRows ?? 0) > 0);
  }

  chunksOf(answerId: string) {
    return this.db.selectFrom('answer_chunks').select(['seq', 'size', 'storage_key']).where('answer_id', '=', answerId).orderBy('seq').execute();
  }

  addBytesReceived(answerId: string, size: number) {
    return this.db
      .updateTable('answers')
      .set((eb) => ({ bytes_received: eb('bytes_received', '+', size) }))
      .where('id', '=', answerId)
      .execute();
  }

  /** All chunks of an answer, or those from `fromSeq` on. */
  deleteChunks(answerId: string, fromSeq = 0) {
    return this.db.deleteFrom('answer_chunks').where('answer_id', '=', answerId).where('seq', '>=', fromSeq).execute();
  }

  /** Every storage key an interview's answers use, for deletion. */
  storageKeysOfInterview(interviewId: string) {
    return Promise.all([
      this.db.selectFrom('answer_chunks').innerJoin('answers', 'answers.id', 'answer_chunks.answer_id').select('answer_chunks.storage_key as key').where('answers.interview_id', '=', interviewId).execute(),
      this.db.selectFrom('answers').select(['media_key', 'thumbnail_key']).where('interview_id', '=', interviewId).execute(),
    ]).then(([chunks, answers]) => [
      ...chunks.map((c) => c.key),
      ...answers.flatMap((a) => [a.media_key, a.thumbnail_key]).filter((k): k is string => !!k),
    ]);
  }
}
