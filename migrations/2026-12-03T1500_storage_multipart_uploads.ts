import type { Kysely } from 'kysely';

// Frozen. Multipart uploads started in S3 and not yet completed or aborted: one cut short by a crash is aborted later
// from here (S3-compatible servers often cannot list them: no ListMultipartUploads).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('storage_multipart_uploads')
    .addColumn('upload_id', 'text', (c) => c.primaryKey())
    .addColumn('object_key', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('storage_multipart_uploads_started_idx').on('storage_multipart_uploads').column('started_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('storage_multipart_uploads').execute();
}
