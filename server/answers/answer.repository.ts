import type { DbExecutor } from '../db/database.ts';
import { preparedQuery } from '../db/prepared-query.ts';
import type { AnswerStatus, AnswersTable } from '../db/schema.ts';

/**
 * Everything a chunk upload checks, in one query: the interview behind the link, the take (null when it is
 * not this interview's), its question's time limit, and the chunk if it is already held.
 */
const chunkTargetQuery = preparedQuery(3, (db, token: string, answerId: string, seq: number) =>
  db
    .selectFrom('interviews as i')
    .leftJoin('answers as a', (join) => join.onRef('a.interview_id', '=', 'i.id').on('a.id', '=', answerId))
    .leftJoin('interview_questions as q', 'q.id', 'a.interview_question_id')
    .leftJoin('answer_chunks as c', (join) => join.onRef('c.answer_id', '=', 'a.id').on('c.seq', '=', seq))
    .select([
      'i.id as interview_id',
      'i.status as interview_status',
      'i.expires_at',
      'i.submitted_at',
      'a.status as answer_status',
      'a.bytes_received',
      'q.max_answer_seconds',
      'c.size as held_size',
    ])
    .where('i.token', '=', token),
);

/** Counts a chunk's bytes into a take still recording, only while the take stays within `maxBytes`. */
const addBytesQuery = preparedQuery(3, (db, answerId: string, size: number, maxBytes: number) =>
  db
    .updateTable('answers')
    .set((eb) => ({ bytes_received: eb('bytes_received', '+', size) }))
    .where('id', '=', answerId)
    .where('status', '=', 'recording')
    .where((eb) => eb(eb('bytes_received', '+', size), '<=', maxBytes)),
);

const removeBytesQuery = preparedQuery(2, (db, answerId: string, size: number) =>
  db
    .updateTable('answers')
    .set((eb) => ({ bytes_received: eb('bytes_received', '-', size) }))
    .where('id', '=', answerId),
);

const heldChunkQuery = preparedQuery(2, (db, answerId: string, seq: number) =>
  db.selectFrom('answer_chunks').select('size').where('answer_id', '=', answerId).where('seq', '=', seq),
);

const insertChunkQuery = preparedQuery(5, (db, answerId: string, seq: number, size: number, key: string, createdAt: number) =>
  db
    .insertInto('answer_chunks')
    .values({ answer_id: answerId, seq, size, storage_key: key, created_at: createdAt })
    .onConflict((oc) => oc.columns(['answer_id', 'seq']).doNothing()),
);

export type ChunkTarget = NonNullable<Awaited<ReturnType<typeof chunkTargetQuery>>['rows'][number]>;

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

  /** The interview, take and chunk a chunk upload addresses, or undefined for an unknown link. */
  findChunkTarget(token: string, answerId: string, seq: number): Promise<ChunkTarget | undefined> {
    return chunkTargetQuery(this.db, token, answerId, seq).then((r) => r.rows[0]);
  }

  /**
   * Records a stored chunk of a take that is still recording (call it in a transaction): 'closed' when the
   * take was submitted or discarded meanwhile, 'too_large' when its bytes would take the take past `maxBytes`,
   * 'duplicate' (with the held chunk's size) when another upload of the chunk was recorded first.
   */
  async recordChunk(
    chunk: { answer_id: string; seq: number; size: number; storage_key: string; created_at: number },
    maxBytes: number,
  ): Promise<{ outcome: 'stored' | 'closed' | 'too_large' } | { outcome: 'duplicate'; heldSize: number }> {
    // The answer row first: on PostgreSQL its lock orders this against a concurrent submit and against
    // concurrent uploads to the same take, so the byte bound holds however many arrive at once.
    const counted = await addBytesQuery(this.db, chunk.answer_id, chunk.size, maxBytes);
    if (!Number(counted.numAffectedRows ?? 0)) {
      const answer = await this.db.selectFrom('answers').select('status').where('id', '=', chunk.answer_id).executeTakeFirst();
      if (answer?.status !== 'recording') return { outcome: 'closed' };
      // Another upload of this chunk, recorded meanwhile, took the room: a duplicate near the bound is still a duplicate.
      const held = (await heldChunkQuery(this.db, chunk.answer_id, chunk.seq)).rows[0];
      return held ? { outcome: 'duplicate', heldSize: held.size } : { outcome: 'too_large' };
    }
    const inserted = await insertChunkQuery(this.db, chunk.answer_id, chunk.seq, chunk.size, chunk.storage_key, chunk.created_at);
    if (Number(inserted.numAffectedRows ?? 0)) return { outcome: 'stored' };
    await removeBytesQuery(this.db, chunk.answer_id, chunk.size);
    const held = (await heldChunkQuery(this.db, chunk.answer_id, chunk.seq)).rows[0];
    return { outcome: 'duplicate', heldSize: held?.size ?? chunk.size };
  }

  chunksOf(answerId: string) {
    return this.db.selectFrom('answer_chunks').select(['seq', 'size', 'storage_key', 'created_at']).where('answer_id', '=', answerId).orderBy('seq').execute();
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
