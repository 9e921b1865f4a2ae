import { sql, type Kysely } from 'kysely';

// A delivery queued behind an earlier open delivery of its webhook and interview is `blocked` until that one is done,
// and the claim's walk (the pending index) leaves it out: with a backlog, the walk stepped over every event waiting
// behind an interview's first one, all of them when fewer interviews were free than it asked for (10,000 rows,
// 120-150 ms a claim on PostgreSQL in bench:webhooks).
// The order index over all deliveries goes: every query of a webhook and interview's deliveries is about the open
// ones (webhook_deliveries_open_idx), and on PostgreSQL each finished or unblocked delivery wrote an entry into it.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('webhook_deliveries_order_idx').execute();
  await db.schema.alterTable('webhook_deliveries').addColumn('blocked', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.dropIndex('webhook_deliveries_pending_idx').execute();
  await sql`create index webhook_deliveries_pending_idx on webhook_deliveries (next_attempt_at) where status = 'pending' and blocked = 0`.execute(db);
  await sql`create index webhook_deliveries_blocked_idx on webhook_deliveries (webhook_id, interview_id) where status = 'pending' and blocked = 1`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('webhook_deliveries_blocked_idx').execute();
  await db.schema.dropIndex('webhook_deliveries_pending_idx').execute();
  await sql`create index webhook_deliveries_pending_idx on webhook_deliveries (next_attempt_at) where status = 'pending'`.execute(db);
  await db.schema.alterTable('webhook_deliveries').dropColumn('blocked').execute();
  await db.schema.createIndex('webhook_deliveries_order_idx').on('webhook_deliveries').columns(['webhook_id', 'interview_id', 'event_seq']).execute();
}
