import { PostgresAdapter, sql, type Kysely } from 'kysely';

// PostgreSQL only. The foreign key from an attempt to its delivery was checked for every attempt written, through a
// query of its own at the end of the outcomes' statement: about 6% of PostgreSQL's time in bench:webhooks (perf). Attempts
// are written only by that statement, which now takes their delivery from the table in the same statement, so the
// check only restated it. What the key also did, deleting a delivery's attempts with it (a webhook or an event deleted),
// a statement-level trigger does. SQLite keeps its key: there the check is a lookup on the same connection.
export async function up(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`alter table webhook_attempts drop constraint webhook_attempts_delivery_id_fkey`.execute(db);
  await sql`create function webhook_attempts_of_deleted_deliveries() returns trigger language plpgsql as $$
    begin
      delete from webhook_attempts a using deleted_deliveries d where a.delivery_id = d.id;
      return null;
    end $$`.execute(db);
  await sql`create trigger webhook_deliveries_delete_attempts after delete on webhook_deliveries
    referencing old table as deleted_deliveries for each statement execute function webhook_attempts_of_deleted_deliveries()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`drop trigger webhook_deliveries_delete_attempts on webhook_deliveries`.execute(db);
  await sql`drop function webhook_attempts_of_deleted_deliveries()`.execute(db);
  await sql`delete from webhook_attempts a where not exists (select 1 from webhook_deliveries d where d.id = a.delivery_id)`.execute(db);
  await sql`alter table webhook_attempts add constraint webhook_attempts_delivery_id_fkey foreign key (delivery_id)
    references webhook_deliveries (id) on delete cascade`.execute(db);
}

const isPostgres = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;
