import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Frozen. PostgreSQL only (SQLite has no fillfactor). A claim sets only the lease (no indexed column), so with room
// left on the page PostgreSQL updates the row in place (HOT) instead of adding an entry to every index of
// webhook_deliveries, entries the claims' walks over the pending index would step over until vacuum.
export async function up(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) await sql`alter table webhook_deliveries set (fillfactor = 80)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) await sql`alter table webhook_deliveries reset (fillfactor)`.execute(db);
}

const isPostgres = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;
