import { sql, type Kysely } from 'kysely';

// Frozen: times are epoch milliseconds (bigint), ids are opaque text, flags are nullable timestamps.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('workspaces')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('webhook_secret', 'text', (c) => c.notNull())
    .addColumn('webhook_secret_previous', 'text')
    .addColumn('webhook_secret_previous_until', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('memberships')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('memberships_pk', ['workspace_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('member_invitations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('invited_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('accepted_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('workspace_id', 'text', (c) => c.references('workspaces.id').onDelete('set null'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('api_keys_workspace_idx').on('api_keys').column('workspace_id').execute();

  await db.schema
    .createTable('positions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('intro_message', 'text', (c) => c.notNull())
    .addColumn('archived_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('positions_workspace_idx').on('positions').columns(['workspace_id', 'created_at']).execute();

  await db.schema
    .createTable('questions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('position_id', 'text', (c) => c.notNull().references('positions.id').onDelete('cascade'))
    .addColumn('sort_order', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('think_time_seconds', 'integer', (c) => c.notNull())
    .addColumn('max_answer_seconds', 'integer', (c) => c.notNull())
    .addColumn('retakes', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('questions_position_idx').on('questions').columns(['position_id', 'sort_order']).execute();

  await db.schema
    .createTable('interviews')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('position_id', 'text', (c) => c.notNull().references('positions.id').onDelete('cascade'))
    .addColumn('hash', 'text', (c) => c.notNull().unique())
    .addColumn('token', 'text', (c) => c.notNull().unique())
    .addColumn('candidate_first_name', 'text', (c) => c.notNull())
    .addColumn('candidate_last_name', 'text', (c) => c.notNull())
    .addColumn('candidate_email', 'text', (c) => c.notNull())
    .addColumn('candidate_email_key', 'text', (c) => c.notNull())
    .addColumn('candidate_phone', 'text')
    .addColumn('external_id', 'text')
    .addColumn('metadata', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('decision', 'text')
    .addColumn('decided_at', 'bigint')
    .addColumn('reviewer_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('notifications_disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('score', 'double precision')
    .addColumn('expires_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('completed_at', 'bigint')
    .addColumn('cancelled_at', 'bigint')
    .addColumn('expired_at', 'bigint')
    .execute();
  await db.schema.createIndex('interviews_workspace_idx').on('interviews').columns(['workspace_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('interviews_position_idx').on('interviews').columns(['position_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('interviews_expiry_idx').on('interviews').columns(['status', 'expires_at']).execute();
  // One live invitation per email and position; expired or cancelled ones may be re-sent.
  await db.schema
    .createIndex('interviews_live_email_uq')
    .on('interviews')
    .columns(['position_id', 'candidate_email_key'])
    .unique()
    .where(sql.ref('status'), 'not in', ['expired', 'cancelled'])
    .execute();
  await db.schema
    .createIndex('interviews_external_id_uq')
    .on('interviews')
    .columns(['position_id', 'external_id'])
    .unique()
    .where('external_id', 'is not', null)
    .execute();

  await db.schema
    .createTable('interview_questions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('interview_id', 'text', (c) => c.notNull().references('interviews.id').onDelete('cascade'))
    .addColumn('source_question_id', 'text')
    .addColumn('sort_order', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('think_time_seconds', 'integer', (c) => c.notNull())
    .addColumn('max_answer_seconds', 'integer', (c) => c.notNull())
    .addColumn('retakes', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('interview_questions_interview_idx')
    .on('interview_questions')
    .columns(['interview_id', 'sort_order'])
    .execute();

  await db.schema
    .createTable('emails')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.references('workspaces.id').onDelete('cascade'))
    .addColumn('interview_id', 'text', (c) => c.references('interviews.id').onDelete('set null'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('html_body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('transport', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('sent_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('emails_workspace_idx').on('emails').columns(['workspace_id', 'created_at']).execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('unique_key', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('run_at', 'bigint', (c) => c.notNull())
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema.createIndex('jobs_due_idx').on('jobs').columns(['status', 'run_at']).execute();
  // A unique job (a recurring sweep, one finalisation per answer) is queued at most once at a time.
  await db.schema
    .createIndex('jobs_unique_live_uq')
    .on('jobs')
    .column('unique_key')
    .unique()
    .where(sql.ref('status'), 'in', ['queued', 'running'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'jobs',
    'emails',
    'interview_questions',
    'interviews',
    'questions',
    'positions',
    'api_keys',
    'sessions',
    'member_invitations',
    'memberships',
    'users',
    'workspaces',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
