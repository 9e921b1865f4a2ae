import { sql, type Kysely } from 'kysely';

// Frozen. A claimed delivery keeps status 'pending' and carries only its lease (locked_by, locked_until), so a
// claim touches no index. Open deliveries get partial indexes: the dispatcher walks the pending ones in due order
// and tests "nothing earlier of this interview still open" without reading delivered history.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`update webhook_deliveries set status = 'pending' where status = 'delivering'`.execute(db);
  await db.schema.dropIndex('webhook_deliveries_due_idx').execute();
  await sql`create index webhook_deliveries_pending_idx on webhook_deliveries (next_attempt_at) where status = 'pending'`.execute(db);
  await sql`create index webhook_deliveries_open_idx on webhook_deliveries (webhook_id, interview_id, event_seq) where status = 'pending'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('webhook_deliveries_open_idx').execute();
  await db.schema.dropIndex('webhook_deliveries_pending_idx').execute();
  await db.schema.createIndex('webhook_deliveries_due_idx').on('webhook_deliveries').columns(['status', 'next_attempt_at']).execute();
  await sql`update webhook_deliveries set status = 'delivering' where status = 'pending' and locked_until is not null`.execute(db);
}
