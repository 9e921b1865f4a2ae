import type { Kysely } from 'kysely';

// Frozen. One row per take; chunks are tracked here so no S3 listing call is ever needed.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('interviews').addColumn('submitted_at', 'bigint').execute();

  await db.schema
    .createTable('answers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('interview_id', 'text', (c) => c.notNull().references('interviews.id').onDelete('cascade'))
    .addColumn('interview_question_id', 'text', (c) => c.notNull().references('interview_questions.id').onDelete('cascade'))
    .addColumn('take', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('mime_type', 'text', (c) => c.notNull())
    .addColumn('chunk_count', 'integer')
    .addColumn('bytes_received', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('recorded_ms', 'integer')
    .addColumn('media_key', 'text')
    .addColumn('media_type', 'text')
    .addColumn('media_bytes', 'bigint')
    .addColumn('thumbnail_key', 'text')
    .addColumn('duration_seconds', 'double precision')
    .addColumn('width', 'integer')
    .addColumn('height', 'integer')
    .addColumn('processing_error', 'text')
    .addColumn('processing_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('submitted_at', 'bigint')
    .addColumn('finalized_at', 'bigint')
    .addUniqueConstraint('answers_take_uq', ['interview_question_id', 'take'])
    .execute();
  await db.schema.createIndex('answers_interview_idx').on('answers').columns(['interview_id', 'created_at']).execute();

  await db.schema
    .createTable('answer_chunks')
    .addColumn('answer_id', 'text', (c) => c.notNull().references('answers.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('answer_chunks_pk', ['answer_id', 'seq'])
    .execute();

  // Objects to remove from storage, kept after their rows are gone (an interview deleted, chunks merged).
  await db.schema
    .createTable('storage_garbage')
    .addColumn('storage_key', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  // Secrets generated once and shared by every server process on this database (URL signing).
  await db.schema
    .createTable('server_secrets')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['server_secrets', 'storage_garbage', 'answer_chunks', 'answers']) await db.schema.dropTable(table).execute();
  await db.schema.alterTable('interviews').dropColumn('submitted_at').execute();
}
